"""Routines with deadlines, in-app notifications and retention bookkeeping.

The engine that works on these lives in ``vern.core.routines`` (steps and
notices) and ``vern.core.retention``; the models only hold the data.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from vern.core.models.scoping import MunicipalRecord, PersonalData, TenantQuerySet
from vern.core.models.users import Role
from vern.core.step_titles import step_title

# Working days, at most: a reminder more than two weeks ahead is no reminder.
MAX_REMIND_DAYS = 10


class RoutineSettings(models.Model):
    """A municipality's timing of reminders and of the escalation ladder.

    A municipality without a row uses the field defaults
    (``vern.core.routines.routine_settings``).
    """

    municipality = models.OneToOneField(
        "core.Municipality", on_delete=models.CASCADE, related_name="routine_settings"
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("remind this many working days before the due date"),
        default=1,
        validators=[MaxValueValidator(MAX_REMIND_DAYS)],
    )
    leader_after_days = models.PositiveSmallIntegerField(
        _("tell the leader this many working days after the due date"),
        default=1,
        validators=[MaxValueValidator(60)],
    )
    coordinator_after_days = models.PositiveSmallIntegerField(
        _("tell the coordinator this many working days after the leader"),
        default=2,
        validators=[MaxValueValidator(60)],
    )

    class Meta:
        verbose_name = _("routine settings")
        verbose_name_plural = _("routine settings")

    def __str__(self) -> str:
        return str(self.municipality)


class Step(PersonalData, MunicipalRecord):
    """One step of a routine: something a person or unit must do by a date.

    ``rung`` is how far up the ladder the notices have gone: 0 nothing sent,
    1 the responsible reminded, 2 the leader told, 3 the coordinators told.
    Each rung is claimed with a conditional UPDATE on this column.
    """

    class Rung(models.IntegerChoices):
        NONE = 0, _("nothing sent")
        REMINDED = 1, _("responsible reminded")
        LEADER = 2, _("leader told")
        COORDINATOR = 3, _("coordinator told")

    routine = models.CharField(_("routine"), max_length=60)
    code = models.CharField(_("step"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    # What a routine's own titles are made of (codes and numbers, never free
    # text), so that the title reads in each reader's language (``display_title``).
    title_params = models.JSONField(default=dict, blank=True)
    # The record the routine is about, named by label and id so that core
    # need not know the apps' models.
    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=64)
    link = models.CharField(_("link"), max_length=500, blank=True)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    responsible_unit = models.ForeignKey(
        "core.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible unit"),
    )
    responsible_role = models.CharField(
        _("responsible role"), max_length=20, choices=Role.choices, blank=True
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leader"),
    )
    start_on = models.DateField(_("started"))
    due_on = models.DateField(_("due"))
    # Set when the due date was moved off a holiday or weekend: the date it
    # would otherwise have had. The reason is derived from the calendar.
    due_moved_from = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rung = models.PositiveSmallIntegerField(choices=Rung.choices, default=Rung.NONE)
    rung_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("routine step")
        verbose_name_plural = _("routine steps")
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(
                fields=["due_on"], condition=models.Q(done_at__isnull=True), name="core_step_open"
            ),
            # An app's open steps in one municipality by due date (the pathways dashboard).
            models.Index(
                fields=["municipality", "subject_type", "due_on"],
                condition=models.Q(done_at__isnull=True),
                name="core_step_open_by_subject",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["routine", "code", "subject_type", "subject_id"],
                name="core_step_once_per_subject",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the active language where its routine says how to make
        it (``core.step_titles.register_titles``); else as it was stored."""
        return step_title(self)

    @property
    def due_note(self) -> str:
        from vern.core.routines import moved_note

        if not self.due_moved_from:
            return ""
        return moved_note(self.due_moved_from, self.due_on, counted_from=self.start_on)


class NotificationQuerySet(TenantQuerySet):
    """A person reads their own notices with ``for_self``; national ones have no municipality."""

    self_field = "recipient"
    national_if_null = True


class Notification(PersonalData):
    """An in-app notice to one person, shown beside the e-mail that went out."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # Empty for notices about national records (the national role has no municipality).
    municipality = models.ForeignKey(
        "core.Municipality", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    code = models.CharField(max_length=80)
    text = models.CharField(_("text"), max_length=300)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "municipality", "read_at"])]

    def __str__(self) -> str:
        return self.text


class RetentionPeriod(models.Model):
    """A municipality's own retention period for one registered record type."""

    municipality = models.ForeignKey(
        "core.Municipality", on_delete=models.CASCADE, related_name="retention_periods"
    )
    record_type = models.CharField(_("record type"), max_length=80)
    months = models.PositiveSmallIntegerField(
        _("months after closing"), validators=[MaxValueValidator(1200)]
    )

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "record_type"], name="core_retention_period_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type}: {self.months}"


class RetentionCount(models.Model):
    """How many records of a type, closed in a month, retention removed.

    Anonymous: a municipality, a type, a month, an optional category the
    type chose (never a person) and a count. Reports read these for the
    periods whose records are gone.
    """

    # Empty for national records.
    municipality = models.ForeignKey(
        "core.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    record_type = models.CharField(max_length=80)
    month = models.DateField(help_text="The first day of the month the records were closed in.")
    category = models.CharField(max_length=80, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["record_type", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "record_type", "month", "category"],
                name="core_retention_count_unique",
            ),
            models.UniqueConstraint(
                fields=["record_type", "month", "category"],
                condition=models.Q(municipality__isnull=True),
                name="core_retention_count_unique_national",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.month:%Y-%m}: {self.count}"


__all__ = [
    "MAX_REMIND_DAYS",
    "Notification",
    "RetentionCount",
    "RetentionPeriod",
    "RoutineSettings",
    "Step",
]
