"""The staff pages: who sees which school's cases, audit of every read, the
routine worked through the forms, and forms sent twice."""

from datetime import date

import pytest
from django.urls import reverse

from tests.schools.factories import START, case, member, signal
from vern.audit.models import AuditEntry
from vern.core.models import Role
from vern.schools.models import NoShowCase, Signal, StepRecord

TODAY = date(2025, 8, 20)


@pytest.fixture(autouse=True)
def _today(clock):
    clock(TODAY)


@pytest.fixture
def opened(home, bakken, contact):
    return case(home, bakken, actor=contact, today=START)


def _reads(code, pk):
    return AuditEntry.objects.for_system("test").filter(code=code, action="read", object_id=str(pk))


def test_the_schools_contact_principal_and_coordinator_see_the_case_and_each_read_is_audited(
    home, opened, contact, principal, coordinator, login
):
    url = reverse("schools:case_detail", args=[opened.pk])
    for person in (contact, principal, coordinator):
        response = login(person).get(url)
        assert response.status_code == 200
        assert "Elev Eksempel" in response.content.decode()
    assert _reads("schools.noshowcase.read", opened.pk).count() == 3
    listing = login(contact).get(reverse("schools:case_list"))
    assert "Elev Eksempel" in listing.content.decode()
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code="schools.noshowcase.read", detail__path=reverse("schools:case_list"))
        .exists()
    )


def test_another_schools_staff_and_another_municipality_get_404(
    home, other, opened, haugen, outsider, login
):
    url = reverse("schools:case_detail", args=[opened.pk])
    for person in (
        member(home, Role.SCHOOL_CONTACT, haugen),
        member(home, Role.ADMIN, haugen),  # Haugen's principal
        outsider,
    ):
        assert login(person).get(url).status_code == 404
    listing = login(member(home, Role.SCHOOL_CONTACT, haugen)).get(reverse("schools:case_list"))
    assert "Elev Eksempel" not in listing.content.decode()


def test_the_municipalitys_administrators_and_other_roles_see_no_case(
    home, opened, admin, reader, case_worker, login
):
    url = reverse("schools:case_detail", args=[opened.pk])
    assert login(admin).get(url).status_code == 404
    for name in ("schools:case_list", "schools:signal_list", "schools:case_create"):
        assert login(admin).get(reverse(name)).status_code == 403
    for person in (reader, case_worker):
        assert login(person).get(url).status_code == 403
        assert login(person).get(reverse("schools:case_list")).status_code == 403


def test_a_contact_registers_a_no_show_once_even_if_the_form_is_sent_twice(
    home, bakken, contact, login
):
    client = login(contact)
    page = client.get(reverse("schools:case_create"))
    token = page.context["form"]["submission"].value()
    data = {
        "school": bakken.pk,
        "pupil_name": "Nora Prøve",
        "pupil_class": "4A",
        "guardians_contact": "Far: Per Prøve",
        "first_day": "2025-08-18",
        "submission": token,
    }
    first = client.post(reverse("schools:case_create"), data)
    second = client.post(reverse("schools:case_create"), data)
    created = NoShowCase.objects.for_system("test").get()
    assert (
        first["Location"] == second["Location"] == reverse("schools:case_detail", args=[created.pk])
    )
    assert created.created_by == contact


def test_a_first_day_before_school_start_is_refused_on_the_form(home, bakken, contact, login):
    client = login(contact)
    page = client.get(reverse("schools:case_create"))
    response = client.post(
        reverse("schools:case_create"),
        {
            "school": bakken.pk,
            "pupil_name": "Nora Prøve",
            "pupil_class": "4A",
            "guardians_contact": "Far: Per Prøve",
            "first_day": "2025-08-11",
            "submission": page.context["form"]["submission"].value(),
        },
    )
    assert response.status_code == 200
    assert "er før skolestart (18. august 2025)" in response.content.decode()
    assert not NoShowCase.objects.for_system("test").exists()


def test_a_contact_cannot_open_a_case_at_another_school(home, bakken, haugen, contact, login):
    client = login(contact)
    page = client.get(reverse("schools:case_create"))
    response = client.post(
        reverse("schools:case_create"),
        {
            "school": haugen.pk,
            "pupil_name": "Nora Prøve",
            "pupil_class": "4A",
            "guardians_contact": "Far",
            "first_day": "2025-08-18",
            "submission": page.context["form"]["submission"].value(),
        },
    )
    assert response.status_code == 200
    assert not NoShowCase.objects.for_system("test").exists()


def test_steps_out_of_order_are_refused_on_the_form_and_a_repeat_saves_nothing(
    opened, contact, login
):
    client = login(contact)
    response = client.post(
        reverse("schools:case_step", args=[opened.pk, "step-2"]),
        {"done_on": "2025-08-19", "outcome": "Sjekket folkeregisteret."},
    )
    assert response.status_code == 200
    assert "stegene gjøres i rekkefølge" in response.content.decode()
    data = {"done_on": "2025-08-18", "outcome": "Ringte mor, ingen svar."}
    url = reverse("schools:case_step", args=[opened.pk, "step-1"])
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)
    assert "allerede registrert" in again.content.decode()
    assert StepRecord.objects.for_system("test").count() == 1


def test_closing_as_moved_without_confirmation_is_refused(opened, contact, login):
    response = login(contact).post(
        reverse("schools:case_close", args=[opened.pk]),
        {"reason": "moved", "new_school": "Nordby skole"},
    )
    assert response.status_code == 200
    assert "bekreftet at eleven går der" in response.content.decode()
    opened.refresh_from_db()
    assert not opened.is_closed


def test_the_dashboard_counts_open_cases_and_overdue_steps_per_school(
    home, opened, bakken, haugen, coordinator, login
):
    case(home, haugen, today=START)
    response = login(coordinator).get(reverse("schools:case_list"))
    rows = {row.school.name: row for row in response.context["board"].rows}
    assert rows["Bakken skole"].open == 1
    # 20 August: steps 1 and 2 are past their dates.
    assert rows["Bakken skole"].overdue_steps == 2
    assert rows["Haugen skole"].open == 1


# --- Settings ------------------------------------------------------------------------


def test_the_coordinator_sets_the_school_start_and_the_routine(home, coordinator, login):
    client = login(coordinator)
    response = client.post(reverse("schools:settings"), {"year": "2026", "starts_on": "2026-08-17"})
    assert response.status_code == 302
    page = client.get(reverse("schools:template_edit"))
    assert page.status_code == 200
    data = {
        "steg-TOTAL_FORMS": "2",
        "steg-INITIAL_FORMS": "0",
        "steg-0-title": "Ring hjem",
        "steg-0-role": "school_contact",
        "steg-0-days": "0",
        "steg-1-title": "Rektor avgjør",
        "steg-1-role": "admin",
        "steg-1-days": "2",
    }
    assert client.post(reverse("schools:template_edit"), data).status_code == 302
    from vern.schools.routine import template_steps

    assert [s.title for s in template_steps(home)] == ["Ring hjem", "Rektor avgjør"]


def test_a_principal_cannot_change_the_municipalitys_routine(home, principal, login):
    assert login(principal).get(reverse("schools:settings")).status_code == 403


# --- Signals ------------------------------------------------------------------------------


def test_a_teacher_registers_a_signal_and_the_principal_documents_the_conversations(
    home, bakken, principal, login
):
    teacher = member(home, Role.READER, bakken, "Tina Lærer")
    client = login(teacher)
    page = client.get(reverse("schools:signal_create"))
    assert page.status_code == 200
    response = client.post(
        reverse("schools:signal_create"),
        {
            "school": bakken.pk,
            "pupil_name": "Maryam",
            "pupil_class": "6A",
            "activity": "swimming",
            "observed_on": "2025-08-19",
            "description": "Eleven sier hun ikke får lov å svømme.",
            "submission": page.context["form"]["submission"].value(),
        },
    )
    assert response.status_code == 302
    created = Signal.objects.for_system("test").get()
    # The teacher does not see the signal list; the principal does.
    assert client.get(reverse("schools:signal_detail", args=[created.pk])).status_code == 403
    leader = login(principal)
    assert leader.get(reverse("schools:signal_detail", args=[created.pk])).status_code == 200
    assert _reads("schools.signal.read", created.pk).exists()
    url = reverse("schools:signal_talk", args=[created.pk, "pupil"])
    assert (
        leader.post(url, {"held_on": "2025-08-20", "note": "Eleven vil delta."}).status_code == 302
    )
    created.refresh_from_db()
    assert created.pupil_talk_on == date(2025, 8, 20) and created.pupil_talk_by == principal


def test_a_school_contact_sees_the_signal_but_does_not_lead_the_conversations(
    home, bakken, contact, login
):
    created = signal(home, bakken)
    client = login(contact)
    assert client.get(reverse("schools:signal_detail", args=[created.pk])).status_code == 200
    url = reverse("schools:signal_talk", args=[created.pk, "pupil"])
    assert client.get(url).status_code == 403


def test_the_front_page_lists_the_case_count_and_the_signals_waiting_for_leadership(
    home, bakken, opened, principal, contact, login
):
    signal(home, bakken)
    page = login(principal).get(reverse("core:dashboard"))
    labels = [item.label for item in page.context["needs"]]
    assert "Samtaler om et signal fra Bakken skole" in labels
    contact_page = login(contact).get(reverse("core:dashboard")).content.decode()
    assert "1 åpen sak" in contact_page
    assert "Samtaler om et signal" not in contact_page


def test_the_menu_offers_the_school_routines_where_the_page_opens(
    home, bakken, admin, principal, contact, login
):
    """The staff shell and the pages apply the same rule (``UNIT_ONLY``): the
    municipality's administrator is neither offered the entry nor let in; the
    school's principal and its contact are offered it and let in."""
    case_list = reverse("schools:case_list")
    entry = f'href="{case_list}"'
    front = login(admin).get(reverse("core:dashboard")).content.decode()
    assert entry not in front
    assert login(admin).get(case_list).status_code == 403
    for person in (principal, contact):
        client = login(person)
        assert entry in client.get(reverse("core:dashboard")).content.decode()
        assert client.get(case_list).status_code == 200


@pytest.mark.parametrize(
    ("prefix", "shown"),
    [
        ("", "Prøv å nå de foresatte og skriv ned resultatet"),
        ("/nn", "Prøv å nå dei føresette og skriv ned resultatet"),
        ("/en", "Try to reach the guardians and record the result"),
    ],
)
def test_the_default_steps_read_in_the_readers_language(
    home, bakken, contact, coordinator, login, prefix, shown
):
    """A municipality without its own routine runs the default steps: stored in
    bokmål (for the reminders), shown in the reader's language on the case and
    the settings page. The municipality's own steps read as written."""
    from django.utils import translation

    from vern.schools import services

    def url(name, *args):  # a request leaves its language active: reverse in bokmål
        with translation.override("nb"):
            return prefix + reverse(name, args=args)

    opened = case(home, bakken, actor=contact, today=START)
    page = login(contact).get(url("schools:case_detail", opened.pk))
    assert shown in page.content.decode()
    settings_page = login(coordinator).get(url("schools:settings"))
    assert shown in settings_page.content.decode()

    own = [{"title": "Ring heimen same dag", "role": Role.SCHOOL_CONTACT.value, "days": 0}]
    services.template_save(municipality=home, steps=own, actor=coordinator)
    later = case(home, today=START)  # at another school, opened after the change
    page = login(coordinator).get(url("schools:case_detail", later.pk))
    assert "Ring heimen same dag" in page.content.decode()
    assert shown not in page.content.decode()
