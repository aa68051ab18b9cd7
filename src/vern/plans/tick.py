"""Time-based work for plans, run by ``vern tick``.

Each reminder row is claimed with a conditional UPDATE before mail is sent,
so two overlapping runs never send the same reminder twice.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vern.audit.services import audited_transaction, log_action
from vern.core.jobs import ItemFailures
from vern.core.mail import subject_line
from vern.core.models import Membership, Role
from vern.plans import selectors
from vern.plans.models import Plan, PlanMeasure

# vern tick acts for no user: it reads and claims every municipality's rows.
TICK = "vern tick: plan reminders and expiry"


def _coordinators(municipality_id: int) -> list[str]:
    return list(
        Membership.objects.for_system(reason="vern tick: the municipality's coordinators")
        .filter(
            municipality_id=municipality_id,
            role__in=(Role.COORDINATOR, Role.ADMIN),
            user__is_active=True,
        )
        .order_by()
        .values_list("user__email", flat=True)
        .distinct()
    )


def _link(name: str, pk: int) -> str:
    return settings.VERN_BASE_URL.rstrip("/") + reverse(name, args=[pk])


def send_measure_reminders(*, today: date) -> int:
    """Remind the responsible person (else the coordinators) of a measure due within 14 days."""
    sent = 0
    failures = ItemFailures("send_measure_reminders")
    for plan_measure in selectors.reminders_due(today=today):
        with failures.item(f"plan measure {plan_measure.pk}"):
            sent += _remind_measure(plan_measure, today)
    return failures.result(sent)


def _remind_measure(plan_measure: PlanMeasure, today: date) -> int:
    person = plan_measure.responsible_person
    recipients = (
        [person.email]
        if person and person.is_active
        else _coordinators(plan_measure.municipality_id)
    )
    if not recipients:
        return 0  # left unclaimed, so it goes out once someone can receive it
    claimed = (
        PlanMeasure.objects.for_system(reason=TICK)
        .filter(pk=plan_measure.pk, reminded_at__isnull=True)
        .update(reminded_at=timezone.now())
    )
    if not claimed:
        return 0
    overdue = plan_measure.due_on < today
    with translation.override(settings.LANGUAGE_CODE):
        subject = (
            _("Overdue measure: %(measure)s") if overdue else _("Measure due soon: %(measure)s")
        ) % {"measure": plan_measure.measure.title}
        body = render_to_string(
            "plans/mail/measure_reminder.txt",
            {
                "pm": plan_measure,
                "overdue": overdue,
                "link": _link("plans:plan_measure_detail", plan_measure.pk),
            },
        )
    try:
        send_mail(subject_line(subject), body, None, recipients)
    except Exception:
        # Not sent: release the claim, so the next run tries again.
        PlanMeasure.objects.for_system(reason=TICK).filter(pk=plan_measure.pk).update(
            reminded_at=None
        )
        raise
    log_action(
        actor=None,
        action="update",
        code="plans.planmeasure.reminded",
        target=plan_measure,
        detail={"due_on": plan_measure.due_on.isoformat(), "recipients": len(recipients)},
    )
    return 1


def send_review_reminders(*, today: date) -> int:
    """Tell the coordinators that the six-monthly review is near or missed."""
    sent = 0
    failures = ItemFailures("send_review_reminders")
    for plan in selectors.reviews_due(today=today):
        with failures.item(f"plan {plan.pk}"):
            sent += _remind_review(plan)
    return failures.result(sent)


def _remind_review(plan: Plan) -> int:
    due = plan.next_review_on
    recipients = _coordinators(plan.municipality_id)
    if not recipients:
        return 0
    claimed = (
        Plan.objects.for_system(reason=TICK)
        .filter(pk=plan.pk, next_review_on=due)
        .exclude(review_reminded_for=due)
        .update(review_reminded_for=due)
    )
    if not claimed:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Review of the action plan due %(date)s") % {"date": due.isoformat()}
        body = render_to_string(
            "plans/mail/review_reminder.txt",
            {"plan": plan, "due": due, "link": _link("plans:review_create", plan.pk)},
        )
    try:
        send_mail(subject_line(subject), body, None, recipients)
    except Exception:
        # Not sent: release the claim, so the next run tries again.
        Plan.objects.for_system(reason=TICK).filter(pk=plan.pk, review_reminded_for=due).update(
            review_reminded_for=plan.review_reminded_for
        )
        raise
    log_action(
        actor=None,
        action="update",
        code="plans.plan.review_reminded",
        target=plan,
        detail={"due": due.isoformat()},
    )
    return 1


@audited_transaction
def expire_plans(*, today: date) -> int:
    """Plans in force (adopted or under revision) whose period has ended become expired."""
    expired = 0
    for plan in Plan.objects.for_system(reason=TICK).filter(
        status__in=Plan.IN_FORCE, end_year__lt=today.year
    ):
        Plan.objects.for_system(reason=TICK).filter(pk=plan.pk).update(status=Plan.Status.EXPIRED)
        log_action(actor=None, action="update", code="plans.plan.expired", target=plan)
        expired += 1
    return expired
