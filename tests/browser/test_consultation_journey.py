"""A teacher brings a concern to the consultation team, is refused for a fødselsnummer in
the text, removes it and sends it; a team member records the team's advice, and the
teacher sees it. In bokmål, as the staff use it."""

from __future__ import annotations

import datetime
import re

import pytest
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
    return teacher, member


def a_fodselsnummer() -> str:
    nine = next(f"030711{i:03d}" for i in range(1000) if control_digits(f"030711{i:03d}"))
    return nine + control_digits(nine)


def test_a_refused_concern_is_fixed_sent_and_advised(new_context, people):
    teacher, member = people
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
