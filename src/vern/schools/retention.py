"""What the schools app keeps for a limited time (``settings.VERN_RETENTION_TYPES``).

A closed no-show case, with its step records, is deleted 12 months after it
was closed (a municipality may set another period, ``core.RetentionPeriod``);
so is a signal once both conversations are documented. The yearly figures
stay in ``NoShowStatistic``, and retention counts each deleted case under its
outcome.
"""

from __future__ import annotations

from vern.core.retention import RetentionType

NO_SHOW_CASES = RetentionType(
    code="schools.noshowcase",
    model="schools.NoShowCase",
    closed_field="closed_at",
    municipality_field="municipality",
    default_months=12,
    category=lambda case: case.closing_reason,
)

SIGNALS = RetentionType(
    code="schools.signal",
    model="schools.Signal",
    closed_field="closed_at",
    municipality_field="municipality",
    default_months=12,
)
