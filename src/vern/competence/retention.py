"""What competence keeps for a limited time (``settings.VERN_RETENTION_TYPES``)."""

from __future__ import annotations

from vern.core.retention import RetentionType

# An uploaded training file holds names and employee numbers. Its text is blanked when
# it is imported; an upload left unimported, and the import's counts, go after a month.
IMPORTS = RetentionType(
    code="competence.completionimport",
    model="competence.CompletionImport",
    closed_field="created_at",
    municipality_field="municipality",
    default_months=1,
)
