from vern.pathways.models.orders import ProtectiveOrder, ReleaseFollowUp
from vern.pathways.models.pathway import (
    AREAS,
    Consent,
    DeliveryStep,
    Event,
    Need,
    Pathway,
    PathwayQuerySet,
    PathwaySettings,
)
from vern.pathways.models.referral import Referral

__all__ = [
    "AREAS",
    "Consent",
    "DeliveryStep",
    "Event",
    "Need",
    "Pathway",
    "PathwayQuerySet",
    "PathwaySettings",
    "ProtectiveOrder",
    "Referral",
    "ReleaseFollowUp",
]
