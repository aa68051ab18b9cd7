from vern.core.models.municipality import Municipality, Unit
from vern.core.models.records import AccessListed, RecordAccess, UnitRecord
from vern.core.models.scoping import MunicipalRecord, ScopedQuerySet
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
    "AccessListed",
    "Invitation",
    "Membership",
    "MunicipalRecord",
    "Municipality",
    "RecordAccess",
    "Role",
    "ScopedQuerySet",
    "Unit",
    "UnitRecord",
    "User",
]
