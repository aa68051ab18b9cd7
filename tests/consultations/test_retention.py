"""Closed concerns are deleted after their period; counts survive, team actions stay."""

import datetime
import uuid

import time_machine

from vern.audit.models import AuditEntry
from vern.consultations import services
from vern.consultations.models import Advice, Concern, TeamAction
from vern.core.models import RetentionCount
from vern.core.retention import apply_retention


def close(concern, actor, *, follow_up_on=None):
    services.advice_record(
        concern=concern,
        actor=actor,
        meeting=None,
        text="Meld fra til barnevernet.",
        concern_level="high",
        risk_factors=[],
        protective_factors=[],
        recommendations=["notify_child_welfare"],
        follow_up_on=follow_up_on,
        form_key=uuid.uuid4(),
    )
    concern.refresh_from_db()


def test_advice_without_follow_up_closes_and_new_advice_reopens(concern, chair):
    close(concern, chair)
    assert concern.status == Concern.Status.CLOSED and concern.closed_at is not None
    close(concern, chair, follow_up_on=datetime.date(2026, 10, 1))
    assert concern.status == Concern.Status.ADVISED and concern.closed_at is None


def test_a_closed_concern_is_deleted_after_24_months(team, concern, chair):
    close(concern, chair)
    action = services.action_add(
        meeting=team.meetings.first(),
        actor=chair,
        description="Følge opp meldingen til barnevernet",
        agency="child_welfare",
        concern=concern,
    )
    everything = Concern.objects.for_system(reason="test")
    assert apply_retention(today=datetime.date(2028, 9, 6)) == 0
    assert everything.filter(pk=concern.pk).exists()
    with time_machine.travel(datetime.datetime(2028, 9, 8, 12, tzinfo=datetime.UTC), tick=False):
        assert apply_retention(today=datetime.date(2028, 9, 8)) == 1
        assert apply_retention(today=datetime.date(2028, 9, 8)) == 0
    assert not everything.filter(pk=concern.pk).exists()
    assert not Advice.objects.for_system(reason="test").exists()
    action = TeamAction.objects.for_system(reason="test").get(pk=action.pk)
    assert action.concern is None
    count = RetentionCount.objects.get(record_type="consultations.concern")
    assert (count.category, count.count) == ("school", 1)
    assert (
        AuditEntry.objects.for_system(reason="test")
        .filter(code="core.retention.deleted", object_id=str(concern.pk))
        .exists()
    )


def test_an_open_concern_is_never_deleted(concern):
    assert apply_retention(today=datetime.date(2040, 1, 1)) == 0
    assert Concern.objects.for_system(reason="test").filter(pk=concern.pk).exists()
