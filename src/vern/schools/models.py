"""Schools: the routine for pupils who do not turn up when school starts (B4),
and signs of negative social control (F9).

A school is a ``core.Unit`` of kind ``school``. Its school contacts hold the
school-contact role for that unit, its principal the administrator role for
that unit. Both kinds of case belong to the school (``UnitRecord``) and hold
the minimum about the pupil, encrypted at rest.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vern.core.fields import EncryptedTextField
from vern.core.models import MunicipalRecord, PersonalData, Role, TenantQuerySet, UnitRecord

# Who can answer for a step of the no-show routine: the school's contacts, its
# principal (the administrator role held for the school) or the coordinator.
STEP_ROLE_CHOICES = [
    (Role.SCHOOL_CONTACT.value, _("School contact")),
    (Role.ADMIN.value, _("Principal")),
    (Role.COORDINATOR.value, _("Coordinator")),
]


class SchoolYear(MunicipalRecord):
    """The first day of one school year in a municipality."""

    year = models.PositiveSmallIntegerField(
        _("school year starting in"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    starts_on = models.DateField(_("first school day"))

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="schools_schoolyear_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}–{self.year + 1}"


class RoutineStepTemplate(MunicipalRecord):
    """One step of a municipality's own no-show routine.

    A municipality without rows uses the default routine
    (``vern.schools.routine.DEFAULT_STEPS``); the steps are copied into each
    case's routine when the case is opened, so later changes do not move the
    deadlines of cases already running.
    """

    position = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("what to do"), max_length=200)
    role = models.CharField(_("responsible"), max_length=20, choices=STEP_ROLE_CHOICES)
    days = models.PositiveSmallIntegerField(
        _("deadline in working days after the first school day"),
        validators=[MaxValueValidator(30)],
        help_text=_("0 is the same day."),
    )

    class Meta:
        ordering = ["position"]
        verbose_name = _("routine step")
        verbose_name_plural = _("routine steps")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "position"], name="schools_template_position_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title


class NoShowCase(PersonalData, UnitRecord):
    """A pupil who was not present on the first school day.

    ``unit`` is the school. The routine's steps are ``core.Step`` rows (the
    routine engine); what was done at each step is a ``StepRecord``.
    """

    class Reason(models.TextChoices):
        ARRIVED = "arrived", _("The pupil arrived")
        MOVED = "moved", _("Moved, new school confirmed")
        ILLNESS = "illness", _("Illness")
        TRAVEL = "travel", _("Documented travel")
        REPORTED = "reported", _("Unresolved: reported to child welfare and/or the police")

    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="cases", verbose_name=_("school year")
    )
    pupil_name = EncryptedTextField(_("pupil's name"))
    pupil_class = EncryptedTextField(_("class"))
    guardians_contact = EncryptedTextField(_("guardians' contact details"))
    first_day = models.DateField(_("first day absent"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The form's one-time token: a second submission of the same form finds
    # this case instead of opening another.
    submission = models.UUIDField(default=uuid.uuid4, editable=False)
    closing_reason = models.CharField(
        _("outcome"), max_length=20, choices=Reason.choices, blank=True
    )
    new_school = models.CharField(_("new school"), max_length=200, blank=True)
    new_school_confirmed_on = models.DateField(_("new school confirmed on"), null=True, blank=True)
    child_welfare_reported_on = models.DateField(
        _("reported to child welfare on"), null=True, blank=True
    )
    police_reported_on = models.DateField(_("reported to the police on"), null=True, blank=True)
    closing_note = EncryptedTextField(_("note"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-first_day", "-pk"]
        verbose_name = _("no-show case")
        verbose_name_plural = _("no-show cases")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "submission"], name="schools_noshowcase_submission_once"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(closing_reason=""),
                name="schools_noshowcase_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(closing_reason="moved") | Q(new_school_confirmed_on__isnull=False),
                name="schools_noshowcase_moved_needs_confirmation",
            ),
            models.CheckConstraint(
                condition=~Q(closing_reason="reported")
                | Q(child_welfare_reported_on__isnull=False)
                | Q(police_reported_on__isnull=False),
                name="schools_noshowcase_reported_needs_date",
            ),
        ]

    def __str__(self) -> str:
        return str(_("No-show %(date)s") % {"date": self.first_day.isoformat()})

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


def drop_routine_steps(sender, instance: NoShowCase, **kwargs) -> None:
    """Delete the routine engine's steps of a deleted case (they name who did them)."""
    from vern.core.models import Step

    Step.objects.for_system(reason="the steps of a no-show case being deleted").filter(
        subject_type=instance._meta.label_lower, subject_id=str(instance.pk)
    ).delete()


class StepRecordQuerySet(TenantQuerySet):
    tenant_field = "case__municipality"


class StepRecord(PersonalData):
    """What was done at one step of a case's routine: who, when, the outcome."""

    case = models.ForeignKey(NoShowCase, on_delete=models.CASCADE, related_name="records")
    step_code = models.CharField(max_length=60)
    done_on = models.DateField(_("done on"))
    outcome = EncryptedTextField(_("outcome"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = StepRecordQuerySet.as_manager()

    class Meta:
        ordering = ["done_on", "pk"]
        verbose_name = _("step record")
        verbose_name_plural = _("step records")
        constraints = [
            models.UniqueConstraint(fields=["case", "step_code"], name="schools_steprecord_once")
        ]

    def __str__(self) -> str:
        return self.step_code


class NoShowStatistic(MunicipalRecord):
    """How many no-show cases of a school year closed with each outcome.

    Anonymous (no school, no pupil) and counted when a case is closed, so the
    figures stay when retention deletes the cases.
    """

    year = models.PositiveSmallIntegerField(_("school year starting in"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=NoShowCase.Reason.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-year", "outcome"]
        verbose_name = _("no-show statistic")
        verbose_name_plural = _("no-show statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "outcome"], name="schools_statistic_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.outcome}: {self.count}"


class Signal(PersonalData, UnitRecord):
    """A sign of negative social control: a pupil kept from an activity (F9).

    The routine: separate conversations with the pupil and with the parents,
    led by the school's leadership, each documented with its date.
    """

    class Activity(models.TextChoices):
        SWIMMING = "swimming", _("Swimming lessons")
        SPORTS = "sports", _("Sports or physical education")
        CAMP = "camp", _("Camp school or overnight trip")
        TRIP = "trip", _("School trip or excursion")
        OTHER = "other", _("Other school activity")

    pupil_name = EncryptedTextField(_("pupil's name"))
    pupil_class = EncryptedTextField(_("class"))
    activity = models.CharField(_("kept from"), max_length=20, choices=Activity.choices)
    observed_on = models.DateField(_("when it happened"))
    description = EncryptedTextField(_("what happened"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submission = models.UUIDField(default=uuid.uuid4, editable=False)
    pupil_talk_on = models.DateField(_("conversation with the pupil"), null=True, blank=True)
    pupil_talk_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pupil_talk_note = EncryptedTextField(_("what came out of it"), blank=True)
    parents_talk_on = models.DateField(_("conversation with the parents"), null=True, blank=True)
    parents_talk_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    parents_talk_note = EncryptedTextField(_("what came out of it"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-observed_on", "-pk"]
        verbose_name = _("negative social control signal")
        verbose_name_plural = _("negative social control signals")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "submission"], name="schools_signal_submission_once"
            )
        ]

    def __str__(self) -> str:
        return str(_("Signal %(date)s") % {"date": self.observed_on.isoformat()})
