"""vern tick: follow-up reminders to the submitter (with a moved clock) and meetings made ahead."""

import datetime
import itertools
import uuid

import time_machine
from django.core import mail
from django.core.management import call_command

from tests.consultations.conftest import TODAY
from vern.audit.models import AuditEntry
from vern.consultations import services, tick
from vern.consultations.models import Meeting
from vern.core.models import Notification


def advise(concern, actor, follow_up_on):
    services.advice_record(
        concern=concern,
        actor=actor,
        meeting=None,
        text="Snakk med foreldrene og kom tilbake til teamet.",
        concern_level="moderate",
        risk_factors=[],
        protective_factors=[],
        recommendations=["talk_to_parents", "consult_again"],
        follow_up_on=follow_up_on,
        form_key=uuid.uuid4(),
    )


def test_the_submitter_is_reminded_on_the_follow_up_date_once(concern, chair, teacher):
    follow_up = TODAY + datetime.timedelta(weeks=4)
    advise(concern, chair, follow_up)
    assert tick.send_follow_up_reminders(today=TODAY) == 0
    assert mail.outbox == []

    with time_machine.travel(datetime.datetime(2026, 10, 5, 7, 0, tzinfo=datetime.UTC), tick=False):
        call_command("tick")
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [teacher.email]
        assert concern.reference in message.subject
        assert "Bekymring" not in message.body or concern.worry not in message.body
        assert concern.worry not in message.body
        call_command("tick")
        assert len(mail.outbox) == 1
    assert Notification.objects.for_self(teacher).count() == 1
    assert (
        AuditEntry.objects.for_system(reason="test")
        .filter(code="consultations.concern.follow_up_reminded")
        .count()
        == 1
    )


def test_a_new_follow_up_date_gives_a_new_reminder(concern, chair):
    advise(concern, chair, TODAY)
    assert tick.send_follow_up_reminders(today=TODAY) == 1
    advise(concern, chair, TODAY + datetime.timedelta(days=14))
    assert tick.send_follow_up_reminders(today=TODAY + datetime.timedelta(days=13)) == 0
    assert tick.send_follow_up_reminders(today=TODAY + datetime.timedelta(days=14)) == 1
    assert len(mail.outbox) == 2


def test_a_due_follow_up_puts_the_concern_back_on_the_agenda(team, concern, chair):
    from vern.consultations import selectors

    advise(concern, chair, TODAY + datetime.timedelta(weeks=5))
    concern.refresh_from_db()
    # Meetings on 8 September, 6 October and 3 November; follow-up on 12 October.
    first, second, third = list(team.meetings.order_by("starts_at")[:3])
    assert concern not in selectors.agenda(first).waiting
    assert concern not in selectors.agenda(second).waiting
    assert concern in selectors.agenda(third).waiting


def test_meetings_are_made_twelve_weeks_ahead_every_fourth_week(team):
    days = [m.starts_at.date() for m in team.meetings.order_by("starts_at")]
    assert days[0] == TODAY + datetime.timedelta(days=1)
    assert all((b - a).days == 28 for a, b in itertools.pairwise(days))
    assert days[-1] <= TODAY + datetime.timedelta(weeks=12)
    later = TODAY + datetime.timedelta(weeks=8)
    made = tick.schedule_meetings(today=later)
    assert made == 2
    assert tick.schedule_meetings(today=later) == 0
    assert Meeting.objects.filter(team=team).count() == len(days) + 2
