"""The municipality's action plan, its coverage notes and its saved versions.

The structure follows NKVTS's guide for municipal plans: period and status,
mandate and groups, a situation analysis, focus areas and goals, measures.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vern.core import history_text
from vern.core.models import MunicipalRecord, PersonalData


class Plan(PersonalData, MunicipalRecord):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONSULTATION = "consultation", _("On consultation")
        ADOPTED = "adopted", _("Adopted")
        REVISION = "revision", _("Under revision")
        EXPIRED = "expired", _("Expired")

    # Statuses in which the plan is the municipality's plan in force.
    IN_FORCE = (Status.ADOPTED, Status.REVISION)

    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    case_reference = models.CharField(
        _("council case reference"),
        max_length=60,
        blank=True,
        help_text=_("The case number of the council's decision, for example 2026/123."),
    )
    foreword = models.TextField(_("foreword"), blank=True)
    mandate = models.TextField(_("mandate"), blank=True)
    working_group = models.TextField(_("working group"), blank=True)
    reference_group = models.TextField(_("reference group"), blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    prevalence = models.TextField(_("estimated prevalence"), blank=True)
    existing_services = models.TextField(_("existing services"), blank=True)
    cooperation = models.TextField(_("cooperation routines"), blank=True)
    competence = models.TextField(_("competence"), blank=True)
    focus_areas = models.TextField(_("focus areas"), blank=True)
    goals = models.TextField(_("measurable goals"), blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True, db_index=True)
    review_reminded_for = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_year", "title"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="plans_plan_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.start_year}–{self.end_year}"

    @property
    def period(self) -> str:
        return f"{self.start_year}–{self.end_year}"

    @property
    def in_force(self) -> bool:
        return self.status in self.IN_FORCE

    @property
    def review_overdue(self) -> bool:
        """The plan is in force and its next review date has passed."""
        return (
            self.in_force
            and self.next_review_on is not None
            and self.next_review_on < timezone.localdate()
        )

    def clean(self) -> None:
        errors = {}
        if self.start_year and not 2000 <= self.start_year <= 2100:
            errors["start_year"] = _("Give a year between 2000 and 2100.")
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = _("The last year cannot be before the first year.")
        if self.status in self.IN_FORCE:
            if not self.adopted_on:
                errors["adopted_on"] = _("An adopted plan needs the date of adoption.")
            if not self.case_reference.strip():
                errors["case_reference"] = _("An adopted plan needs the council's case reference.")
        if errors:
            raise ValidationError(errors)


class CoverageNote(models.Model):
    """How the plan answers one catalogue measure, when the coordinator says so.

    Without a note, a local measure counts as covered when the plan uses it
    and as not covered otherwise; a note can mark partial cover and must give
    the reason for a deliberate omission. For national measures a note says
    whether the municipality follows the measure.
    """

    class Coverage(models.TextChoices):
        FULL = "full", _("Covered")
        PARTIAL = "partial", _("Partly covered")
        NONE = "none", _("Not covered")
        FOLLOWS = "follows", _("Followed")
        NOT_FOLLOWED = "not_followed", _("Not followed")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="coverage_notes")
    measure = models.ForeignKey("plans.Measure", on_delete=models.PROTECT, related_name="+")
    coverage = models.CharField(_("coverage"), max_length=20, choices=Coverage.choices)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "measure"], name="plans_coverage_one_per_measure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.get_coverage_display()}"


history_text.register({"plans.version.adopted": _("Adopted %(date)s (%(ref)s)")})


class PlanVersion(models.Model):
    """A frozen copy of the plan and its measures, made at adoption and on request.

    A version made by Vern is named by ``label_code`` and ``label_params``,
    rendered in the reader's language (``label_text``); ``label`` is the name a
    person gave, or the text of a version made before codes.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    label = models.CharField(_("label"), max_length=200, blank=True)
    label_code = models.CharField(max_length=80, blank=True)
    label_params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    snapshot = models.JSONField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plans_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"v{self.number} {self.label_text}"

    @property
    def label_text(self) -> str:
        return history_text.render(self.label_code, self.label_params, fallback=self.label)
