"""`vern tick`: due-date reminders, review reminders and expiry, on a fixed clock."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from tests.factories import MembershipFactory
from tests.plans.factories import PlanFactory, PlanMeasureFactory, catalogue, member
from vern.audit.models import AuditEntry
from vern.core.models import Role
from vern.plans import services
from vern.plans.models import Plan, PlanMeasure

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def fixed_day(clock):
    return clock(TODAY)


def tick() -> str:
    out = StringIO()
    call_command("tick", stdout=out)
    return out.getvalue()


@pytest.fixture
def adopted(home):
    return PlanFactory(municipality=home, adopted=True)


@pytest.fixture
def owner(home):
    return member(home, Role.CASE_WORKER, email="eier@heimby.test", full_name="Eier Eiesen")


def test_a_measure_due_in_ten_days_reminds_its_responsible_person_once(adopted, owner, coordinator):
    pm = PlanMeasureFactory(
        plan=adopted, responsible_person=owner, due_on=TODAY + timedelta(days=10)
    )
    tick()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [owner.email]
    assert catalogue("F7").title_nb in message.subject
    assert f"/ansatt/planer/tiltak/{pm.pk}/" in message.body
    pm.refresh_from_db()
    assert pm.reminded_at is not None
    assert AuditEntry.objects.for_system("test").filter(
        code="plans.planmeasure.reminded", object_id=str(pm.pk)
    )

    tick()
    assert len(mail.outbox) == 1


def test_a_measure_without_a_person_reminds_the_coordinators_and_admins(
    home, adopted, coordinator, admin, reader, case_worker
):
    PlanMeasureFactory(plan=adopted, due_on=TODAY + timedelta(days=10))
    tick()
    # One message per person, so one bad address cannot hold back the others.
    assert sorted(m.to for m in mail.outbox) == sorted([[coordinator.email], [admin.email]])
    tick()
    assert len(mail.outbox) == 2


def test_a_person_with_two_editor_roles_is_listed_once(home, adopted):
    both = member(home, Role.COORDINATOR, email="begge@heimby.test", full_name="Begge Roller")
    MembershipFactory(user=both, municipality=home, role=Role.ADMIN)
    PlanMeasureFactory(plan=adopted, due_on=TODAY + timedelta(days=3))
    adopted.next_review_on = TODAY + timedelta(days=3)
    adopted.save()
    tick()
    # Both reminders, in one mail to the person, once.
    [message] = mail.outbox
    assert message.to == [both.email]
    assert len([line for line in message.body.splitlines() if line.startswith("* ")]) == 2


def test_an_inactive_responsible_person_is_replaced_by_the_coordinators(
    adopted, owner, coordinator
):
    owner.is_active = False
    owner.save()
    PlanMeasureFactory(plan=adopted, responsible_person=owner, due_on=TODAY + timedelta(days=5))
    tick()
    assert mail.outbox[0].to == [coordinator.email]


def test_an_overdue_measure_without_reminder_gets_an_overdue_reminder(adopted, owner):
    PlanMeasureFactory(plan=adopted, responsible_person=owner, due_on=TODAY - timedelta(days=3))
    tick()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [owner.email]


def test_a_measure_due_later_than_14_days_gets_no_reminder_yet(adopted, owner):
    PlanMeasureFactory(plan=adopted, responsible_person=owner, due_on=TODAY + timedelta(days=15))
    tick()
    assert mail.outbox == []


def test_a_measure_of_a_draft_plan_gets_no_reminder(home, owner):
    plan = PlanFactory(municipality=home)
    PlanMeasureFactory(plan=plan, responsible_person=owner, due_on=TODAY + timedelta(days=10))
    tick()
    assert mail.outbox == []


@pytest.mark.parametrize("status", ["done", "dropped"])
def test_a_finished_measure_gets_no_reminder(adopted, owner, status):
    PlanMeasureFactory(
        plan=adopted,
        responsible_person=owner,
        due_on=TODAY + timedelta(days=10),
        status=status,
        status_reason="Ikke aktuelt" if status == "dropped" else "",
    )
    tick()
    assert mail.outbox == []


def test_a_measure_without_due_date_gets_no_reminder(adopted, owner):
    PlanMeasureFactory(plan=adopted, responsible_person=owner)
    tick()
    assert mail.outbox == []


def test_a_new_due_date_earns_a_new_reminder(adopted, owner, coordinator):
    pm = PlanMeasureFactory(
        plan=adopted, responsible_person=owner, due_on=TODAY + timedelta(days=10)
    )
    tick()
    services.plan_measure_update(
        plan_measure=PlanMeasure.objects.for_system("test").get(pk=pm.pk),
        actor=coordinator,
        due_on=TODAY + timedelta(days=12),
    )
    assert PlanMeasure.objects.for_system("test").get(pk=pm.pk).reminded_at is None
    tick()
    assert len(mail.outbox) == 2


def test_a_review_due_within_14_days_tells_the_coordinators_once(home, coordinator, admin, reader):
    plan = PlanFactory(municipality=home, adopted=True, next_review_on=TODAY + timedelta(days=14))
    tick()
    assert sorted(m.to for m in mail.outbox) == sorted([[coordinator.email], [admin.email]])
    for message in mail.outbox:
        assert "16. mars 2026" in message.subject  # not an ISO date
        assert f"/ansatt/planer/{plan.pk}/gjennomgang/ny/" in message.body
    plan.refresh_from_db()
    assert plan.review_reminded_for == TODAY + timedelta(days=14)

    tick()
    assert len(mail.outbox) == 2


def test_a_review_due_later_sends_nothing_yet(home, coordinator):
    PlanFactory(municipality=home, adopted=True, next_review_on=TODAY + timedelta(days=15))
    tick()
    assert mail.outbox == []


def test_a_review_of_a_draft_plan_sends_nothing(home, coordinator):
    PlanFactory(municipality=home, next_review_on=TODAY + timedelta(days=3))
    tick()
    assert mail.outbox == []


def test_a_new_review_date_earns_a_new_review_reminder(home, coordinator, clock):
    plan = PlanFactory(municipality=home, adopted=True, next_review_on=TODAY + timedelta(days=7))
    tick()
    Plan.objects.for_system("test").filter(pk=plan.pk).update(next_review_on=date(2026, 9, 9))
    clock(date(2026, 9, 1))
    tick()
    assert len(mail.outbox) == 2


def test_an_adopted_plan_whose_period_has_ended_expires(home):
    old = PlanFactory(municipality=home, adopted=True, start_year=2022, end_year=2025)
    current = PlanFactory(municipality=home, adopted=True, start_year=2026, end_year=2029)
    draft = PlanFactory(municipality=home, start_year=2020, end_year=2021)
    out = tick()
    assert Plan.objects.for_system("test").get(pk=old.pk).status == Plan.Status.EXPIRED
    assert Plan.objects.for_system("test").get(pk=current.pk).status == Plan.Status.ADOPTED
    assert Plan.objects.for_system("test").get(pk=draft.pk).status == Plan.Status.DRAFT
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code="plans.plan.expired", object_id=str(old.pk))
        .exists()
    )
    assert "vern.plans.tick.expire_plans: 1" in out


def test_a_plan_ending_this_year_is_still_in_force(home):
    plan = PlanFactory(municipality=home, adopted=True, start_year=2023, end_year=2026)
    tick()
    assert Plan.objects.for_system("test").get(pk=plan.pk).status == Plan.Status.ADOPTED


def test_an_expired_plan_sends_no_reminders(home, owner, coordinator):
    plan = PlanFactory(
        municipality=home,
        adopted=True,
        start_year=2022,
        end_year=2025,
        next_review_on=TODAY + timedelta(days=1),
    )
    PlanMeasureFactory(plan=plan, responsible_person=owner, due_on=TODAY + timedelta(days=1))
    tick()
    assert mail.outbox == []


def test_tick_reports_what_it_did(adopted, owner):
    PlanMeasureFactory(plan=adopted, responsible_person=owner, due_on=TODAY)
    out = tick()
    assert "vern.plans.tick.send_measure_reminders: 1" in out
    assert "vern.plans.tick.send_review_reminders: 0" in out


def test_a_reminder_is_also_an_in_app_notification_for_its_municipality(
    home, other, adopted, owner
):
    from vern.core.selectors import notifications_for

    pm = PlanMeasureFactory(
        plan=adopted, responsible_person=owner, due_on=TODAY + timedelta(days=10)
    )
    tick()
    [notice] = notifications_for(owner, home)
    assert catalogue("F7").title_nb in notice.text
    assert notice.link.endswith(f"/ansatt/planer/tiltak/{pm.pk}/")
    assert notice.read_at is None
    MembershipFactory(user=owner, municipality=other, role=Role.READER)
    assert not notifications_for(owner, other).exists()
