"""Time-based work for the directory, run by ``vern tick``.

Entries in the guide are checked once per verification cycle. Before an
entry falls due its responsible editors are reminded; once it is overdue the
owner (the municipality's coordinators and administrators, or the national
editors) is told. Each notice is claimed with a conditional UPDATE on the due
date it is for, so two overlapping runs never send it twice, and verifying
the entry (a new due date) makes the next cycle's notices possible.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from vern.audit.services import log_action
from vern.core.jobs import ItemFailures
from vern.core.mail import subject_line
from vern.directory.models import Service
from vern.directory.selectors import PUBLIC_STATUSES
from vern.directory.services import owner_emails
from vern.directory.staff_selectors import REMIND_DAYS


def _link(service: Service) -> str:
    return settings.VERN_BASE_URL.rstrip("/") + reverse(
        "directory:service_detail", args=[service.pk]
    )


def _editor_emails(service: Service) -> list[str]:
    return list(
        service.editors.filter(is_active=True).order_by().values_list("email", flat=True).distinct()
    )


def _send(*, service: Service, due: date, recipients: list[str], overdue: bool) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        if overdue:
            subject = _("Overdue for verification: %(service)s")
            template = "directory/mail/overdue_notice.txt"
        else:
            subject = _("Verify the guide's entry for %(service)s")
            template = "directory/mail/verification_reminder.txt"
        body = render_to_string(template, {"service": service, "due": due, "link": _link(service)})
    send_mail(subject_line(subject % {"service": service.name}), body, None, recipients)


def send_verification_reminders(*, today: date) -> int:
    """Remind the responsible editors of entries falling due within 14 days.

    An entry without responsible editors reminds its owner instead; with
    nobody to tell it is left unclaimed, so it goes out once someone can
    receive it.
    """
    sent = 0
    window = today + timedelta(days=REMIND_DAYS)
    entries = (
        Service.objects.filter(
            status__in=PUBLIC_STATUSES,
            verification_due__gte=today,
            verification_due__lte=window,
        )
        .exclude(reminded_for=F("verification_due"))
        .order_by("verification_due")
    )
    failures = ItemFailures("send_verification_reminders")
    for service in entries:
        with failures.item(f"service {service.pk}"):
            sent += _remind(service)
    return failures.result(sent)


def _remind(service: Service) -> int:
    due = service.verification_due
    recipients = _editor_emails(service) or owner_emails(service.owner_id)
    if not recipients:
        return 0
    claimed = (
        Service.objects.filter(pk=service.pk, verification_due=due)
        .exclude(reminded_for=due)
        .update(reminded_for=due)
    )
    if not claimed:
        return 0
    try:
        _send(service=service, due=due, recipients=recipients, overdue=False)
    except Exception:
        # Not sent: release the claim, so the next run tries again.
        Service.objects.filter(pk=service.pk, reminded_for=due).update(
            reminded_for=service.reminded_for
        )
        raise
    log_action(
        actor=None,
        action="update",
        code="directory.service.reminded",
        target=service,
        detail={"due": due.isoformat(), "recipients": len(recipients)},
    )
    return 1


def send_overdue_notices(*, today: date) -> int:
    """Tell the owner of every entry whose verification is overdue, once per due date."""
    sent = 0
    entries = (
        Service.objects.filter(status__in=PUBLIC_STATUSES, verification_due__lt=today)
        .exclude(overdue_notified_for=F("verification_due"))
        .order_by("verification_due")
    )
    failures = ItemFailures("send_overdue_notices")
    for service in entries:
        with failures.item(f"service {service.pk}"):
            sent += _notify_overdue(service)
    return failures.result(sent)


def _notify_overdue(service: Service) -> int:
    due = service.verification_due
    recipients = owner_emails(service.owner_id)
    if not recipients:
        return 0
    claimed = (
        Service.objects.filter(pk=service.pk, verification_due=due)
        .exclude(overdue_notified_for=due)
        .update(overdue_notified_for=due)
    )
    if not claimed:
        return 0
    try:
        _send(service=service, due=due, recipients=recipients, overdue=True)
    except Exception:
        # Not sent: release the claim, so the next run tries again.
        Service.objects.filter(pk=service.pk, overdue_notified_for=due).update(
            overdue_notified_for=service.overdue_notified_for
        )
        raise
    log_action(
        actor=None,
        action="update",
        code="directory.service.overdue_notified",
        target=service,
        detail={"due": due.isoformat(), "recipients": len(recipients)},
    )
    return 1
