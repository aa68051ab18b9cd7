from vern.core.models.municipality import Municipality, Unit
from vern.core.models.scoping import (
    MunicipalRecord,
    PersonalData,
    ScopedQuerySet,
    TenantQuerySet,
    UnscopedQuery,
)
from vern.core.models.users import (
    MUNICIPAL_ROLES,
    STAFF_ROLES,
    Invitation,
    Membership,
    Role,
    User,
)

__all__ = [
    "MUNICIPAL_ROLES",
    "STAFF_ROLES",
    "Invitation",
    "Membership",
    "MunicipalRecord",
    "Municipality",
    "PersonalData",
    "Role",
    "ScopedQuerySet",
    "TenantQuerySet",
    "Unit",
    "UnscopedQuery",
    "User",
]
