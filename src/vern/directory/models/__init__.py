from vern.directory.models.editorial import ErrorReport, PendingChange, ServiceRevision, Synonym
from vern.directory.models.pages import GuidePage
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
    "GuidePage",
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
