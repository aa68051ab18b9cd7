"""What the directory keeps for a limited time (``settings.VERN_RETENTION_TYPES``)."""

from __future__ import annotations

from vern.core.retention import RetentionType

# A handled error report has done its work; its text may still hold personal
# data despite the form's advice. Six months leaves time to see a pattern;
# the counts per month stay.
ERROR_REPORTS = RetentionType(
    code="directory.errorreport",
    model="directory.ErrorReport",
    closed_field="handled_at",
    municipality_field="service__owner",
    default_months=6,
)
