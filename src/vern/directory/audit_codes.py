"""The directory's audit codes and detail keys (see audit/codes.py)."""

from django.utils.translation import gettext_lazy as _

from vern.audit.codes import register, register_detail_key

register("directory.service.create", _("Service created"))
register("directory.service.update", _("Service changed"))
register("directory.service.verified", _("Service verified"))
register("directory.service.reminded", _("Verification reminder sent"))
register("directory.service.overdue_notified", _("Overdue verification notice sent"))
register("directory.service.read", _("Viewed a service"), reads="directory.service")
register(
    "directory.servicerevision.read",
    _("Viewed a service's history"),
    reads="directory.servicerevision",
)
register("directory.organization.create", _("Organisation created"))
register("directory.organization.update", _("Organisation changed"))
register("directory.organization.import", _("Organisation imported"))
register("directory.location.create", _("Location created"))
register("directory.location.update", _("Location changed"))
register("directory.location.import", _("Location imported"))
register("directory.location.read", _("Viewed a location"), reads="directory.location")
register("directory.organizationeditor.create", _("Organisation editor added"))
register("directory.organizationeditor.delete", _("Organisation editor removed"))
register(
    "directory.organizationeditor.read",
    _("Viewed organisation editors"),
    reads="directory.organizationeditor",
)
register("directory.pendingchange.create", _("Change proposed"))
register("directory.pendingchange.approve", _("Proposed change approved"))
register("directory.pendingchange.reject", _("Proposed change rejected"))
register(
    "directory.pendingchange.read", _("Viewed a proposed change"), reads="directory.pendingchange"
)
register("directory.errorreport.handled", _("Error report handled"))
register("directory.errorreport.read", _("Viewed an error report"), reads="directory.errorreport")
register("directory.synonym.create", _("Search synonym added"))
register("directory.synonym.update", _("Search synonym changed"))
register("directory.synonym.delete", _("Search synonym deleted"))
register("directory.export.confidential", _("Export with confidential data"))
register("directory.import", _("Directory imported"))

register("directory.service.editors_removed", _("Editor taken off the organisation's entries"))

register_detail_key("service", _("Service"))
register_detail_key("organization", _("Organisation"))
register_detail_key("confidential", _("Confidential"), kind="bool")
register_detail_key("term", _("Term"))
register_detail_key("expands_to", _("Expands to"))
register_detail_key("format", _("Format"))
register_detail_key("services", _("Services"))
register_detail_key("for", _("For"))
register_detail_key("created", _("Created"))
register_detail_key("updated", _("Updated"))
register_detail_key("unchanged", _("Unchanged"))
register("directory.guidepage.create", _("Guide page written"))
register("directory.guidepage.update", _("Guide page changed"))
register("directory.guidepage.delete", _("Guide page removed"))
