"""Time-based work for prevention, run by ``vern tick``: tell the coordinators when a
partnership agreement ends within 60 days. On the routine engine's notice skeleton: each
agreement is claimed for its end date with a conditional UPDATE, so it is reminded once
(again only if the end date is moved)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vern.core.models import Role
from vern.core.routines import Notice, compose, members, run_notices
from vern.prevention import selectors
from vern.prevention.models import Agreement

TICK = selectors.TICK


def send_agreement_reminders(*, today: date) -> int:
    def build(agreement: Agreement) -> Notice | None:
        if agreement.end_reminded_for == agreement.ends_on:
            return None
        link = settings.VERN_BASE_URL.rstrip("/") + reverse(
            "prevention:partner_detail", args=[agreement.partner_id]
        )
        subject, body = compose(
            "prevention/mail/agreement_reminder.txt",
            {"agreement": agreement, "link": link},
            _("Agreement ending: %(partner)s"),
            partner=lambda: agreement.partner.name,
        )
        ends, previous = agreement.ends_on, agreement.end_reminded_for
        return Notice(
            target=agreement,
            code="prevention.agreement.end_reminded",
            recipients=members(agreement.municipality_id, (Role.COORDINATOR, Role.ADMIN)),
            subject=subject,
            body=body,
            link=link,
            municipality_id=agreement.municipality_id,
            claim=lambda: (
                Agreement.objects.for_system(reason=TICK)
                .filter(pk=agreement.pk, ends_on=ends)
                .exclude(end_reminded_for=ends)
                .update(end_reminded_for=ends)
            ),
            release=lambda: (
                Agreement.objects.for_system(reason=TICK)
                .filter(pk=agreement.pk, end_reminded_for=ends)
                .update(end_reminded_for=previous)
            ),
            detail={"due": ends.isoformat()},
        )

    return run_notices(
        selectors.agreements_ending(today=today), build, job="send_agreement_reminders"
    )
