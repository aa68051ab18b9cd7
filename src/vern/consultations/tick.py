"""Time-based work of the consultation team, run by ``vern tick``.

* ``schedule_meetings`` keeps each team's recurring meetings made twelve
  weeks ahead (``services.schedule_meetings``).
* ``send_follow_up_reminders`` reminds the person who brought a concern when
  the follow-up date the team set has come, on the routine engine's notice
  skeleton (``core.routines.run_notices``): the claim is a conditional UPDATE
  of ``follow_up_reminded_for``, so two runs never remind twice, and a new
  follow-up date gives a new reminder.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vern.consultations import selectors, services
from vern.consultations.models import Concern
from vern.core.routines import Notice, compose, run_notices

TICK = "vern tick: consultation follow-up reminders"


def schedule_meetings(*, today: date) -> int:
    return services.schedule_meetings(today=today)


def send_follow_up_reminders(*, today: date) -> int:
    def build(concern: Concern) -> Notice:
        due = concern.follow_up_on
        link = settings.VERN_BASE_URL.rstrip("/") + reverse(
            "consultations:concern_detail", args=[concern.pk]
        )
        subject, body = compose(
            "consultations/mail/follow_up_reminder.txt",
            {"concern": concern, "due": due, "link": link},
            _("Follow-up of your concern %(ref)s"),
            ref=concern.reference,
        )
        previous = concern.follow_up_reminded_for
        return Notice(
            target=concern,
            code="consultations.concern.follow_up_reminded",
            recipients=[concern.submitted_by],
            subject=subject,
            body=body,
            link=link,
            municipality_id=concern.municipality_id,
            claim=lambda: (
                Concern.objects.for_system(reason=TICK)
                .filter(pk=concern.pk, follow_up_on=due)
                .exclude(follow_up_reminded_for=due)
                .update(follow_up_reminded_for=due)
            ),
            release=lambda: (
                Concern.objects.for_system(reason=TICK)
                .filter(pk=concern.pk, follow_up_reminded_for=due)
                .update(follow_up_reminded_for=previous)
            ),
            detail={"follow_up_on": due.isoformat()},
        )

    return run_notices(selectors.follow_ups_due(today=today), build, job="send_follow_up_reminders")
