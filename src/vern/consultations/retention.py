"""How long the consultation team keeps a concern (``core.retention``).

A closed concern (advice given, no follow-up planned) is deleted, with its
advice and the information shared about it, 24 months after it was closed
unless the municipality sets another period. The team's actions stay, without
the link. ``core.RetentionCount`` keeps how many were deleted per setting, so
yearly figures survive.

A draft (made from a school's signal, or never sent) that has not been sent
within ``DRAFT_DAYS`` days is deleted: the person has let it go, and an
unsent text about a child should not linger.
"""

from django.db.models import Q

from vern.core.retention import RetentionType

DRAFT_DAYS = 30

CONCERNS = RetentionType(
    code="consultations.concern",
    model="consultations.Concern",
    closed_field="closed_at",
    municipality_field="municipality",
    default_months=24,
    category=lambda concern: concern.setting,
)

DRAFTS = RetentionType(
    code="consultations.concern_draft",
    model="consultations.Concern",
    closed_field="created_at",
    municipality_field="municipality",
    default_days=DRAFT_DAYS,
    only=Q(status="draft"),
    category=lambda concern: concern.origin,
)
