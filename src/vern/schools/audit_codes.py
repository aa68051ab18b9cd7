"""The schools app's audit codes and detail keys (see audit/codes.py)."""

from django.utils.translation import gettext_lazy as _

from vern.audit.codes import register, register_detail_key

register("schools.schoolyear.save", _("School start saved"))
register("schools.template.save", _("No-show routine changed"))
register("schools.noshowcase.create", _("No-show case opened"))
register("schools.noshowcase.step_recorded", _("Step of a no-show case recorded"))
register("schools.noshowcase.close", _("No-show case closed"))
register("schools.noshowcase.read", _("Viewed a no-show case"), reads="schools.noshowcase")
register("schools.signal.create", _("Negative social control signal registered"))
register("schools.signal.talk", _("Conversation about a signal documented"))
register("schools.signal.to_team", _("Signal brought to the consultation team anonymously"))
register(
    "schools.signal.read", _("Viewed a negative social control signal"), reads="schools.signal"
)

register_detail_key("school", _("School"), kind="unit")
register_detail_key("first_day", _("First day absent"))
register_detail_key("step", _("Step"))
register_detail_key("outcome", _("Outcome"))
register_detail_key("starts_on", _("First school day"))
register_detail_key("steps", _("Steps"))
register_detail_key("activity", _("Kept from"))
register_detail_key("talk", _("Conversation"))
register_detail_key("held_on", _("Held on"))
