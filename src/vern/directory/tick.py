"""Time-based work for the directory, run by ``vern tick``.

Entries in the guide are checked once per verification cycle. Before an
entry falls due its responsible editors are reminded; once it is overdue the
owner (the municipality's coordinators and administrators, or the national
editors) is told. Both run on the routine engine's notice skeleton
(``vern.core.routines.run_notices``): each notice is claimed with a
conditional UPDATE on the due date it is for, so two overlapping runs never
send it twice (and released if no mail could be sent, so the next run tries
again), and verifying the entry (a new due date) makes the next cycle's
notices possible.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vern.core.models import Role, User
from vern.core.routines import Notice, compose, members, run_notices
from vern.directory.models import Service
from vern.directory.selectors import PUBLIC_STATUSES
from vern.directory.staff_selectors import REMIND_DAYS


def _link(service: Service) -> str:
    return settings.VERN_BASE_URL.rstrip("/") + reverse(
        "directory:service_detail", args=[service.pk]
    )


def _editors(service: Service) -> list[User]:
    return list(service.editors.filter(is_active=True).order_by("pk").distinct())


def _owners(owner_id: int | None) -> list[User]:
    """Who answers for the directory: the municipality's coordinators and
    administrators, or the national editors for national entries."""
    if owner_id is None:
        return members(None, (Role.NATIONAL,))
    return members(owner_id, (Role.ADMIN, Role.COORDINATOR))


def _notice(*, service: Service, recipients: list[User], overdue: bool) -> Notice:
    due = service.verification_due
    link = _link(service)
    if overdue:
        subject = _("Overdue for verification: %(service)s")
        template = "directory/mail/overdue_notice.txt"
        code, column = "directory.service.overdue_notified", "overdue_notified_for"
    else:
        subject = _("Verify the guide's entry for %(service)s")
        template = "directory/mail/verification_reminder.txt"
        code, column = "directory.service.reminded", "reminded_for"
    subject, body = compose(
        template,
        {"service": service, "due": due, "link": link},
        subject,
        service=service.name,
    )
    return Notice(
        target=service,
        code=code,
        recipients=recipients,
        subject=subject,
        body=body,
        link=link,
        claim=lambda: (
            Service.objects.filter(pk=service.pk, verification_due=due)
            .exclude(**{column: due})
            .update(**{column: due})
        ),
        release=lambda: Service.objects.filter(pk=service.pk, **{column: due}).update(
            **{column: getattr(service, column)}
        ),
        detail={"due": due.isoformat()},
    )


def send_verification_reminders(*, today: date) -> int:
    """Remind the responsible editors of entries falling due within 14 days.

    An entry without responsible editors reminds its owner instead; with
    nobody to tell it is left unclaimed, so it goes out once someone can
    receive it.
    """
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
    return run_notices(
        entries,
        lambda service: _notice(
            service=service,
            recipients=_editors(service) or _owners(service.owner_id),
            overdue=False,
        ),
        job="send_verification_reminders",
    )


def send_overdue_notices(*, today: date) -> int:
    """Tell the owner of every entry whose verification is overdue, once per due date."""
    entries = (
        Service.objects.filter(status__in=PUBLIC_STATUSES, verification_due__lt=today)
        .exclude(overdue_notified_for=F("verification_due"))
        .order_by("verification_due")
    )
    return run_notices(
        entries,
        lambda service: _notice(
            service=service, recipients=_owners(service.owner_id), overdue=True
        ),
        job="send_overdue_notices",
    )
