"""Core's audit codes and the detail keys its entries use (see audit/codes.py).

Through ``core.audit_port``: core does not import the audit app.
"""

from django.utils.translation import gettext_lazy as _

from vern.core.audit_port import register, register_detail_key

register("core.unit.create", _("Unit created"))
register("core.unit.update", _("Unit changed"))
register("core.unit.delete", _("Unit deleted"))
register("core.membership.create", _("Role given"))
register("core.membership.update", _("Role changed"))
register("core.membership.delete", _("Role removed"))
register("core.membership.reinvite", _("Invitation sent again"))
register("core.membership.read", _("Viewed users and roles"), reads="core.membership")
register("core.invitation.create", _("Invitation sent"))
register("core.invitation.accept", _("Invitation accepted"))
register("core.invitation.decline", _("Invitation declined"))
register("core.invitation.withdraw", _("Invitation withdrawn"))
register("core.invitation.read", _("Viewed an invitation"), reads="core.invitation")
register("core.user.login", _("Logged in"))
register("core.user.otp_enrolled", _("Two-factor login set up"))
register("core.user.otp_reset", _("Two-factor login reset"))

register("core.recordaccess.grant", _("Added to a record's access list"))
register("core.recordaccess.revoke", _("Removed from a record's access list"))
register("core.retention.deleted", _("Deleted after the retention period"))
register("core.retention.anonymised", _("Anonymised after the retention period"))
register("core.step.create", _("Routine step started"))
register("core.step.complete", _("Routine step done"))
register("core.step.reminded", _("Reminder sent about a routine step"))
register("core.step.escalated_leader", _("Overdue routine step sent to the leader"))
register("core.step.escalated_coordinator", _("Overdue routine step sent to the coordinator"))

register_detail_key("role", _("Role"), kind="role")
register_detail_key("roles", _("Roles"), kind="role")
register_detail_key("unit", _("Unit"), kind="unit")
register_detail_key("user", _("Person"), kind="user")
register_detail_key("invited_by", _("Invited by"), kind="user")
register_detail_key("new_account", _("New account"), kind="bool")
register_detail_key("name", _("Name"))
register_detail_key("before", _("Before"))
register_detail_key("after", _("After"))
register_detail_key("devices", _("Devices removed"))
register_detail_key("fields", _("Fields"))
