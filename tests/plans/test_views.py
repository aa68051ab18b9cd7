from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import UnitFactory
from tests.plans.factories import PlanFactory, PlanMeasureFactory, catalogue, member
from vern.audit.models import AuditEntry
from vern.core.models import Role
from vern.plans import services
from vern.plans.models import Milestone, Plan, PlanMeasure, PlanVersion


def test_coordinator_creates_a_plan_with_measures_from_the_catalogue(home, coordinator, login):
    chosen = [catalogue(code) for code in ("F1", "F7", "B1", "U3")]
    response = login(coordinator).post(
        reverse("plans:plan_create"),
        {
            "title": "Handlingsplan for Heimby",
            "start_year": 2026,
            "end_year": 2029,
            "measures": [m.pk for m in chosen],
        },
    )
    plan = Plan.objects.for_system("test").get(municipality=home)
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:plan_detail", args=[plan.pk])
    assert (plan.title, plan.period, plan.status) == (
        "Handlingsplan for Heimby",
        "2026–2029",
        "draft",
    )
    assert set(plan.measures.values_list("measure__code", flat=True)) == {"F1", "F7", "B1", "U3"}
    assert set(plan.measures.values_list("municipality", flat=True)) == {home.pk}
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code="plans.plan.create", object_id=str(plan.pk))
        .exists()
    )


def test_a_plan_can_be_created_with_an_own_local_measure(home, coordinator, login):
    local = services.local_measure_create(
        municipality=home, actor=coordinator, title="Eget tiltak", area="prevention"
    )
    login(coordinator).post(
        reverse("plans:plan_create"),
        {"title": "Plan", "start_year": 2026, "end_year": 2029, "measures": [local.pk]},
    )
    assert Plan.objects.for_system("test").get(municipality=home).measures.get().measure == local


def test_a_plan_cannot_take_another_municipalitys_local_measure(
    home, other, coordinator, outsider, login
):
    foreign = services.local_measure_create(
        municipality=other, actor=outsider, title="Annenbys tiltak", area="prevention"
    )
    response = login(coordinator).post(
        reverse("plans:plan_create"),
        {"title": "Plan", "start_year": 2026, "end_year": 2029, "measures": [foreign.pk]},
    )
    assert response.status_code == 200
    assert "measures" in response.context["form"].errors
    assert not Plan.objects.for_system("test").filter(municipality=home).exists()


def test_new_plan_page_lists_the_catalogue(home, coordinator, login):
    response = login(coordinator).get(reverse("plans:plan_create"))
    assert response.status_code == 200
    assert response.context["form"].fields["measures"].queryset.count() == 28


def test_reader_sees_the_plan_list_and_the_plan(home, reader, login):
    plan = PlanFactory(municipality=home, title="Heimbys plan")
    PlanMeasureFactory(plan=plan)
    client = login(reader)
    listing = client.get(reverse("plans:plan_list"))
    assert listing.status_code == 200
    assert "Heimbys plan" in listing.content.decode()
    assert client.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 200


def test_plan_list_shows_only_the_own_municipalitys_plans(home, other, reader, login):
    PlanFactory(municipality=home, title="Heimbys plan")
    PlanFactory(municipality=other, title="Annenbys plan")
    html = login(reader).get(reverse("plans:plan_list")).content.decode()
    assert "Heimbys plan" in html
    assert "Annenbys plan" not in html


@pytest.mark.parametrize("role_fixture", ["reader", "case_worker"])
def test_only_coordinators_and_admins_may_change_plans(home, login, request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    plan = PlanFactory(municipality=home)
    pm = PlanMeasureFactory(plan=plan)
    client = login(user)
    assert client.get(reverse("plans:plan_create")).status_code == 403
    assert (
        client.post(
            reverse("plans:plan_create"), {"title": "X", "start_year": 2026, "end_year": 2027}
        ).status_code
        == 403
    )
    assert client.get(reverse("plans:plan_edit", args=[plan.pk])).status_code == 403
    assert client.get(reverse("plans:plan_status", args=[plan.pk])).status_code == 403
    assert (
        client.post(
            reverse("plans:plan_status", args=[plan.pk]),
            {"status": "adopted", "adopted_on": "2026-03-01", "case_reference": "2026/1"},
        ).status_code
        == 403
    )
    assert client.get(reverse("plans:plan_measure_add", args=[plan.pk])).status_code == 403
    assert client.post(reverse("plans:plan_measure_remove", args=[pm.pk])).status_code == 403
    assert client.post(reverse("plans:review_create", args=[plan.pk])).status_code == 403
    assert (
        client.post(
            reverse("plans:plan_measure_detail", args=[pm.pk]),
            {"action": "note", "note-text": "Skal ikke lagres"},
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("plans:plan_detail", args=[plan.pk]), {"label": "Ny"}).status_code
        == 403
    )
    assert (
        client.post(
            reverse("plans:coverage", args=[plan.pk]),
            {"measure": "F4", "coverage": "none", "reason": "Nei"},
        ).status_code
        == 403
    )
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert PlanMeasure.objects.for_system("test").filter(pk=pm.pk).exists()
    assert not pm.notes.exists()
    assert not PlanVersion.objects.exists()
    assert not plan.coverage_notes.exists()
    assert Plan.objects.for_system("test").count() == 1


def test_reader_can_open_a_measure_but_not_see_the_edit_forms(home, reader, login):
    pm = PlanMeasureFactory(plan=PlanFactory(municipality=home))
    response = login(reader).get(reverse("plans:plan_measure_detail", args=[pm.pk]))
    assert response.status_code == 200
    assert response.context["can_edit"] is False
    assert 'name="action"' not in response.content.decode()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR])
def test_admins_and_coordinators_may_edit_the_plan_text(home, login, role):
    user = member(home, role, email=f"{role}@heimby.test", full_name="Redigerer")
    plan = PlanFactory(municipality=home)
    response = login(user).post(
        reverse("plans:plan_edit", args=[plan.pk]),
        {
            "title": "Ny tittel",
            "start_year": 2026,
            "end_year": 2030,
            "goals": "Alle ansatte har opplæring innen 2028.",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.end_year) == ("Ny tittel", 2030)
    entry = AuditEntry.objects.for_system("test").get(
        code="plans.plan.update", object_id=str(plan.pk)
    )
    assert set(entry.detail["fields"]) == {"title", "end_year", "goals"}


# --- the measure page and its actions ---------------------------------------


@pytest.fixture
def plan_measure(home):
    plan = PlanFactory(municipality=home, adopted=True)
    return PlanMeasureFactory(plan=plan, measure=catalogue("F7"))


def _with_indicator(pm, actor):
    return services.indicator_add(
        plan_measure=pm, actor=actor, name="Andel med opplæring", unit="%", baseline=35, target=90
    )


def _with_milestone(pm, actor):
    return services.milestone_add(
        plan_measure=pm, actor=actor, title="Fagdag", due_on=date(2026, 6, 1)
    )


ACTIONS = {
    # action: (prepare(pm, actor) -> data, audit code, check(pm))
    "update": (
        lambda pm, actor: {
            "status": "in_progress",
            "description": "Kurs for alle skoler",
            "start_on": "2026-03-01",
            "due_on": "2026-11-30",
            "budget_nok": "120000",
        },
        "plans.planmeasure.update",
        lambda pm: (
            (pm.status, pm.budget_nok, pm.due_on) == ("in_progress", 120_000, date(2026, 11, 30))
        ),
    ),
    "milestone": (
        lambda pm, actor: {"milestone-title": "Fagdag", "milestone-due_on": "2026-06-01"},
        "plans.milestone.create",
        lambda pm: (
            list(pm.milestones.values_list("title", "due_on")) == [("Fagdag", date(2026, 6, 1))]
        ),
    ),
    "milestone_done": (
        lambda pm, actor: {"milestone": _with_milestone(pm, actor).pk},
        "plans.milestone.update",
        lambda pm: pm.milestones.get().done_on is not None,
    ),
    "indicator": (
        lambda pm, actor: {
            "indicator-name": "Andel med opplæring",
            "indicator-unit": "%",
            "indicator-baseline": "35",
            "indicator-target": "90",
        },
        "plans.indicator.create",
        lambda pm: (
            list(pm.indicators.values_list("name", "target"))
            == [("Andel med opplæring", Decimal("90"))]
        ),
    ),
    "measurement": (
        lambda pm, actor: {
            "measurement-indicator": _with_indicator(pm, actor).pk,
            "measurement-measured_on": "2026-04-01",
            "measurement-value": "47.5",
            "measurement-note": "Etter vårkurset",
        },
        "plans.measurement.create",
        lambda pm: pm.indicators.get().latest.value == Decimal("47.5"),
    ),
    "note": (
        lambda pm, actor: {"note-text": "Kurset for barnehagene er holdt."},
        "plans.note.create",
        lambda pm: pm.notes.get().text == "Kurset for barnehagene er holdt.",
    ),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_measure_action_saves_and_is_audited(plan_measure, coordinator, login, action):
    prepare, code, check = ACTIONS[action]
    data = {"action": action, **prepare(plan_measure, coordinator)}
    before = AuditEntry.objects.for_system("test").filter(code=code).count()
    response = login(coordinator).post(
        reverse("plans:plan_measure_detail", args=[plan_measure.pk]), data
    )
    assert response.status_code == 302, getattr(response, "context", None) and [
        form.errors for form in response.context["forms"].values()
    ]
    assert response["Location"] == reverse("plans:plan_measure_detail", args=[plan_measure.pk])
    plan_measure.refresh_from_db()
    assert check(plan_measure)
    entries = AuditEntry.objects.for_system("test").filter(code=code).order_by("-id")
    assert entries.count() == before + 1
    latest = entries.first()
    assert latest.object_id == str(plan_measure.pk)
    assert latest.actor == coordinator
    assert latest.municipality_id == plan_measure.municipality_id


def test_marking_a_done_milestone_again_makes_it_not_done(plan_measure, coordinator, login):
    milestone = _with_milestone(plan_measure, coordinator)
    client = login(coordinator)
    url = reverse("plans:plan_measure_detail", args=[plan_measure.pk])
    client.post(url, {"action": "milestone_done", "milestone": milestone.pk})
    assert Milestone.objects.get(pk=milestone.pk).done_on is not None
    client.post(url, {"action": "milestone_done", "milestone": milestone.pk})
    assert Milestone.objects.get(pk=milestone.pk).done_on is None


def test_a_milestone_of_another_measure_cannot_be_marked(plan_measure, coordinator, login):
    elsewhere = PlanMeasureFactory(plan=plan_measure.plan, measure=catalogue("F2"))
    milestone = _with_milestone(elsewhere, coordinator)
    response = login(coordinator).post(
        reverse("plans:plan_measure_detail", args=[plan_measure.pk]),
        {"action": "milestone_done", "milestone": milestone.pk},
    )
    assert response.status_code == 404
    assert Milestone.objects.get(pk=milestone.pk).done_on is None


def test_a_measurement_for_another_measures_indicator_is_refused(plan_measure, coordinator, login):
    elsewhere = PlanMeasureFactory(plan=plan_measure.plan, measure=catalogue("F2"))
    indicator = _with_indicator(elsewhere, coordinator)
    _with_indicator(plan_measure, coordinator)
    response = login(coordinator).post(
        reverse("plans:plan_measure_detail", args=[plan_measure.pk]),
        {
            "action": "measurement",
            "measurement-indicator": indicator.pk,
            "measurement-measured_on": "2026-04-01",
            "measurement-value": "12",
        },
    )
    assert response.status_code == 200
    assert "indicator" in response.context["forms"]["measurement"].errors
    assert not indicator.measurements.exists()


def test_an_empty_note_is_refused_with_a_field_error(plan_measure, coordinator, login):
    response = login(coordinator).post(
        reverse("plans:plan_measure_detail", args=[plan_measure.pk]),
        {"action": "note", "note-text": "   "},
    )
    assert response.status_code == 200
    assert 'id="id_note-text_error"' in response.content.decode()
    assert not plan_measure.notes.exists()


def test_an_unknown_action_is_refused(plan_measure, coordinator, login):
    response = login(coordinator).post(
        reverse("plans:plan_measure_detail", args=[plan_measure.pk]), {"action": "delete"}
    )
    assert response.status_code == 403


def test_coordinator_adds_a_measure_with_owner_and_deadline(home, coordinator, login):
    plan = PlanFactory(municipality=home)
    response = login(coordinator).post(
        reverse("plans:plan_measure_add", args=[plan.pk]),
        {
            "measure": catalogue("B4").pk,
            "responsible_person": coordinator.pk,
            "due_on": "2026-08-15",
            "budget_nok": "0",
            "status": "not_started",
        },
    )
    pm = plan.measures.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:plan_measure_detail", args=[pm.pk])
    assert (pm.measure.code, pm.responsible_person, pm.due_on) == (
        "B4",
        coordinator,
        date(2026, 8, 15),
    )
    assert AuditEntry.objects.for_system("test").filter(
        code="plans.planmeasure.create", object_id=str(pm.pk)
    )


def test_coordinator_adds_a_measure_with_an_own_unit_responsible(home, coordinator, login):
    plan = PlanFactory(municipality=home)
    unit = UnitFactory(municipality=home, name="Bakken skole")
    response = login(coordinator).post(
        reverse("plans:plan_measure_add", args=[plan.pk]),
        {"measure": catalogue("B4").pk, "responsible_unit": unit.pk, "status": "not_started"},
    )
    assert response.status_code == 302
    assert plan.measures.get().responsible_unit == unit


def test_coordinator_adds_an_own_local_measure_to_a_plan(home, coordinator, login):
    plan = PlanFactory(municipality=home)
    local = services.local_measure_create(
        municipality=home, actor=coordinator, title="Eget tiltak", area="prevention"
    )
    response = login(coordinator).post(
        reverse("plans:plan_measure_add", args=[plan.pk]),
        {"measure": local.pk, "status": "not_started"},
    )
    assert response.status_code == 302
    assert plan.measures.get().measure == local


def test_setting_an_own_unit_responsible_on_the_measure_page_works(
    plan_measure, coordinator, login
):
    unit = UnitFactory(municipality=plan_measure.municipality, name="Bakken skole")
    response = login(coordinator).post(
        reverse("plans:plan_measure_detail", args=[plan_measure.pk]),
        {"action": "update", "status": "in_progress", "responsible_unit": unit.pk},
    )
    assert response.status_code == 302
    assert PlanMeasure.objects.for_system("test").get(pk=plan_measure.pk).responsible_unit == unit


def test_removing_a_measure_asks_first_and_is_audited(plan_measure, coordinator, login):
    client = login(coordinator)
    url = reverse("plans:plan_measure_remove", args=[plan_measure.pk])
    assert client.get(url).status_code == 200
    assert PlanMeasure.objects.for_system("test").filter(pk=plan_measure.pk).exists()
    response = client.post(url)
    assert response["Location"] == reverse("plans:plan_detail", args=[plan_measure.plan_id])
    assert not PlanMeasure.objects.for_system("test").filter(pk=plan_measure.pk).exists()
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code="plans.planmeasure.delete", object_id=str(plan_measure.pk))
        .exists()
    )


# --- the plan page ----------------------------------------------------------


def test_plan_page_names_the_responsible_person_and_logs_the_read(home, reader, login):
    owner = member(
        home, Role.CASE_WORKER, email="ansvarlig@heimby.test", full_name="Ansvarlige Aslaug"
    )
    plan = PlanFactory(municipality=home)
    PlanMeasureFactory(plan=plan, measure=catalogue("F7"), responsible_person=owner)
    response = login(reader).get(reverse("plans:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    assert "Ansvarlige Aslaug" in response.content.decode()
    entry = AuditEntry.objects.for_system("test").get(action="read", code="plans.plan.read")
    assert entry.actor == reader
    assert entry.object_id == str(plan.pk)
    assert entry.municipality_id == home.pk


def test_plan_page_shows_coverage_count_of_local_measures(home, reader, login):
    plan = PlanFactory(municipality=home)
    for code in ("F1", "F2", "F10"):
        PlanMeasureFactory(plan=plan, measure=catalogue(code))
    response = login(reader).get(reverse("plans:plan_detail", args=[plan.pk]))
    assert response.context["coverage"]["full"] == 2
    assert response.context["local_total"] == 18


def test_measure_page_logs_the_read(plan_measure, reader, login):
    login(reader).get(reverse("plans:plan_measure_detail", args=[plan_measure.pk]))
    entry = AuditEntry.objects.for_system("test").get(action="read", code="plans.planmeasure.read")
    assert entry.object_id == str(plan_measure.pk)


def test_saving_a_version_from_the_plan_page(home, coordinator, login):
    plan = PlanFactory(municipality=home)
    response = login(coordinator).post(
        reverse("plans:plan_detail", args=[plan.pk]), {"label": "Før høring"}
    )
    assert response["Location"] == reverse("plans:plan_versions", args=[plan.pk])
    assert list(plan.versions.values_list("number", "label")) == [(1, "Før høring")]


def test_saving_a_version_without_a_name_shows_the_field_error(home, coordinator, login):
    plan = PlanFactory(municipality=home)
    response = login(coordinator).post(reverse("plans:plan_detail", args=[plan.pk]), {"label": ""})
    assert response.status_code == 200
    assert not plan.versions.exists()
    assert 'id="id_label_error"' in response.content.decode()


def test_progress_page_shows_overdue_and_upcoming_measures(home, reader, login, clock):
    clock(date(2026, 5, 4))
    plan = PlanFactory(municipality=home, adopted=True)
    overdue = PlanMeasureFactory(plan=plan, measure=catalogue("F1"), due_on=date(2026, 4, 1))
    soon = PlanMeasureFactory(plan=plan, measure=catalogue("F2"), due_on=date(2026, 5, 20))
    PlanMeasureFactory(plan=plan, measure=catalogue("F3"), due_on=date(2026, 4, 1), status="done")
    indicator = _with_indicator(soon, reader)
    services.measurement_add(
        indicator=indicator, actor=reader, measured_on=date(2026, 4, 1), value=40
    )
    response = login(reader).get(reverse("plans:progress", args=[plan.pk]))
    assert response.status_code == 200
    progress = response.context["progress"]
    assert progress.overdue == [overdue]
    assert progress.upcoming == [soon]
    assert (progress.total, progress.done) == (3, 1)
    assert "<svg" in response.content.decode()


# --- PDF ----------------------------------------------------------------------


def test_plan_pdf_is_a_pdf(home, reader, login):
    plan = PlanFactory(municipality=home, adopted=True)
    PlanMeasureFactory(plan=plan, due_on=date(2026, 10, 1))
    response = login(reader).get(reverse("plans:plan_pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("inline; filename=")


def test_annual_report_pdf_is_a_pdf(home, reader, login):
    plan = PlanFactory(municipality=home, adopted=True)
    PlanMeasureFactory(plan=plan)
    response = login(reader).get(reverse("plans:annual_report_pdf", args=[plan.pk]) + "?ar=2026")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_annual_report_with_a_bad_year_falls_back_to_the_plan_period(home, reader, login):
    plan = PlanFactory(municipality=home, adopted=True)
    client = login(reader)
    for value, year in (("abc", None), ("1990", 2026), ("3000", 2029)):
        response = client.get(reverse("plans:annual_report", args=[plan.pk]), {"ar": value})
        assert response.status_code == 200
        if year:
            assert response.context["report"].year == year


def test_a_plan_title_with_a_line_break_is_refused(home, coordinator, login):
    response = login(coordinator).post(
        reverse("plans:plan_create"),
        {"title": "Handlingsplan\nBcc: x@example.test", "start_year": 2026, "end_year": 2029},
    )
    assert response.status_code == 200
    assert "Skriv dette på én linje" in response.content.decode()
    assert not Plan.objects.for_system("test").filter(municipality=home).exists()


def test_the_plans_services_refuse_control_characters_too(home, coordinator):
    from django.core.exceptions import ValidationError

    plan_measure = PlanMeasureFactory(plan=PlanFactory(municipality=home))
    with pytest.raises(ValidationError) as refused:
        services.milestone_add(
            plan_measure=plan_measure,
            actor=coordinator,
            title="Fag\r\ndag",
            due_on=date(2026, 6, 1),
        )
    assert "title" in refused.value.message_dict
    assert not Milestone.objects.exists()


def test_the_annual_report_offers_to_record_a_review_only_to_those_who_may(
    home, reader, coordinator, login
):
    plan = PlanFactory(municipality=home, adopted=True)
    url = reverse("plans:annual_report", args=[plan.pk])
    review_link = reverse("plans:review_create", args=[plan.pk])
    assert review_link not in login(reader).get(url).content.decode()
    assert login(reader).get(review_link).status_code == 403
    assert review_link in login(coordinator).get(url).content.decode()
