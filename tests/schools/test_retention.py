"""Retention: a closed case's personal data goes 12 months after closing; the yearly
figures stay."""

from datetime import date

from tests.schools.factories import START, case, signal
from vern.audit.models import AuditEntry
from vern.core.models import RetentionCount, RetentionPeriod, Step
from vern.core.retention import apply_retention
from vern.schools import selectors, services
from vern.schools.models import NoShowCase, NoShowStatistic, Signal, StepRecord


def _closed_case(home, bakken, contact, clock, reason="arrived"):
    clock(START)
    opened = case(home, bakken, actor=contact, today=START)
    services.step_record(
        case=opened,
        step_code="step-1",
        done_on=START,
        outcome="Eleven kom.",
        actor=contact,
        today=START,
    )
    return services.case_close(case=opened, reason=reason, actor=contact, today=START)


def test_a_closed_case_is_deleted_after_twelve_months_and_its_outcome_stays_counted(
    home, bakken, contact, clock
):
    closed = _closed_case(home, bakken, contact, clock)
    open_case = case(home, bakken, actor=contact, today=START)

    assert apply_retention(today=date(2026, 8, 17)) == 0
    assert NoShowCase.objects.for_system("test").filter(pk=closed.pk).exists()

    assert apply_retention(today=date(2026, 8, 19)) == 1
    assert list(NoShowCase.objects.for_system("test").values_list("pk", flat=True)) == [
        open_case.pk
    ]
    assert not StepRecord.objects.for_system("test").filter(case_id=closed.pk).exists()
    assert not Step.objects.for_system("test").filter(subject_id=str(closed.pk)).exists()
    assert Step.objects.for_system("test").filter(subject_id=str(open_case.pk)).count() == 3
    assert (
        AuditEntry.objects.for_system("test")
        .filter(
            code="core.retention.deleted",
            object_type="schools.noshowcase",
            object_id=str(closed.pk),
        )
        .exists()
    )
    count = RetentionCount.objects.get(municipality=home, record_type="schools.noshowcase")
    assert (count.category, count.count) == ("arrived", 1)
    # The dashboard's yearly figures do not depend on the case.
    assert list(
        NoShowStatistic.objects.filter(municipality=home).values_list("count", flat=True)
    ) == [1]
    figures = selectors.yearly_statistics(home)
    assert [(f.year, f.total) for f in figures] == [(2025, 1)]
    # Running again deletes nothing more.
    assert apply_retention(today=date(2026, 8, 19)) == 0


def test_a_municipality_may_keep_cases_for_a_shorter_time(home, bakken, contact, clock):
    RetentionPeriod.objects.create(municipality=home, record_type="schools.noshowcase", months=6)
    _closed_case(home, bakken, contact, clock)
    assert apply_retention(today=date(2026, 2, 19)) == 1


def test_a_signal_is_kept_until_twelve_months_after_both_conversations(
    home, bakken, principal, clock
):
    clock(START)
    open_signal = signal(home, bakken)
    done = signal(home, bakken)
    for talk in ("pupil", "parents"):
        services.signal_talk(
            signal=done,
            talk=talk,
            held_on=START,
            note="Samtale holdt.",
            actor=principal,
            today=START,
        )
    assert apply_retention(today=date(2026, 8, 19)) == 1
    assert list(Signal.objects.for_system("test").values_list("pk", flat=True)) == [open_signal.pk]
