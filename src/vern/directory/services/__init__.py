"""Writes for the directory.

Every change to a service goes through ``service_save`` (or a function that
calls it): one transaction, validation, a revision in the history, the search
index refreshed and an audit entry. Mail goes out after commit.

Organisation editors (a crisis centre, an NGO) do not write: their edits are
stored as a ``PendingChange`` and go live through ``service_save`` when the
directory owner approves them.

The writes live in ``entries`` (services, organisations, locations),
``editors`` (organisation editors and their proposed changes) and
``feedback`` (error reports and search synonyms); this package re-exports
what the rest of Vern uses.
"""

from vern.directory.services.editors import (
    PROPOSABLE_FIELDS,
    PROPOSABLE_RELATED,
    org_editor_role_drop_if_unused,
    organization_editor_invite,
    organization_editor_remove,
    owner_emails,
    pending_change_approve,
    pending_change_propose,
    pending_change_reject,
    related_values,
)
from vern.directory.services.entries import (
    TRACKED_FIELDS,
    ServiceRelated,
    _plain,
    location_save,
    organization_save,
    related_snapshot,
    service_create,
    service_save,
    service_save_audit_later,
    service_update,
    service_verify,
    snapshot,
    version_values,
)
from vern.directory.services.feedback import (
    error_report_create,
    error_report_handle,
    synonyms_update,
)
from vern.directory.services.pages import guide_page_delete, guide_page_save

__all__ = [
    "PROPOSABLE_FIELDS",
    "PROPOSABLE_RELATED",
    "TRACKED_FIELDS",
    "ServiceRelated",
    "_plain",
    "error_report_create",
    "error_report_handle",
    "guide_page_delete",
    "guide_page_save",
    "location_save",
    "org_editor_role_drop_if_unused",
    "organization_editor_invite",
    "organization_editor_remove",
    "organization_save",
    "owner_emails",
    "pending_change_approve",
    "pending_change_propose",
    "pending_change_reject",
    "related_snapshot",
    "related_values",
    "service_create",
    "service_save",
    "service_save_audit_later",
    "service_update",
    "service_verify",
    "snapshot",
    "synonyms_update",
    "version_values",
]
