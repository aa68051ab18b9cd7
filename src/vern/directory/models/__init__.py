from vern.directory.models.editorial import ErrorReport, PendingChange, ServiceRevision, Synonym
from vern.directory.models.services import (
    Location,
    Organization,
    OrganizationEditor,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCard,
    ServiceLanguage,
    ServiceTranslation,
    Taxonomy,
    TaxonomyTerm,
)

__all__ = [
    "ErrorReport",
    "Location",
    "Organization",
    "OrganizationEditor",
    "PendingChange",
    "Phone",
    "Schedule",
    "Service",
    "ServiceAtLocation",
    "ServiceCard",
    "ServiceLanguage",
    "ServiceRevision",
    "ServiceTranslation",
    "Synonym",
    "Taxonomy",
    "TaxonomyTerm",
]
