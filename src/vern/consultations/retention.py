"""How long the consultation team keeps a concern (``core.retention``).

A closed concern (advice given, no follow-up planned) is deleted, with its
advice and the information shared about it, 24 months after it was closed
unless the municipality sets another period. The team's actions stay, without
the link. ``core.RetentionCount`` keeps how many were deleted per setting, so
yearly figures survive.
"""

from vern.core.retention import RetentionType

CONCERNS = RetentionType(
    code="consultations.concern",
    model="consultations.Concern",
    closed_field="closed_at",
    municipality_field="municipality",
    default_months=24,
    category=lambda concern: concern.setting,
)
