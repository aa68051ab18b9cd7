from vern.core.models.municipality import Municipality, Unit
from vern.core.models.records import AccessListed, RecordAccess, UnitRecord
from vern.core.models.routines import (
    Notification,
    RetentionCount,
    RetentionPeriod,
    RoutineSettings,
    Step,
)
from vern.core.models.scoping import MunicipalRecord, ScopedQuerySet
from vern.core.models.users import (
    MUNICIPAL_ROLES,
    STAFF_ROLES,
    Invitation,
    Membership,
    Role,
    User,
)
from vern.core.models.versioned import VersionedRecord

__all__ = [
    "MUNICIPAL_ROLES",
    "STAFF_ROLES",
    "AccessListed",
    "Invitation",
    "Membership",
    "MunicipalRecord",
    "Municipality",
    "Notification",
    "RecordAccess",
    "RetentionCount",
    "RetentionPeriod",
    "Role",
    "RoutineSettings",
    "ScopedQuerySet",
    "Step",
    "Unit",
    "UnitRecord",
    "User",
    "VersionedRecord",
]
