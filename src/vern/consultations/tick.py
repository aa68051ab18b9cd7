"""Time-based work of the consultation team, run by ``vern tick``.

* ``schedule_meetings`` keeps each team's recurring meetings made twelve
  weeks ahead (``services.schedule_meetings``).
* ``send_follow_up_reminders`` reminds the person who brought a concern when
  the follow-up date the team set has come, on the routine engine's notice
  skeleton (``core.routines.run_notices``): the claim is a conditional UPDATE
  of ``follow_up_reminded_for``, so two runs never remind twice, and a new
  follow-up date gives a new reminder.
* ``send_meeting_notices`` tells a team's members that a meeting was moved or
  cancelled. The page that changes the meeting sends the notice at once
  (``notify_meeting_change``); the tick sends any that failed. The claim is a
  conditional UPDATE of ``Meeting.notified_sequence``.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vern.consultations import selectors, services
from vern.consultations.models import Concern, Meeting, TeamMember
from vern.core.routines import Notice, NotSent, compose, deliver, run_notices

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


def _meeting_notice(meeting: Meeting) -> Notice | None:
    sequence = meeting.sequence
    if sequence <= meeting.notified_sequence:
        return None
    link = settings.VERN_BASE_URL.rstrip("/") + reverse(
        "consultations:team_detail", args=[meeting.team_id]
    )
    subject_text = (
        _("A meeting of %(team)s is cancelled")
        if meeting.is_cancelled
        else _("A meeting of %(team)s has a new time")
    )
    subject, body = compose(
        "consultations/mail/meeting_changed.txt",
        {"meeting": meeting, "link": link},
        subject_text,
        team=meeting.team.name,
    )
    members = TeamMember.objects.for_system(reason=TICK).filter(team=meeting.team_id)
    previous = meeting.notified_sequence
    return Notice(
        target=meeting.team,
        code="consultations.meeting.notified",
        recipients=[m.user for m in members.select_related("user")],
        subject=subject,
        body=body,
        link=link,
        claim=lambda: Meeting.objects.filter(pk=meeting.pk, notified_sequence__lt=sequence).update(
            notified_sequence=sequence
        ),
        release=lambda: Meeting.objects.filter(pk=meeting.pk, notified_sequence=sequence).update(
            notified_sequence=previous
        ),
        detail={"meeting": meeting.pk, "cancelled": meeting.is_cancelled},
    )


def notify_meeting_change(meeting: Meeting) -> bool | None:
    """Tell the members now; False if no mail could go (the tick tries again), None if
    there is no one to tell."""
    meeting = Meeting.objects.select_related("team").get(pk=meeting.pk)
    notice = _meeting_notice(meeting)
    if notice is None or not any(user.is_active for user in notice.recipients):
        return None
    try:
        return deliver(notice)
    except NotSent:
        return False


def send_meeting_notices(*, today: date) -> int:
    return run_notices(selectors.meetings_to_notify(), _meeting_notice, job="send_meeting_notices")
