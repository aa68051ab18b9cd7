"""A teacher brings a concern to the consultation team, is refused for a fødselsnummer in
the text, removes it and sends it; a team member records the team's advice, and the
teacher sees it. A teacher puts a concern on a later meeting and deletes a draft; the
coordinator cancels that meeting, sending its agenda on, and moves another. In bokmål,
as the staff use it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import MembershipFactory, MunicipalityFactory, UnitFactory, UserFactory
from vern.consultations import services
from vern.consultations.models import Advice, Agency, Concern
from vern.core.identifiers import control_digits
from vern.core.models import Role

PASSWORD = "riktig-passord-123"


def _log_in(page, user) -> None:
    page.goto("/konto/logg-inn/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()


def _person(municipality, role, email, name, unit=None):
    user = UserFactory(email=email, full_name=name)
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user, municipality=municipality, role=role, unit=unit)
    return user


@pytest.fixture
def people(live_server, settings, reference_data):
    settings.VERN_REQUIRE_2FA = False  # two-factor login has its own journey test
    municipality = MunicipalityFactory(number="9814", name="Drøftingby")
    school = UnitFactory(municipality=municipality, name="Bakken skole", kind="school")
    coordinator = _person(municipality, Role.COORDINATOR, "koord@drofting.example.test", "Kari K")
    teacher = _person(
        municipality, Role.SCHOOL_CONTACT, "laerer@drofting.example.test", "Lise Lærer", school
    )
    member = _person(municipality, Role.TEAM_MEMBER, "team@drofting.example.test", "Tor Team")
    team = services.team_create(
        municipality=municipality,
        actor=coordinator,
        name="Drøftingsteamet",
        first_meeting_on=datetime.date.today() + datetime.timedelta(days=3),
        meeting_time=datetime.time(9, 0),
    )
    services.member_add(
        team=team,
        actor=coordinator,
        municipality=municipality,
        user=member,
        agency=Agency.CHILD_WELFARE,
    )
    return teacher, member, coordinator, team


def a_fodselsnummer() -> str:
    nine = next(f"030711{i:03d}" for i in range(1000) if control_digits(f"030711{i:03d}"))
    return nine + control_digits(nine)


def test_a_refused_concern_is_fixed_sent_and_advised(new_context, people):
    teacher, member, _coordinator, _team = people
    page = new_context().new_page()
    _log_in(page, teacher)
    page.get_by_role("link", name="Konsultasjonsteam").first.click()
    page.get_by_role("link", name="Meld en bekymring til teamet").click()
    expect(page.get_by_text("Ikke skriv barnets eller andres navn")).to_be_visible()

    number = a_fodselsnummer()
    page.get_by_label("Barnets alder").select_option("10-12")
    page.get_by_label("Hvor du møtte barnet").select_option("school")
    page.get_by_label("Hva du er bekymret for").fill(
        f"Eleven (fnr {number[:6]} {number[6:]}) får ikke være med på svømming og virker redd."
    )
    page.get_by_role("button", name="Send til teamet").click()
    error = page.locator("#id_worry_error")
    expect(error).to_contain_text("fødselsnummer")
    expect(error).to_contain_text("beskriv situasjonen")
    assert not Concern.objects.for_system(reason="test").exists()

    page.get_by_label("Hva du er bekymret for").fill(
        "Eleven får ikke være med på svømming eller leirskole og virker redd for å gå hjem."
    )
    page.get_by_role("button", name="Send til teamet").click()
    expect(
        page.get_by_text(re.compile(r"Bekymringen din K-\d+ ble sendt til teamet"))
    ).to_be_visible()
    concern = Concern.objects.for_system(reason="test").get()
    assert number not in concern.worry

    team_page = new_context().new_page()
    _log_in(team_page, member)
    team_page.get_by_role("link", name="Konsultasjonsteam").first.click()
    team_page.get_by_role("link", name=re.compile("neste møte|\\d{4}")).last.click()
    team_page.get_by_role("link", name=concern.reference).click()
    team_page.get_by_role("link", name="Registrer teamets råd").click()
    team_page.get_by_label("Høy: handle nå").check()
    team_page.get_by_label("Negativ sosial kontroll eller æresrelatert press").check()
    team_page.get_by_label("Venner", exact=True).check()
    team_page.get_by_label("Teamets råd").fill(
        "Opplysningsplikten gjelder. Meld fra til barnevernet i dag, og snakk med eleven alene."
    )
    team_page.get_by_label("Opplysningsplikten til barnevernet gjelder: meld fra nå").check()
    team_page.get_by_label("Drøft med teamet igjen").check()
    team_page.get_by_role("button", name="Lagre rådet").click()
    expect(team_page.get_by_text("Teamets råd ble registrert.")).to_be_visible()
    expect(team_page.get_by_text("Høy: handle nå")).to_be_visible()
    advice = Advice.objects.for_system(reason="test").get()
    assert advice.recommendations == ["notify_child_welfare", "consult_again"]

    page.goto(f"/ansatt/konsultasjon/bekymring/{concern.pk}/")
    expect(page.get_by_text("Meld fra til barnevernet i dag")).to_be_visible()


def test_a_meeting_is_chosen_cancelled_and_moved_and_a_draft_deleted(new_context, people):
    teacher, _member, coordinator, team = people
    first, second, third = list(team.meetings.order_by("starts_at")[:3])
    page = new_context().new_page()
    _log_in(page, teacher)
    page.get_by_role("link", name="Konsultasjonsteam").first.click()
    page.get_by_role("link", name="Meld en bekymring til teamet").click()
    page.get_by_label("Møte", exact=True).select_option(str(second.pk))
    page.get_by_label("Barnets alder").select_option("6-9")
    page.get_by_label("Hvor du møtte barnet").select_option("school")
    page.get_by_label("Hva du er bekymret for").fill("Barnet gruer seg til å gå hjem etter skolen.")
    page.get_by_role("button", name="Send til teamet").click()
    expect(page.get_by_text(re.compile(r"Bekymringen din K-\d+ ble sendt"))).to_be_visible()
    concern = Concern.objects.for_system(reason="test").get()
    assert concern.meeting == second

    # A draft the teacher no longer wants: deleted after a confirmation page.
    draft = services.concern_draft_from(
        municipality=team.municipality,
        submitted_by=teacher,
        age_band="10-12",
        setting="school",
        text="Eleven holdes borte fra svømming.",
    )
    page.get_by_role("link", name="Konsultasjonsteam").first.click()
    page.get_by_role("link", name=draft.reference).click()
    page.get_by_role("link", name="Slett utkastet").click()
    expect(page.get_by_role("heading", name=f"Slette utkastet {draft.reference}?")).to_be_visible()
    page.get_by_role("button", name="Ja, slett utkastet").click()
    expect(page.get_by_text(f"Utkastet {draft.reference} ble slettet.")).to_be_visible()
    assert not Concern.objects.for_system(reason="test").filter(pk=draft.pk).exists()

    boss = new_context().new_page()
    _log_in(boss, coordinator)
    boss.get_by_role("link", name="Konsultasjonsteam").first.click()
    boss.get_by_role("link", name="Team", exact=True).click()
    boss.get_by_role("link", name="Drøftingsteamet").click()
    boss.get_by_role("link", name=re.compile("^Avlys møtet")).nth(1).click()
    boss.wait_for_url(re.compile(rf"/mote/{second.pk}/avlys/$"))
    expect(boss.get_by_text("1 bekymring står på sakslisten.")).to_be_visible()
    boss.get_by_label("Bekymringene på sakslisten").select_option(str(third.pk))
    boss.get_by_role("button", name="Ja, avlys møtet").click()
    expect(boss.get_by_text("Møtet ble avlyst.")).to_be_visible()
    expect(boss.get_by_text("avlyst", exact=True)).to_be_visible()
    concern.refresh_from_db()
    second.refresh_from_db()
    assert second.is_cancelled and concern.meeting == third

    boss.get_by_role("link", name=re.compile("^Flytt møtet")).first.click()
    new_day = timezone.localdate(first.starts_at) + datetime.timedelta(days=1)
    boss.get_by_label("Dato").fill(new_day.isoformat())
    boss.get_by_label("Tidspunkt").fill("13:30")
    boss.get_by_role("button", name="Flytt møtet").click()
    expect(boss.get_by_text("Møtet ble flyttet.")).to_be_visible()
    first.refresh_from_db()
    assert timezone.localtime(first.starts_at).date() == new_day
    assert first.sequence == 1
