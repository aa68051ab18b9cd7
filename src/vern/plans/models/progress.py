"""Measures inside a plan and how they progress."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vern.core.dates import long_date, prose_number
from vern.core.models import MunicipalRecord, PersonalData, TenantQuerySet, VersionedRecord


class PlanMeasure(PersonalData, VersionedRecord, MunicipalRecord):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        PAUSED = "paused", _("Paused")
        DROPPED = "dropped", _("Dropped")

    NEEDS_REASON = (Status.PAUSED, Status.DROPPED)
    OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.PAUSED)

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="measures")
    measure = models.ForeignKey(
        "plans.Measure", on_delete=models.PROTECT, related_name="+", verbose_name=_("measure")
    )
    description = models.TextField(_("what we will do"), blank=True)
    responsible_unit = models.ForeignKey(
        "core.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible unit"),
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    partners = models.TextField(_("partners"), blank=True)
    start_on = models.DateField(_("start date"), null=True, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    budget_nok = models.PositiveIntegerField(_("budget (NOK)"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    status_reason = models.TextField(_("reason for the status"), blank=True)
    # Set when the due-date reminder went out, so `vern tick` never sends twice.
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["measure__sort_key", "measure__title_nb", "pk"]
        verbose_name = _("plan measure")
        verbose_name_plural = _("plan measures")
        constraints = [
            models.UniqueConstraint(fields=["plan", "measure"], name="plans_planmeasure_once"),
        ]
        indexes = [
            models.Index(
                fields=["due_on"],
                name="plans_pm_due_open",
                condition=models.Q(reminded_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return str(self.measure)

    def clean(self) -> None:
        errors = {}
        if self.start_on and self.due_on and self.due_on < self.start_on:
            errors["due_on"] = _("The due date cannot be before the start date.")
        if self.status in self.NEEDS_REASON and not self.status_reason.strip():
            errors["status_reason"] = _("Say why the measure is paused or dropped.")
        if self.measure_id and self.measure.municipality_id not in (None, self.municipality_id):
            errors["measure"] = _("The measure belongs to another municipality.")
        if (
            self.responsible_unit_id
            and self.responsible_unit.municipality_id != self.municipality_id
        ):
            errors["responsible_unit"] = _("The unit belongs to another municipality.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_overdue(self) -> bool:
        """Still open (not done or dropped) after its due date."""
        return self.is_open and self.due_on is not None and self.due_on < timezone.localdate()


class Milestone(models.Model):
    plan_measure = models.ForeignKey(
        PlanMeasure, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    plan_measure = models.ForeignKey(
        PlanMeasure, on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit of measurement"), max_length=40, blank=True)
    baseline = models.DecimalField(
        _("starting value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def latest(self):
        measurements = list(self.measurements.all())
        return measurements[-1] if measurements else None


class Measurement(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["measured_on", "pk"]

    def __str__(self) -> str:
        return f"{long_date(self.measured_on)}: {prose_number(self.value)}"


class ProgressNoteQuerySet(TenantQuerySet):
    tenant_field = "plan_measure__municipality"


class ProgressNote(PersonalData):
    plan_measure = models.ForeignKey(PlanMeasure, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(_("progress note"))

    objects = ProgressNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Review(PersonalData, MunicipalRecord):
    """The resource group's review of the plan (at least every six months) or the annual report."""

    class Kind(models.TextChoices):
        HALF_YEAR = "half_year", _("Six-monthly review")
        ANNUAL = "annual", _("Annual report")

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {long_date(self.held_on)}"


class ReviewItem(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="items")
    plan_measure = models.ForeignKey(
        PlanMeasure, on_delete=models.CASCADE, related_name="review_items"
    )
    started = models.BooleanField(_("started"))
    as_planned = models.BooleanField(_("carried out as planned"))
    not_done = models.TextField(_("what was not done"), blank=True)
    why = models.TextField(_("why"), blank=True)

    class Meta:
        ordering = ["plan_measure__measure__sort_key", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "plan_measure"], name="plans_reviewitem_once")
        ]

    def __str__(self) -> str:
        return str(self.plan_measure)

    def clean(self) -> None:
        if not self.as_planned and not (self.not_done.strip() and self.why.strip()):
            raise ValidationError(
                _("When a measure was not carried out as planned, say what was not done and why.")
            )
