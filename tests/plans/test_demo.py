from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from vern.core.demo import DEMO_NUMBER, load_demo
from vern.core.models import Municipality
from vern.plans import selectors
from vern.plans.models import Indicator, Measure, Milestone, Plan, PlanMeasure, ProgressNote

TODAY = date(2026, 5, 4)


@pytest.fixture
def demo_plan(db, clock):
    clock(TODAY)
    load_demo(password="demo-passord-1")
    load_demo(password="demo-passord-1")
    return Plan.objects.for_system("test").get(municipality__number=DEMO_NUMBER)


def test_loading_the_demo_twice_makes_exactly_one_adopted_plan(demo_plan):
    eksempelby = Municipality.objects.get(number=DEMO_NUMBER)
    assert Plan.objects.for_system("test").filter(municipality=eksempelby).count() == 1
    assert demo_plan.status == Plan.Status.ADOPTED
    assert demo_plan.adopted_on and demo_plan.case_reference
    assert demo_plan.start_year <= TODAY.year <= demo_plan.end_year
    assert demo_plan.versions.count() == 2
    assert Measure.objects.filter(municipality=eksempelby).count() == 2


def test_the_demo_has_a_review_and_two_versions_that_differ(demo_plan):
    from vern.plans.selectors import compare_snapshots

    review = demo_plan.reviews.get()
    assert review.kind == "half_year" and review.items.count() == demo_plan.measures.count()
    # The next review, six months after this one, is still overdue.
    assert demo_plan.review_overdue
    first, second = demo_plan.versions.order_by("number")
    assert first.label_code == "plans.version.adopted"
    assert second.label == "Etter første halvårsgjennomgang"
    assert [
        name for name, *_ in compare_snapshots(first.snapshot, second.snapshot).plan_changes
    ] == ["goals"]


def test_demo_plan_has_catalogue_and_local_measures(demo_plan):
    measures = (
        PlanMeasure.objects.for_system("test").filter(plan=demo_plan).select_related("measure")
    )
    catalogue = [pm for pm in measures if pm.measure.is_catalogue]
    local = [pm for pm in measures if not pm.measure.is_catalogue]
    assert len(catalogue) >= 12
    assert len(local) == 2
    assert {pm.measure.area for pm in measures} == {"prevention", "protection", "perpetrators"}


def test_every_demo_measure_has_an_owner_and_a_deadline(demo_plan):
    for pm in PlanMeasure.objects.for_system("test").filter(plan=demo_plan):
        assert pm.responsible_unit_id or pm.responsible_person_id, pm
        if pm.responsible_unit_id:
            assert pm.responsible_unit.municipality_id == demo_plan.municipality_id
        assert pm.due_on is not None, pm
        assert pm.start_on is None or pm.start_on <= pm.due_on, pm


def test_demo_plan_has_indicators_with_measurements_milestones_and_notes(demo_plan):
    indicators = Indicator.objects.filter(plan_measure__plan=demo_plan)
    assert any(indicator.measurements.count() >= 2 for indicator in indicators)
    assert Milestone.objects.filter(plan_measure__plan=demo_plan).exists()
    assert ProgressNote.objects.for_system("test").filter(plan_measure__plan=demo_plan).exists()


def test_demo_plan_shows_something_overdue_due_soon_and_done(demo_plan):
    progress = selectors.plan_progress(demo_plan, today=TODAY)
    assert progress.overdue
    assert progress.upcoming
    assert progress.done >= 1


def test_demo_plan_is_valid_and_consistent(demo_plan):
    demo_plan.full_clean()
    for pm in PlanMeasure.objects.for_system("test").filter(plan=demo_plan):
        pm.full_clean()
        if pm.status in PlanMeasure.NEEDS_REASON:
            assert pm.status_reason


def test_demo_plan_is_public_and_listed_in_the_overview(demo_plan):
    assert Client().get(f"/handlingsplaner/{DEMO_NUMBER}/").status_code == 200
    rows, _totals = selectors.national_overview(today=TODAY)
    row = next(row for row in rows if row.municipality.number == DEMO_NUMBER)
    assert row.plan == demo_plan
    assert row.covered == selectors.coverage_counts(demo_plan)["full"] >= 12


def test_a_tick_after_loading_the_demo_sends_reminders_once(demo_plan):
    call_command("tick", stdout=StringIO())
    sent = len(mail.outbox)
    assert sent >= 1
    call_command("tick", stdout=StringIO())
    assert len(mail.outbox) == sent


@pytest.mark.parametrize("day", [date(2027, 1, 1), date(2027, 12, 31)])
def test_the_demo_loads_on_any_day_of_the_year(db, clock, day):
    clock(day)
    load_demo(password="demo-passord-1")
    plan = Plan.objects.for_system("test").get(municipality__number=DEMO_NUMBER)
    assert plan.status == Plan.Status.ADOPTED
    assert plan.start_year <= day.year <= plan.end_year


def test_the_demo_loads_again_after_a_person_has_used_it(db, clock):
    from vern.core.models import Membership, Role
    from vern.plans import services

    clock(TODAY)
    load_demo(password="demo-passord-1")
    plan = Plan.objects.for_system("test").get(municipality__number=DEMO_NUMBER)
    person = (
        Membership.objects.for_system("test")
        .get(municipality=plan.municipality, role=Role.COORDINATOR)
        .user
    )
    # Edited the way a person would in the staff pages: a new title and period,
    # put under revision, and a draft of the next plan started.
    services.plan_update(
        plan=plan,
        actor=person,
        title="Handlingsplan mot vold 2025–2029",
        end_year=plan.end_year + 1,
    )
    services.plan_set_status(plan=plan, actor=person, status=Plan.Status.REVISION)
    services.plan_create(
        municipality=plan.municipality,
        actor=person,
        title="Neste handlingsplan",
        start_year=plan.end_year + 1,
        end_year=plan.end_year + 4,
    )
    before = set(
        Plan.objects.for_system("test").values_list(
            "pk", "title", "status", "start_year", "end_year"
        )
    )

    load_demo(password="demo-passord-1")

    # The person's work is left as it was: nothing re-created, nothing reset.
    after = set(
        Plan.objects.for_system("test").values_list(
            "pk", "title", "status", "start_year", "end_year"
        )
    )
    assert after == before
