"""The consultation team's audit codes and detail keys (see audit/codes.py)."""

from django.utils.translation import gettext_lazy as _

from vern.audit.codes import register, register_detail_key

register("consultations.team.create", _("Consultation team created"))
register("consultations.team.update", _("Consultation team changed"))
register("consultations.meeting.scheduled", _("Consultation team meetings scheduled"))
register("consultations.member.add", _("Member added to a consultation team"))
register("consultations.member.remove", _("Member removed from a consultation team"))
register(
    "consultations.teammember.read",
    _("Viewed a consultation team's members"),
    reads="consultations.teammember",
)
register("consultations.calendar.create", _("Private calendar address made"))
register("consultations.calendar.revoke", _("Private calendar address revoked"))
register("consultations.concern.create", _("Concern submitted to a consultation team"))
register("consultations.concern.draft", _("Draft concern made"))
register("consultations.concern.read", _("Viewed a concern"), reads="consultations.concern")
register("consultations.concern.follow_up_reminded", _("Reminder sent about a concern's follow-up"))
register("consultations.advice.create", _("Advice recorded on a concern"))
register("consultations.shared.create", _("Information shared with the team recorded"))
register("consultations.action.create", _("Team action agreed"))
register("consultations.action.done", _("Team action done"))

register_detail_key("team", _("Team"))
register_detail_key("agency", _("Agency"))
register_detail_key("team_role", _("Role on the team"))
register_detail_key("meetings", _("Meetings"))
register_detail_key("concern_level", _("Concern level"))
register_detail_key("recommendations", _("Recommended actions"))
register_detail_key("follow_up_on", _("Follow-up date"))
register_detail_key("basis", _("Legal basis"))
register_detail_key("origin", _("Origin"))
register_detail_key("member", _("Member"), kind="user")
register("consultations.meeting.cancel", _("Consultation team meeting cancelled"))
register("consultations.meeting.move", _("Consultation team meeting moved"))
register("consultations.meeting.notified", _("Team members told of a changed meeting"))
register("consultations.concern.place", _("Concern put on a meeting's agenda"))
register("consultations.concern.draft_delete", _("Draft concern deleted"))
register_detail_key("concerns_moved", _("Concerns moved"))
