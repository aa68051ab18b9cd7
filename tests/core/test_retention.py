"""Retention: records closed long enough ago are deleted or anonymised, counts kept."""

from __future__ import annotations

from datetime import date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Q

from tests.directory.factories import ServiceFactory
from vern.audit.models import AuditEntry
from vern.core.jobs import JobFailed
from vern.core.models import RetentionCount, RetentionPeriod
from vern.core.retention import RetentionType, apply_retention, months_before
from vern.directory.models import ErrorReport

TODAY = date(2026, 9, 15)
OSLO = ZoneInfo("Europe/Oslo")


def report(service, *, handled: date | None, message="Telefonnummeret er feil."):
    found = ErrorReport.objects.create(service=service, message=message)
    if handled:
        ErrorReport.objects.for_system("test").filter(pk=found.pk).update(
            handled_at=datetime.combine(handled, time(10), tzinfo=OSLO)
        )
    return found


def remaining(*reports) -> list[bool]:
    return [ErrorReport.objects.for_system("test").filter(pk=r.pk).exists() for r in reports]


def test_months_before_keeps_to_the_end_of_a_shorter_month():
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 1) == date(2025, 12, 15)
    assert months_before(date(2026, 9, 15), 24) == date(2024, 9, 15)


def test_handled_error_reports_older_than_the_period_are_deleted_and_counted(home, other):
    service = ServiceFactory(owner=home)
    old = report(service, handled=date(2026, 3, 10))  # six months and more before
    older = report(service, handled=date(2026, 2, 20))
    recent = report(service, handled=date(2026, 3, 20))  # not yet six months
    open_ = report(service, handled=None)
    ErrorReport.objects.for_system("test").filter(pk=open_.pk).update(
        created_at=datetime(2020, 1, 1, tzinfo=OSLO)
    )  # never handled: kept, however old

    assert apply_retention(today=TODAY) == 2
    assert remaining(old, older, recent, open_) == [False, False, True, True]

    counts = {
        (c.municipality_id, c.record_type, c.month, c.category, c.count)
        for c in RetentionCount.objects.all()
    }
    assert counts == {
        (home.pk, "directory.errorreport", date(2026, 3, 1), "", 1),
        (home.pk, "directory.errorreport", date(2026, 2, 1), "", 1),
    }
    entries = AuditEntry.objects.for_system("test").filter(code="core.retention.deleted")
    assert sorted(int(e.object_id) for e in entries) == sorted([old.pk, older.pk])
    assert {(e.object_type, e.municipality_id, e.actor_id) for e in entries} == {
        ("directory.errorreport", home.pk, None)
    }
    assert all(e.detail["record_type"] == "directory.errorreport" for e in entries)

    # A second run finds nothing and counts nothing twice.
    assert apply_retention(today=TODAY) == 0
    assert sum(RetentionCount.objects.values_list("count", flat=True)) == 2


def test_each_municipality_keeps_its_own_period(home, other):
    RetentionPeriod.objects.create(
        municipality=other, record_type="directory.errorreport", months=12
    )
    ours = ServiceFactory(owner=home)
    theirs = ServiceFactory(owner=other)
    home_old = report(ours, handled=date(2026, 1, 5))
    other_seven = report(theirs, handled=date(2026, 1, 5))  # within their 12 months
    other_old = report(theirs, handled=date(2025, 8, 1))

    assert apply_retention(today=TODAY) == 2
    assert remaining(home_old, other_seven, other_old) == [False, True, False]
    assert set(RetentionCount.objects.values_list("municipality_id", "month", "count")) == {
        (home.pk, date(2026, 1, 1), 1),
        (other.pk, date(2025, 8, 1), 1),
    }

    # A shorter period of its own applies as well.
    RetentionPeriod.objects.create(municipality=home, record_type="directory.errorreport", months=1)
    home_two = report(ours, handled=date(2026, 8, 1))
    home_fresh = report(ours, handled=date(2026, 8, 20))
    assert apply_retention(today=TODAY) == 1
    assert remaining(home_two, home_fresh, other_seven) == [False, True, True]


def test_reports_on_national_entries_are_counted_without_a_municipality(db):
    national = ServiceFactory(owner=None, is_national=True)
    old = report(national, handled=date(2025, 1, 10))
    assert apply_retention(today=TODAY) == 1
    assert remaining(old) == [False]
    [count] = RetentionCount.objects.all()
    assert (count.municipality_id, count.month, count.count) == (None, date(2025, 1, 1), 1)


def test_vern_tick_runs_retention(home, time_machine):
    time_machine.move_to(datetime.combine(TODAY, time(12), tzinfo=OSLO), tick=False)
    old = report(ServiceFactory(owner=home), handled=date(2025, 12, 1))
    out = StringIO()
    call_command("tick", stdout=out)
    assert "vern.core.retention.apply_retention: 1" in out.getvalue()
    assert remaining(old) == [False]


# A type registered from a test, to show the anonymising path: the report is
# kept, its text blanked, and counted under a category of its own choosing.
def _blank(queryset) -> int:
    return queryset.update(message="")


ANONYMISED_REPORTS = RetentionType(
    code="tests.anonymised_report",
    model="directory.ErrorReport",
    closed_field="handled_at",
    municipality_field="service__owner",
    default_months=3,
    action="anonymise",
    anonymise=_blank,
    pending=Q(message=""),
    category=lambda r: "national" if r.service.is_national else "local",
)


@pytest.fixture
def anonymising(settings):
    settings.VERN_RETENTION_TYPES = ["tests.core.test_retention.ANONYMISED_REPORTS"]


def test_an_anonymised_type_keeps_the_record_without_its_text(home, other, anonymising):
    ours = ServiceFactory(owner=home)
    old = report(ours, handled=date(2026, 5, 1), message="Ola Nordmann ringte fra 99999999")
    fresh = report(ours, handled=date(2026, 7, 1), message="Nytt")
    theirs = report(ServiceFactory(owner=other), handled=date(2026, 5, 1), message="Kari")

    assert apply_retention(today=TODAY) == 2
    assert ErrorReport.objects.for_system("test").get(pk=old.pk).message == ""
    assert ErrorReport.objects.for_system("test").get(pk=fresh.pk).message == "Nytt"
    assert ErrorReport.objects.for_system("test").get(pk=theirs.pk).message == ""
    assert set(
        RetentionCount.objects.values_list("municipality_id", "record_type", "category", "count")
    ) == {
        (home.pk, "tests.anonymised_report", "local", 1),
        (other.pk, "tests.anonymised_report", "local", 1),
    }
    assert (
        AuditEntry.objects.for_system("test")
        .filter(code="core.retention.anonymised", object_id=str(old.pk))
        .values_list("municipality_id", flat=True)
        .get()
        == home.pk
    )
    # Already anonymised: left alone, not counted again.
    assert apply_retention(today=TODAY) == 0
    assert sum(RetentionCount.objects.values_list("count", flat=True)) == 2


def _category_failing_on_boom(record) -> str:
    if record.message == "boom":
        raise RuntimeError("category broke")
    return "local"


FLAKY_REPORTS = RetentionType(
    code="tests.flaky_report",
    model="directory.ErrorReport",
    closed_field="handled_at",
    municipality_field="service__owner",
    default_months=3,
    action="anonymise",
    anonymise=_blank,
    pending=Q(message=""),
    category=_category_failing_on_boom,
)


def test_a_record_that_fails_is_left_whole_and_the_others_go_on(home, settings, caplog):
    settings.VERN_RETENTION_TYPES = ["tests.core.test_retention.FLAKY_REPORTS"]
    service = ServiceFactory(owner=home)
    first = report(service, handled=date(2026, 4, 1), message="boom")
    second = report(service, handled=date(2026, 4, 2), message="andre")

    # The others go on; the job then reports the failure (`vern tick` exits 1).
    with pytest.raises(JobFailed) as failed:
        apply_retention(today=TODAY)
    assert (failed.value.done, failed.value.failed) == (1, 1)
    assert "category broke" in caplog.text
    # The failing record's anonymisation was rolled back with its count and entry.
    assert ErrorReport.objects.for_system("test").get(pk=first.pk).message == "boom"
    assert ErrorReport.objects.for_system("test").get(pk=second.pk).message == ""
    assert (
        not AuditEntry.objects.for_system("test")
        .filter(code="core.retention.anonymised", object_id=str(first.pk))
        .exists()
    )
    assert RetentionCount.objects.get().count == 1


def test_a_type_must_say_how_it_anonymises():
    with pytest.raises(ValueError):
        RetentionType(
            code="x",
            model="directory.ErrorReport",
            closed_field="handled_at",
            municipality_field="service__owner",
            default_months=1,
            action="anonymise",
        )


def test_a_type_has_a_period_in_months_or_in_days_not_both():
    from vern.core.retention import RetentionType

    common = {
        "code": "x.y",
        "model": "consultations.Concern",
        "closed_field": "created_at",
        "municipality_field": "municipality",
    }
    with pytest.raises(ValueError):
        RetentionType(**common)
    with pytest.raises(ValueError):
        RetentionType(**common, default_months=1, default_days=30)
    assert RetentionType(**common, default_days=30).default_days == 30
