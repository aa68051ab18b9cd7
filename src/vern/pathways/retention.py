"""What pathways keep for a limited time (``settings.VERN_RETENTION_TYPES``).

A closed pathway is anonymised after the municipality's period (default 24
months): the journal number, initials, year of birth and every free text are
blanked, consents and the access list are deleted, the link to another pathway
is cut. What is left (kind, priority, stage, dates, outcome, need areas and
their assessments, referrals' services and statuses, protective orders' types
and dates) names nobody and keeps the figures reports need.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from vern.core.models import RecordAccess
from vern.core.retention import RetentionType

RETENTION = "vern tick: anonymising a closed pathway past its period"


def anonymise(queryset) -> int:
    from vern.pathways.models import (
        Consent,
        DeliveryStep,
        Event,
        Need,
        Pathway,
        Referral,
        ReleaseFollowUp,
    )

    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0
    changed = queryset.update(
        journal_number="",
        initials="",
        birth_year=None,
        notes="",
        outcome_note="",
        linked=None,
        anonymised_at=timezone.now(),
    )
    Pathway.objects.for_system(reason=RETENTION).filter(linked_id__in=ids).update(linked=None)
    Consent.objects.for_system(reason=RETENTION).filter(pathway_id__in=ids).delete()
    Need.objects.for_system(reason=RETENTION).filter(pathway_id__in=ids).update(note="")
    DeliveryStep.objects.for_system(reason=RETENTION).filter(pathway_id__in=ids).update(task="-")
    Referral.objects.for_system(reason=RETENTION).filter(pathway_id__in=ids).update(
        letter="", override_reason=""
    )
    ReleaseFollowUp.objects.for_system(reason=RETENTION).filter(pathway_id__in=ids).update(
        risk_factors="", vulnerability=""
    )
    Event.objects.for_system(reason=RETENTION).filter(pathway_id__in=ids).update(
        actor=None, detail=""
    )
    RecordAccess.objects.for_system(reason=RETENTION).filter(
        record_type="pathways.pathway", record_id__in=[str(pk) for pk in ids]
    ).delete()
    return changed


def category(pathway) -> str:
    return f"{pathway.kind}:{pathway.outcome}"


PATHWAYS = RetentionType(
    code="pathways.pathway",
    model="pathways.Pathway",
    closed_field="closed_at",
    municipality_field="municipality",
    default_months=24,
    action="anonymise",
    anonymise=anonymise,
    pending=Q(anonymised_at__isnull=False),
    category=category,
)
