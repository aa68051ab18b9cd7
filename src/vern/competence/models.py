"""Competence: the duty guide's municipal versions, courses, completions and
professional days.

The duty guide's content is a JSON document (see ``duty_guide.py``); the shipped
default lives in ``data/duty_guide.json`` and a municipality's own edits are saved as
numbered versions here, never overwritten, so the history of what staff were told
stays readable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vern.core.fields import EncryptedTextField
from vern.core.models import MunicipalRecord, PersonalData, TenantQuerySet, Unit, UnitRecord


class DutyGuideVersion(MunicipalRecord):
    """One saved version of a municipality's duty guide (the newest is shown)."""

    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    reviewed_on = models.DateField(_("last reviewed"))
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now_add=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"], name="competence_guide_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} v{self.number}"


class Course(MunicipalRecord):
    """A course in the municipality's catalogue, valid for a number of months."""

    class Topic(models.TextChoices):
        DUTY_TO_AVERT = "duty_to_avert", _("The duty to avert")
        DUTY_TO_INFORM = "duty_to_inform", _("The duty to inform")
        CONFIDENTIALITY = "confidentiality", _("Confidentiality and its exceptions")
        VIOLENCE = "violence", _("How violence and control work")
        VICTIMS_RIGHTS = "victims_rights", _("Victims' rights")
        HONOUR = "honour", _("Honour-related violence and negative social control")
        ASKING = "asking", _("Asking about violence")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=200)
    code = models.CharField(
        _("course code"),
        max_length=40,
        help_text=_("The code or name the learning platform uses, for matching imported rows."),
    )
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    description = models.TextField(_("description"), blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty if the course does not need to be repeated."),
    )
    target_kinds = models.JSONField(_("for units of kind"), default=list, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    # The Monday of the week whose expiry reminder went out (claimed by vern tick).
    expiry_reminded_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code"], name="competence_course_unique_code"
            ),
            models.CheckConstraint(
                condition=models.Q(validity_months__isnull=True) | models.Q(validity_months__gt=0),
                name="competence_course_validity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def targets(self, kind: str) -> bool:
        return not self.target_kinds or kind in self.target_kinds


class Employee(PersonalData, UnitRecord):
    """A member of staff whose training is recorded (not necessarily a Vern user)."""

    full_name = models.CharField(_("name"), max_length=200)
    employee_number = models.CharField(_("employee number"), max_length=40)
    email = models.EmailField(_("e-mail address"), blank=True)
    front_line = models.BooleanField(
        _("front-line staff"),
        default=True,
        help_text=_("Meets children, young people or adults who may be exposed to violence."),
    )
    active = models.BooleanField(_("employed"), default=True)

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "employee_number"],
                name="competence_employee_unique_number",
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class CompletionQuerySet(TenantQuerySet):
    tenant_field = "employee__municipality"


class Completion(PersonalData):
    """An employee completed a course on a date; valid until ``expires_on`` (or for ever)."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        IMPORT = "import", _("Imported from a file")
        PROFESSIONAL_DAY = "professional_day", _("Professional day")

    unit_field = "employee__unit"

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField(_("completed on"))
    expires_on = models.DateField(_("valid until"), null=True, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CompletionQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "course", "completed_on"],
                name="competence_completion_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.course_id} {self.completed_on}"


class ProfessionalDay(MunicipalRecord):
    """A professional day (for example a yearly "violence week") with its programme."""

    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    programme = models.TextField(_("programme"))
    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("counts as the course"),
        help_text=_("Attending the day is recorded as a completion of this course."),
    )

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return self.title


class AttendanceQuerySet(TenantQuerySet):
    tenant_field = "day__municipality"


class Attendance(PersonalData):
    """An employee attended a professional day."""

    day = models.ForeignKey(ProfessionalDay, on_delete=models.CASCADE, related_name="attendance")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "employee"], name="competence_attendance_unique")
        ]


class CompletionImport(PersonalData, MunicipalRecord):
    """An uploaded learning-platform export between upload and import.

    The decoded text is kept (encrypted) only until the import is done or abandoned;
    ``vern tick`` deletes imports older than a day (``retention.py``).
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        IMPORTED = "imported", _("Imported")

    filename = models.CharField(max_length=200)
    encoding = models.CharField(max_length=20)
    text = EncryptedTextField()
    mapping = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    imported = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class Setting(models.TextChoices):
    """Routine conversations where staff should ask about violence (measure F9)."""

    HEALTH_STATION = "health_station", _("Health station consultation")
    SCHOOL_NURSE = "school_nurse", _("School nurse conversation")
    TEACHER_PUPIL = "teacher_pupil", _("Teacher–pupil conversation")
    STAFF_APPRAISAL = "staff_appraisal", _("Staff appraisal")


class QuestionGuide(MunicipalRecord):
    """A municipality's own question guide for one setting (else the shipped one)."""

    setting = models.CharField(_("setting"), max_length=30, choices=Setting.choices)
    introduction = models.TextField(_("introduction"))
    questions = models.TextField(_("questions"), help_text=_("One question per line."))
    follow_up = models.TextField(_("if the answer gives cause for concern"))
    reviewed_on = models.DateField(_("last reviewed"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "setting"], name="competence_question_guide_unique"
            )
        ]


class ConversationCount(MunicipalRecord):
    """How many conversations with questions about violence a unit held in a quarter.
    Numbers only: no person is recorded."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    setting = models.CharField(_("setting"), max_length=30, choices=Setting.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    held = models.PositiveIntegerField(_("conversations held"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "setting", "year", "quarter"],
                name="competence_conversation_count_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4),
                name="competence_conversation_quarter_1_4",
            ),
        ]
