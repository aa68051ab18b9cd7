"""Overdue measures and past review dates are marked with a tag where they are shown."""

from datetime import date

from django.urls import reverse
from django.utils import translation

from tests.plans.factories import PlanFactory, PlanMeasureFactory, catalogue
from vern.plans.models import PlanMeasure

TAG = '<span class="ds-tag" data-color="danger">Overdue</span>'


def _pages(client, plan, measure):
    with translation.override("en"):
        plan_page = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
        measure_page = client.get(
            reverse("plans:plan_measure_detail", args=[measure.pk])
        ).content.decode()
    return plan_page, measure_page


def test_an_open_measure_past_its_due_date_and_a_past_review_are_marked(
    clock, home, coordinator, login
):
    clock(date(2026, 5, 4))
    plan = PlanFactory(municipality=home, adopted=True, next_review_on=date(2026, 5, 3))
    late = PlanMeasureFactory(
        plan=plan, due_on=date(2026, 5, 3), status=PlanMeasure.Status.IN_PROGRESS
    )
    PlanMeasureFactory(
        plan=plan, measure=catalogue("F1"), due_on=date(2026, 5, 4), status="not_started"
    )
    plan_page, measure_page = _pages(login(coordinator), plan, late)
    review = plan_page.split("Next review", 1)[1].split("</dd>", 1)[0]
    assert TAG in review
    assert plan_page.count(TAG) == 2  # the review and the one late measure
    assert TAG in measure_page


def test_done_measures_and_future_dates_are_not_marked(clock, home, coordinator, login):
    clock(date(2026, 5, 4))
    plan = PlanFactory(municipality=home, adopted=True, next_review_on=date(2026, 5, 4))
    done = PlanMeasureFactory(plan=plan, due_on=date(2026, 1, 1), status=PlanMeasure.Status.DONE)
    PlanMeasureFactory(
        plan=plan,
        measure=catalogue("F2"),
        due_on=date(2026, 1, 1),
        status="dropped",
        status_reason="Ikke lenger aktuelt.",
    )
    plan_page, measure_page = _pages(login(coordinator), plan, done)
    assert TAG not in plan_page and TAG not in measure_page


def test_a_past_review_date_of_a_plan_no_longer_in_force_is_not_marked(
    clock, home, coordinator, login
):
    clock(date(2026, 5, 4))
    plan = PlanFactory(municipality=home, next_review_on=date(2026, 1, 1))  # a draft
    measure = PlanMeasureFactory(plan=plan, due_on=date(2026, 9, 1))
    plan_page, _ = _pages(login(coordinator), plan, measure)
    assert TAG not in plan_page
