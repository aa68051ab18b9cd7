"""The rules a plan and its measures follow, through the services and the staff pages."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import UnitFactory, UserFactory
from tests.plans.factories import PlanFactory, PlanMeasureFactory, catalogue, member
from vern.audit.models import AuditEntry
from vern.core.models import Role
from vern.plans import services
from vern.plans.models import Plan, PlanMeasure, PlanVersion, Review

# --- adoption ---------------------------------------------------------------


def test_adopting_without_case_reference_is_refused(home, coordinator):
    plan = PlanFactory(municipality=home)
    with pytest.raises(ValidationError) as exc:
        services.plan_set_status(
            plan=plan, actor=coordinator, status="adopted", adopted_on=date(2026, 3, 1)
        )
    assert set(exc.value.message_dict) == {"case_reference"}
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert plan.adopted_on is None
    assert not PlanVersion.objects.filter(plan=plan).exists()


def test_adopting_with_a_blank_case_reference_is_refused(home, coordinator):
    plan = PlanFactory(municipality=home)
    with pytest.raises(ValidationError) as exc:
        services.plan_set_status(
            plan=plan,
            actor=coordinator,
            status="adopted",
            adopted_on=date(2026, 3, 1),
            case_reference="   ",
        )
    assert "case_reference" in exc.value.message_dict
    assert Plan.objects.for_system("test").get(pk=plan.pk).status == Plan.Status.DRAFT


def test_adopting_without_adoption_date_is_refused(home, coordinator):
    plan = PlanFactory(municipality=home)
    with pytest.raises(ValidationError) as exc:
        services.plan_set_status(
            plan=plan, actor=coordinator, status="adopted", case_reference="2026/12"
        )
    assert set(exc.value.message_dict) == {"adopted_on"}
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert plan.case_reference == ""


def test_adopting_with_date_and_case_reference_sets_status_and_first_review(home, coordinator):
    plan = PlanFactory(municipality=home)
    services.plan_set_status(
        plan=plan,
        actor=coordinator,
        status="adopted",
        adopted_on=date(2026, 3, 31),
        case_reference=" 2026/12 ",
    )
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ADOPTED
    assert plan.case_reference == "2026/12"
    # Six months after adoption, on the last day of a shorter month.
    assert plan.next_review_on == date(2026, 9, 30)
    entry = AuditEntry.objects.for_system("test").get(
        code="plans.plan.status", object_id=str(plan.pk)
    )
    assert entry.detail == {"before": "draft", "after": "adopted"}


def test_adopting_through_the_page_without_case_reference_shows_the_field_error(
    home, coordinator, login
):
    plan = PlanFactory(municipality=home)
    response = login(coordinator).post(
        reverse("plans:plan_status", args=[plan.pk]),
        {"status": "adopted", "adopted_on": "2026-03-01", "case_reference": ""},
    )
    assert response.status_code == 200
    assert 'id="id_case_reference_error"' in response.content.decode()
    assert list(response.context["form"].errors) == ["case_reference"]
    assert Plan.objects.for_system("test").get(pk=plan.pk).status == Plan.Status.DRAFT


def test_adopting_through_the_page_without_date_shows_the_field_error(home, coordinator, login):
    plan = PlanFactory(municipality=home)
    response = login(coordinator).post(
        reverse("plans:plan_status", args=[plan.pk]),
        {"status": "adopted", "adopted_on": "", "case_reference": "2026/12"},
    )
    assert response.status_code == 200
    assert 'id="id_adopted_on_error"' in response.content.decode()
    assert Plan.objects.for_system("test").get(pk=plan.pk).status == Plan.Status.DRAFT


def test_adopting_through_the_page_redirects_to_the_plan(home, coordinator, login):
    plan = PlanFactory(municipality=home)
    response = login(coordinator).post(
        reverse("plans:plan_status", args=[plan.pk]),
        {"status": "adopted", "adopted_on": "2026-03-01", "case_reference": "2026/12"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:plan_detail", args=[plan.pk])
    plan.refresh_from_db()
    assert (plan.status, plan.adopted_on) == ("adopted", date(2026, 3, 1))


def test_going_under_revision_keeps_adoption_and_needs_no_new_reference(home, coordinator):
    plan = PlanFactory(municipality=home, adopted=True)
    services.plan_set_status(plan=plan, actor=coordinator, status="revision")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.REVISION
    assert plan.in_force


# --- overlapping periods ----------------------------------------------------


def test_adopting_a_plan_overlapping_another_plan_in_force_is_refused(home, coordinator):
    PlanFactory(municipality=home, adopted=True, start_year=2026, end_year=2029)
    newer = PlanFactory(municipality=home, start_year=2029, end_year=2032)
    with pytest.raises(ValidationError) as exc:
        services.plan_set_status(
            plan=newer,
            actor=coordinator,
            status="adopted",
            adopted_on=date(2026, 6, 1),
            case_reference="2026/40",
        )
    assert "start_year" in exc.value.message_dict
    assert Plan.objects.for_system("test").get(pk=newer.pk).status == Plan.Status.DRAFT


def test_a_plan_under_revision_also_blocks_an_overlapping_adoption(home, coordinator):
    PlanFactory(municipality=home, adopted=True, status=Plan.Status.REVISION)
    newer = PlanFactory(municipality=home, start_year=2027, end_year=2028)
    with pytest.raises(ValidationError):
        services.plan_set_status(
            plan=newer,
            actor=coordinator,
            status="adopted",
            adopted_on=date(2026, 6, 1),
            case_reference="2026/40",
        )


def test_a_following_period_may_be_adopted_beside_the_plan_in_force(home, coordinator):
    PlanFactory(municipality=home, adopted=True, start_year=2026, end_year=2029)
    next_plan = PlanFactory(municipality=home, start_year=2030, end_year=2033)
    services.plan_set_status(
        plan=next_plan,
        actor=coordinator,
        status="adopted",
        adopted_on=date(2029, 11, 1),
        case_reference="2029/90",
    )
    assert Plan.objects.for_system("test").get(pk=next_plan.pk).status == Plan.Status.ADOPTED


def test_an_overlapping_period_is_allowed_in_another_municipality(home, other, coordinator):
    PlanFactory(municipality=other, adopted=True, start_year=2026, end_year=2029)
    plan = PlanFactory(municipality=home, start_year=2026, end_year=2029)
    services.plan_set_status(
        plan=plan,
        actor=coordinator,
        status="adopted",
        adopted_on=date(2026, 3, 1),
        case_reference="2026/12",
    )
    assert Plan.objects.for_system("test").get(pk=plan.pk).status == Plan.Status.ADOPTED


def test_an_overlapping_draft_does_not_block_adoption(home, coordinator):
    PlanFactory(municipality=home, start_year=2026, end_year=2029, title="Utkast")
    plan = PlanFactory(municipality=home, start_year=2027, end_year=2030)
    services.plan_set_status(
        plan=plan,
        actor=coordinator,
        status="adopted",
        adopted_on=date(2026, 3, 1),
        case_reference="2026/12",
    )
    assert Plan.objects.for_system("test").get(pk=plan.pk).status == Plan.Status.ADOPTED


def test_an_expired_plan_does_not_block_adoption(home, coordinator):
    PlanFactory(municipality=home, adopted=True, status=Plan.Status.EXPIRED)
    plan = PlanFactory(municipality=home)
    services.plan_set_status(
        plan=plan,
        actor=coordinator,
        status="adopted",
        adopted_on=date(2026, 3, 1),
        case_reference="2026/12",
    )
    assert Plan.objects.for_system("test").get(pk=plan.pk).status == Plan.Status.ADOPTED


def test_stretching_an_adopted_plan_over_another_plan_in_force_is_refused(home, coordinator):
    PlanFactory(municipality=home, adopted=True, start_year=2030, end_year=2033)
    plan = PlanFactory(municipality=home, adopted=True, start_year=2026, end_year=2029)
    with pytest.raises(ValidationError) as exc:
        services.plan_update(plan=plan, actor=coordinator, end_year=2031)
    assert "start_year" in exc.value.message_dict
    assert Plan.objects.for_system("test").get(pk=plan.pk).end_year == 2029


def test_overlap_on_the_status_page_is_shown_and_nothing_changes(home, coordinator, login):
    PlanFactory(municipality=home, adopted=True, start_year=2026, end_year=2029)
    plan = PlanFactory(municipality=home, start_year=2028, end_year=2031)
    response = login(coordinator).post(
        reverse("plans:plan_status", args=[plan.pk]),
        {"status": "adopted", "adopted_on": "2026-03-01", "case_reference": "2026/12"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Plan.objects.for_system("test").get(pk=plan.pk).status == Plan.Status.DRAFT


# --- the period -------------------------------------------------------------


def test_end_year_before_start_year_is_refused_by_the_service(home, coordinator):
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            municipality=home, actor=coordinator, title="Plan", start_year=2028, end_year=2026
        )
    assert "end_year" in exc.value.message_dict
    assert not Plan.objects.for_system("test").filter(municipality=home).exists()


def test_end_year_before_start_year_is_refused_on_the_new_plan_page(home, coordinator, login):
    response = login(coordinator).post(
        reverse("plans:plan_create"), {"title": "Plan", "start_year": 2028, "end_year": 2026}
    )
    assert response.status_code == 200
    assert 'id="id_end_year_error"' in response.content.decode()
    assert not Plan.objects.for_system("test").filter(municipality=home).exists()


def test_end_year_before_start_year_is_refused_when_editing(home, coordinator, login):
    plan = PlanFactory(municipality=home)
    response = login(coordinator).post(
        reverse("plans:plan_edit", args=[plan.pk]),
        {"title": plan.title, "start_year": 2026, "end_year": 2025},
    )
    assert response.status_code == 200
    assert "end_year" in response.context["form"].errors
    assert Plan.objects.for_system("test").get(pk=plan.pk).end_year == 2029


def test_start_year_outside_2000_to_2100_is_refused(home, coordinator):
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            municipality=home, actor=coordinator, title="Plan", start_year=1999, end_year=2001
        )
    assert "start_year" in exc.value.message_dict


# --- measures in the plan ---------------------------------------------------


def test_due_date_before_start_date_is_refused(home, coordinator):
    plan = PlanFactory(municipality=home)
    with pytest.raises(ValidationError) as exc:
        services.plan_measure_add(
            plan=plan,
            actor=coordinator,
            measure=catalogue("F2"),
            start_on=date(2026, 5, 1),
            due_on=date(2026, 4, 30),
        )
    assert set(exc.value.message_dict) == {"due_on"}
    assert not plan.measures.exists()


def test_moving_the_due_date_before_the_start_is_refused_and_nothing_changes(home, coordinator):
    pm = PlanMeasureFactory(
        plan=PlanFactory(municipality=home), start_on=date(2026, 5, 1), due_on=date(2026, 9, 1)
    )
    with pytest.raises(ValidationError) as exc:
        services.plan_measure_update(plan_measure=pm, actor=coordinator, due_on=date(2026, 1, 1))
    assert "due_on" in exc.value.message_dict
    assert PlanMeasure.objects.for_system("test").get(pk=pm.pk).due_on == date(2026, 9, 1)


def _update(**changes):
    data = {
        "action": "update",
        "description": "",
        "responsible_unit": "",
        "responsible_person": "",
        "partners": "",
        "start_on": "",
        "due_on": "",
        "budget_nok": "",
        "status": "not_started",
        "status_reason": "",
    }
    data.update(changes)
    return data


def test_due_date_before_start_date_is_refused_on_the_measure_page(home, coordinator, login):
    pm = PlanMeasureFactory(plan=PlanFactory(municipality=home))
    response = login(coordinator).post(
        reverse("plans:plan_measure_detail", args=[pm.pk]),
        _update(start_on="2026-05-01", due_on="2026-04-01"),
    )
    assert response.status_code == 200
    assert 'id="id_due_on_error"' in response.content.decode()
    pm.refresh_from_db()
    assert (pm.start_on, pm.due_on) == (None, None)


@pytest.mark.parametrize("budget", ["-1", "-250000"])
def test_a_negative_budget_is_refused_with_a_field_error(home, coordinator, login, budget):
    pm = PlanMeasureFactory(plan=PlanFactory(municipality=home), budget_nok=1000)
    response = login(coordinator).post(
        reverse("plans:plan_measure_detail", args=[pm.pk]),
        _update(budget_nok=budget, description="Skal ikke lagres"),
    )
    assert response.status_code == 200
    assert 'id="id_budget_nok_error"' in response.content.decode()
    assert list(response.context["forms"]["update"].errors) == ["budget_nok"]
    pm.refresh_from_db()
    assert (pm.budget_nok, pm.description) == (1000, "")
    assert (
        not AuditEntry.objects.for_system("test").filter(code="plans.planmeasure.update").exists()
    )


@pytest.mark.parametrize("budget", ["12.5", "12,5", "50 000", "mye"])
def test_a_budget_that_is_not_whole_kroner_is_refused_with_a_field_error(
    home, coordinator, login, budget
):
    pm = PlanMeasureFactory(plan=PlanFactory(municipality=home), budget_nok=1000)
    response = login(coordinator).post(
        reverse("plans:plan_measure_detail", args=[pm.pk]), _update(budget_nok=budget)
    )
    assert response.status_code == 200
    assert 'id="id_budget_nok_error"' in response.content.decode()
    assert PlanMeasure.objects.for_system("test").get(pk=pm.pk).budget_nok == 1000


def test_a_bad_budget_is_refused_when_adding_a_measure(home, coordinator, login):
    plan = PlanFactory(municipality=home)
    data = _update(budget_nok="-5")
    data.pop("action")
    data["measure"] = catalogue("F2").pk
    response = login(coordinator).post(reverse("plans:plan_measure_add", args=[plan.pk]), data)
    assert response.status_code == 200
    assert 'id="id_budget_nok_error"' in response.content.decode()
    assert not plan.measures.exists()


def test_a_whole_budget_is_saved(home, coordinator, login):
    pm = PlanMeasureFactory(plan=PlanFactory(municipality=home))
    response = login(coordinator).post(
        reverse("plans:plan_measure_detail", args=[pm.pk]), _update(budget_nok="250000")
    )
    assert response.status_code == 302
    assert PlanMeasure.objects.for_system("test").get(pk=pm.pk).budget_nok == 250_000


@pytest.mark.parametrize("status", ["paused", "dropped"])
def test_pausing_or_dropping_a_measure_needs_a_reason(home, coordinator, status):
    pm = PlanMeasureFactory(plan=PlanFactory(municipality=home))
    with pytest.raises(ValidationError) as exc:
        services.plan_measure_update(
            plan_measure=pm, actor=coordinator, status=status, status_reason="  "
        )
    assert set(exc.value.message_dict) == {"status_reason"}
    assert (
        PlanMeasure.objects.for_system("test").get(pk=pm.pk).status
        == PlanMeasure.Status.NOT_STARTED
    )


@pytest.mark.parametrize("status", ["paused", "dropped"])
def test_pausing_or_dropping_on_the_page_without_reason_shows_the_field_error(
    home, coordinator, login, status
):
    pm = PlanMeasureFactory(plan=PlanFactory(municipality=home))
    response = login(coordinator).post(
        reverse("plans:plan_measure_detail", args=[pm.pk]), _update(status=status)
    )
    assert response.status_code == 200
    assert 'id="id_status_reason_error"' in response.content.decode()
    assert (
        PlanMeasure.objects.for_system("test").get(pk=pm.pk).status
        == PlanMeasure.Status.NOT_STARTED
    )


def test_pausing_with_a_reason_is_saved(home, coordinator):
    pm = PlanMeasureFactory(plan=PlanFactory(municipality=home))
    services.plan_measure_update(
        plan_measure=pm, actor=coordinator, status="paused", status_reason="Venter på budsjett"
    )
    pm.refresh_from_db()
    assert (pm.status, pm.status_reason) == ("paused", "Venter på budsjett")


def test_a_responsible_person_without_a_role_in_the_municipality_is_refused(
    home, other, coordinator
):
    stranger = member(other, Role.ADMIN, email="fremmed@annen.test", full_name="Frida Fremmed")
    plan = PlanFactory(municipality=home)
    with pytest.raises(ValidationError) as exc:
        services.plan_measure_add(
            plan=plan, actor=coordinator, measure=catalogue("F2"), responsible_person=stranger
        )
    assert set(exc.value.message_dict) == {"responsible_person"}
    assert not plan.measures.exists()


def test_a_person_with_no_role_anywhere_cannot_be_made_responsible(home, coordinator):
    nobody = UserFactory(email="ingen@example.test", full_name="Ingen Rolle")
    pm = PlanMeasureFactory(plan=PlanFactory(municipality=home))
    with pytest.raises(ValidationError) as exc:
        services.plan_measure_update(plan_measure=pm, actor=coordinator, responsible_person=nobody)
    assert "responsible_person" in exc.value.message_dict
    assert PlanMeasure.objects.for_system("test").get(pk=pm.pk).responsible_person is None


def test_the_page_offers_and_accepts_only_people_of_the_municipality(
    home, other, coordinator, reader, login
):
    stranger = member(other, Role.ADMIN, email="fremmed@annen.test", full_name="Frida Fremmed")
    pm = PlanMeasureFactory(plan=PlanFactory(municipality=home))
    client = login(coordinator)
    page = client.get(reverse("plans:plan_measure_detail", args=[pm.pk]))
    choices = page.context["forms"]["update"].fields["responsible_person"].queryset
    assert set(choices) == {coordinator, reader}
    response = client.post(
        reverse("plans:plan_measure_detail", args=[pm.pk]),
        _update(responsible_person=stranger.pk),
    )
    assert response.status_code == 200
    assert "responsible_person" in response.context["forms"]["update"].errors
    assert PlanMeasure.objects.for_system("test").get(pk=pm.pk).responsible_person is None


def test_a_unit_of_another_municipality_is_refused(home, other, coordinator):
    foreign_unit = UnitFactory(municipality=other, name="Annenby skole")
    plan = PlanFactory(municipality=home)
    with pytest.raises(ValidationError) as exc:
        services.plan_measure_add(
            plan=plan, actor=coordinator, measure=catalogue("F2"), responsible_unit=foreign_unit
        )
    assert set(exc.value.message_dict) == {"responsible_unit"}
    assert not plan.measures.exists()


def test_a_unit_of_another_municipality_is_refused_on_the_page(home, other, coordinator, login):
    foreign_unit = UnitFactory(municipality=other, name="Annenby skole")
    pm = PlanMeasureFactory(plan=PlanFactory(municipality=home))
    response = login(coordinator).post(
        reverse("plans:plan_measure_detail", args=[pm.pk]),
        _update(responsible_unit=foreign_unit.pk),
    )
    assert response.status_code == 200
    assert 'id="id_responsible_unit_error"' in response.content.decode()
    assert PlanMeasure.objects.for_system("test").get(pk=pm.pk).responsible_unit is None


def test_a_local_measure_of_another_municipality_cannot_be_added(home, other, coordinator):
    foreign = services.local_measure_create(
        municipality=other, actor=coordinator, title="Annenbys tiltak", area="prevention"
    )
    plan = PlanFactory(municipality=home)
    with pytest.raises(ValidationError) as exc:
        services.plan_measure_add(plan=plan, actor=coordinator, measure=foreign)
    assert "measure" in exc.value.message_dict
    assert not plan.measures.exists()


def test_a_measure_can_be_in_a_plan_only_once(home, coordinator):
    plan = PlanFactory(municipality=home)
    services.plan_measure_add(plan=plan, actor=coordinator, measure=catalogue("F2"))
    with pytest.raises(ValidationError) as exc:
        services.plan_measure_add(plan=plan, actor=coordinator, measure=catalogue("F2"))
    assert "measure" in exc.value.message_dict
    assert plan.measures.count() == 1


# --- reviews ----------------------------------------------------------------


def test_a_review_item_not_carried_out_as_planned_needs_what_and_why(home, coordinator):
    plan = PlanFactory(municipality=home, adopted=True)
    pm = PlanMeasureFactory(plan=plan)
    with pytest.raises(ValidationError):
        services.review_record(
            plan=plan,
            actor=coordinator,
            kind=Review.Kind.HALF_YEAR,
            held_on=date(2026, 8, 20),
            summary="",
            items=[
                {
                    "plan_measure": pm,
                    "started": True,
                    "as_planned": False,
                    "not_done": "",
                    "why": "",
                }
            ],
        )
    assert not Review.objects.for_system("test").filter(plan=plan).exists()


def test_a_review_sets_the_next_review_six_months_later(home, coordinator):
    plan = PlanFactory(municipality=home, adopted=True, next_review_on=date(2026, 8, 10))
    pm = PlanMeasureFactory(plan=plan)
    services.review_record(
        plan=plan,
        actor=coordinator,
        kind=Review.Kind.HALF_YEAR,
        held_on=date(2026, 8, 20),
        summary="Godt i gang",
        items=[
            {
                "plan_measure": pm,
                "started": True,
                "as_planned": False,
                "not_done": "Kurs for skolene",
                "why": "Sykdom",
            }
        ],
    )
    assert Plan.objects.for_system("test").get(pk=plan.pk).next_review_on == date(2027, 2, 20)
    assert Review.objects.for_system("test").get(plan=plan).items.count() == 1


def test_only_an_adopted_plan_can_go_under_revision(home, coordinator):
    from django.core.exceptions import ValidationError

    from tests.plans.factories import PlanFactory
    from vern.plans import services
    from vern.plans.models import Plan

    plan = PlanFactory(municipality=home)
    with pytest.raises(ValidationError) as excinfo:
        services.plan_set_status(plan=plan, actor=coordinator, status=Plan.Status.REVISION)
    assert "status" in excinfo.value.message_dict
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_a_deactivated_person_cannot_be_made_responsible(home, coordinator):
    from django.core.exceptions import ValidationError

    from tests.plans.factories import PlanFactory, catalogue
    from vern.plans import services

    coordinator.is_active = False
    coordinator.save()
    plan = PlanFactory(municipality=home)
    with pytest.raises(ValidationError) as excinfo:
        services.plan_measure_add(
            plan=plan, actor=coordinator, measure=catalogue("F7"), responsible_person=coordinator
        )
    assert "responsible_person" in excinfo.value.message_dict
