"""Time-based work for plans, run by ``vern tick``.

The reminders run on the routine engine's notice skeleton
(``vern.core.routines.run_notices``): each is claimed with a conditional
UPDATE before mail is sent, so two overlapping runs never send the same
reminder twice, and released again if no mail could be sent, so the next run
tries again.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vern.audit.services import audited_transaction, log_action
from vern.core.dates import long_date
from vern.core.models import Role, User
from vern.core.page_cache import bump
from vern.core.routines import Notice, compose, members, run_notices
from vern.plans import selectors
from vern.plans.models import Plan, PlanMeasure

# vern tick acts for no user: it reads and claims every municipality's rows.
TICK = "vern tick: plan reminders and expiry"


def _coordinators(municipality_id: int) -> list[User]:
    return members(municipality_id, (Role.COORDINATOR, Role.ADMIN))


def _link(name: str, pk: int) -> str:
    return settings.VERN_BASE_URL.rstrip("/") + reverse(name, args=[pk])


def send_measure_reminders(*, today: date) -> int:
    """Remind the responsible person (else the coordinators) of a measure due within 14 days."""

    def build(plan_measure: PlanMeasure) -> Notice:
        person = plan_measure.responsible_person
        recipients = (
            [person] if person and person.is_active else _coordinators(plan_measure.municipality_id)
        )
        overdue = plan_measure.due_on < today
        link = _link("plans:plan_measure_detail", plan_measure.pk)
        subject, body = compose(
            "plans/mail/measure_reminder.txt",
            {"pm": plan_measure, "overdue": overdue, "link": link},
            _("Overdue measure: %(measure)s") if overdue else _("Measure due soon: %(measure)s"),
            measure=lambda: plan_measure.measure.title,
        )
        return Notice(
            target=plan_measure,
            code="plans.planmeasure.reminded",
            recipients=recipients,
            subject=subject,
            body=body,
            link=link,
            claim=lambda: (
                PlanMeasure.objects.for_system(reason=TICK)
                .filter(pk=plan_measure.pk, reminded_at__isnull=True)
                .update(reminded_at=timezone.now())
            ),
            release=lambda: (
                PlanMeasure.objects.for_system(reason=TICK)
                .filter(pk=plan_measure.pk)
                .update(reminded_at=None)
            ),
            detail={"due_on": plan_measure.due_on.isoformat()},
        )

    return run_notices(selectors.reminders_due(today=today), build, job="send_measure_reminders")


def send_review_reminders(*, today: date) -> int:
    """Tell the coordinators that the six-monthly review is near or missed."""

    def build(plan: Plan) -> Notice:
        due = plan.next_review_on
        link = _link("plans:review_create", plan.pk)
        subject, body = compose(
            "plans/mail/review_reminder.txt",
            {"plan": plan, "due": due, "link": link},
            _("Review of the action plan due %(date)s"),
            date=lambda: long_date(due),
        )
        return Notice(
            target=plan,
            code="plans.plan.review_reminded",
            recipients=_coordinators(plan.municipality_id),
            subject=subject,
            body=body,
            link=link,
            claim=lambda: (
                Plan.objects.for_system(reason=TICK)
                .filter(pk=plan.pk, next_review_on=due)
                .exclude(review_reminded_for=due)
                .update(review_reminded_for=due)
            ),
            release=lambda: (
                Plan.objects.for_system(reason=TICK)
                .filter(pk=plan.pk, review_reminded_for=due)
                .update(review_reminded_for=plan.review_reminded_for)
            ),
            detail={"due": due.isoformat()},
        )

    return run_notices(selectors.reviews_due(today=today), build, job="send_review_reminders")


@audited_transaction
def expire_plans(*, today: date) -> int:
    """Plans in force (adopted or under revision) whose period has ended become expired."""
    expired = 0
    for plan in Plan.objects.for_system(reason=TICK).filter(
        status__in=Plan.IN_FORCE, end_year__lt=today.year
    ):
        Plan.objects.for_system(reason=TICK).filter(pk=plan.pk).update(status=Plan.Status.EXPIRED)
        bump("plans")  # an update() sends no post_save
        log_action(actor=None, action="update", code="plans.plan.expired", target=plan)
        expired += 1
    return expired
