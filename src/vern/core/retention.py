"""Retention: delete or anonymise records closed more than N months ago.

An app registers each kind of record it keeps for a limited time as a
``RetentionType`` and lists its dotted path in ``settings.VERN_RETENTION_TYPES``
(core imports no feature app). ``apply_retention``, a ``vern tick`` job,
then handles every type the same way:

* the period is the municipality's ``RetentionPeriod`` for the type, else the
  type's ``default_months``;
* each record closed before the cut-off is removed on its own, in its own
  transaction: one ``RetentionCount`` row per municipality, type, month of
  closing and category is counted up (the anonymous figure reports keep),
  one audit entry is written, and the record is deleted or anonymised;
* the deletion or anonymisation is itself the claim (a conditional DELETE
  or UPDATE), so two runs at once never count a record twice;
* a record that fails is logged and left whole (its transaction is rolled
  back); the rest go on, and the job then raises ``JobFailed``
  (``core/jobs.py``), so ``vern tick`` runs its other jobs and exits 1;
* each record's transaction takes the audit chain lock first
  (``lock_chain``), before the row it claims, like every other write service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from vern.core.audit_port import lock_chain, log_action
from vern.core.jobs import ItemFailures
from vern.core.models import RetentionCount, RetentionPeriod, TenantQuerySet


@dataclass(frozen=True)
class RetentionType:
    """What an app tells the retention helper about one kind of record.

    ``code``: the name used in settings, counts and the audit log
    ("directory.errorreport"). ``model``: the model label. ``closed_field``:
    the date or time the record was closed; records with it empty are never
    touched. ``municipality_field``: the lookup to the owning municipality's
    id (empty value: a national record). ``anonymise``: for ``action =
    "anonymise"``, a function given a queryset holding the one record that
    blanks its personal data with ``.update()`` and returns the rows changed;
    ``pending`` then excludes records already anonymised. ``category``:
    optionally, a function giving the anonymous category a record is counted
    under (never anything that names a person). ``only``: optionally, the
    records of the model the type covers (drafts, not sent ones); checked again
    in the claim, so a record that left it meanwhile is kept. ``default_days``:
    a default period counted in days instead of ``default_months`` (a record
    not finished within weeks); a municipality's own period is in months.
    """

    code: str
    model: str
    closed_field: str
    municipality_field: str
    default_months: int = 0
    action: str = "delete"
    anonymise: Callable[[models.QuerySet], int] | None = None
    pending: models.Q | None = None
    category: Callable[[models.Model], str] | None = None
    only: models.Q | None = None
    default_days: int | None = None

    def __post_init__(self) -> None:
        if (self.default_days is None) == (self.default_months <= 0):
            raise ValueError("give default_months or default_days, not both")
        if self.action not in ("delete", "anonymise"):
            raise ValueError("action is 'delete' or 'anonymise'")
        if self.action == "anonymise" and (self.anonymise is None or self.pending is None):
            raise ValueError("An anonymised type needs anonymise and pending")

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


# Retention runs in ``vern tick`` for every municipality's records.
RETENTION = "vern tick: retention of records closed long ago"


def _every_row(model: type[models.Model]) -> models.QuerySet:
    """The model's rows across municipalities (scoped as the system's, where it must be)."""
    queryset = model._default_manager.all()
    if isinstance(queryset, TenantQuerySet):
        return queryset.for_system(reason=RETENTION)
    return queryset


def registered_types() -> list[RetentionType]:
    return [import_string(path) for path in settings.VERN_RETENTION_TYPES]


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day if shorter)."""
    import calendar as stdlib_calendar

    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last = stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def _cutoff(kind: RetentionType, months: int | None, today: date):
    """Records closed before this are due. A date for date fields, else midnight, local time.

    ``months=None``: the type's ``default_days``."""
    day = (
        today - timedelta(days=kind.default_days)
        if months is None
        else months_before(today, months)
    )
    field = kind.model_class._meta.get_field(kind.closed_field)
    if isinstance(field, models.DateTimeField):
        return timezone.make_aware(datetime.combine(day, time.min))
    return day


def _count(kind: RetentionType, record: models.Model, municipality_id: int | None) -> None:
    closed = getattr(record, kind.closed_field)
    if isinstance(closed, datetime):
        closed = timezone.localtime(closed).date()
    month = closed.replace(day=1)
    category = kind.category(record) if kind.category else ""
    key = {
        "municipality_id": municipality_id,
        "record_type": kind.code,
        "month": month,
        "category": category,
    }
    if not RetentionCount.objects.filter(**key).update(count=F("count") + 1):
        try:
            with transaction.atomic():
                RetentionCount.objects.create(**key, count=1)
        except IntegrityError:
            # Another run created the row between our UPDATE and INSERT.
            RetentionCount.objects.filter(**key).update(count=F("count") + 1)


def _remove(kind: RetentionType, record: models.Model, municipality_id: int | None) -> bool:
    model = kind.model_class
    with transaction.atomic():
        lock_chain()
        one = _every_row(model).filter(pk=record.pk)
        if kind.only is not None:
            one = one.filter(kind.only)
        if kind.action == "delete":
            # Only this table's row counts as the claim; cascades are extra.
            done = one.delete()[1].get(model._meta.label, 0)
        else:
            done = kind.anonymise(one.exclude(kind.pending))
        if not done:
            return False
        _count(kind, record, municipality_id)
        log_action(
            actor=None,
            action="delete" if kind.action == "delete" else "update",
            code="core.retention.deleted"
            if kind.action == "delete"
            else "core.retention.anonymised",
            target=record,
            detail={
                "record_type": kind.code,
                "closed": str(getattr(record, kind.closed_field)),
            },
        )
    return True


def apply_type(kind: RetentionType, *, today: date, failures: ItemFailures) -> int:
    """Remove the records of one type that are past their municipality's period.

    A record that fails is counted in ``failures`` and the others go on.
    """
    model = kind.model_class
    municipality_key = kind.municipality_field
    candidates = _every_row(model).filter(**{f"{kind.closed_field}__isnull": False})
    if kind.action == "anonymise":
        candidates = candidates.exclude(kind.pending)
    if kind.only is not None:
        candidates = candidates.filter(kind.only)
    default = None if kind.default_days is not None else kind.default_months
    own = dict(
        RetentionPeriod.objects.filter(record_type=kind.code).values_list(
            "municipality_id", "months"
        )
    )
    batches = [
        candidates.filter(**{f"{kind.closed_field}__lt": _cutoff(kind, default, today)}).exclude(
            **{f"{municipality_key}__in": list(own)}
        )
    ]
    for municipality_id, months in own.items():
        batches.append(
            candidates.filter(
                **{
                    municipality_key: municipality_id,
                    f"{kind.closed_field}__lt": _cutoff(kind, months, today),
                }
            )
        )
    removed = 0
    for batch in batches:
        for record in batch.annotate(_retention_municipality=F(municipality_key)).order_by("pk"):
            with failures.item(f"{kind.code} {record.pk}"):
                if _remove(kind, record, record._retention_municipality):
                    removed += 1
    return removed


def apply_retention(*, today: date) -> int:
    """The ``vern tick`` job: every registered type; returns the records removed.

    Raises ``JobFailed`` at the end if any record failed.
    """
    failures = ItemFailures("apply_retention")
    removed = sum(apply_type(kind, today=today, failures=failures) for kind in registered_types())
    return failures.result(removed)
