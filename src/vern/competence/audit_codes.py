"""The competence app's audit codes and detail keys (see audit/codes.py)."""

from django.utils.translation import gettext_lazy as _

from vern.audit.codes import register, register_detail_key

register("competence.dutyguide.save", _("Duty guide saved as a new version"))
register("competence.dutyguide.reviewed", _("Duty guide marked as reviewed"))

register_detail_key("rule", _("Rule"))
register_detail_key("reviewed_on", _("Last reviewed"))
register("competence.course.create", _("Course created"))
register("competence.course.update", _("Course changed"))
register("competence.course.expiry_reminded", _("Reminder sent about training running out"))
register("competence.employee.create", _("Employee added to the training register"))
register("competence.employee.update", _("Employee changed in the training register"))
register("competence.employee.read", _("Viewed training records"), reads="competence.employee")
register("competence.completion.create", _("Course completion recorded"))
register("competence.completion.update", _("Course completion changed"))
register("competence.completion.delete", _("Course completion deleted"))
register(
    "competence.completion.read", _("Viewed course completions"), reads="competence.completion"
)
register("competence.import.upload", _("Training file uploaded"))
register("competence.import.run", _("Training file imported"))
register(
    "competence.completionimport.read",
    _("Viewed an uploaded training file"),
    reads="competence.completionimport",
)
register("competence.professionalday.create", _("Professional day created"))
register("competence.professionalday.update", _("Professional day changed"))
register("competence.attendance.update", _("Attendance at a professional day recorded"))
register(
    "competence.attendance.read",
    _("Viewed attendance at a professional day"),
    reads="competence.attendance",
)

register_detail_key("imported", _("Imported"))
register_detail_key("already", _("Already recorded"))
register_detail_key("left_out", _("Left out"))
register_detail_key("added", _("Added"))
register_detail_key("removed", _("Removed"))
register_detail_key("encoding", _("Encoding"))
register_detail_key("rows", _("Rows"))
register_detail_key("course", _("Course"))
register_detail_key("expiring", _("Running out"))
register("competence.questionguide.save", _("Question guide saved"))
register("competence.conversations.set", _("Number of conversations recorded"))
register_detail_key("setting", _("Setting"))
register_detail_key("quarter", _("Quarter"))
register_detail_key("held", _("Held"))
