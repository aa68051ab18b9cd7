"""The audit log's own codes: reading it (see audit/codes.py)."""

from django.utils.translation import gettext_lazy as _

from vern.audit.codes import register, register_detail_key

register("audit.auditentry.read", _("Viewed an audit entry"), reads="audit.auditentry")
register("audit.log.search", _("Searched the audit log"))

register_detail_key("path", _("Page"))
register_detail_key("query", _("Query"))
register_detail_key("filters", _("Search"))
register_detail_key("action", _("Action"), kind="action")
register_detail_key("code", _("Event"), kind="code")
register_detail_key("person", _("Person"))
register_detail_key("date_from", _("From date"))
register_detail_key("date_to", _("To date"))
