"""The measure catalogue: the booklet's 28 measures plus each municipality's own."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    PREVENTION = "prevention", _("Prevention")
    PROTECTION = "protection", _("Protection")
    PERPETRATORS = "perpetrators", _("People who use violence")


class Level(models.TextChoices):
    LOCAL = "local", _("Local: the municipality acts")
    NATIONAL = "national", _("National: the municipality follows and advocates")


class MeasureQuerySet(models.QuerySet):
    def catalogue(self) -> MeasureQuerySet:
        return self.filter(municipality__isnull=True)

    def available_to(self, municipality) -> MeasureQuerySet:
        """The shared catalogue plus the municipality's own measures."""
        return self.filter(Q(municipality__isnull=True) | Q(municipality=municipality))


class Measure(models.Model):
    """A measure a plan can use.

    Catalogue measures (``municipality`` is empty) carry the fixed codes F1–F16,
    B1–B6 and U1–U6 and are shipped as data; local measures belong to one
    municipality and have no code.
    """

    code = models.CharField(_("code"), max_length=8, blank=True, db_index=True)
    municipality = models.ForeignKey(
        "core.Municipality", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.LOCAL)
    title_nb = models.CharField(_("title (bokmål)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_nb = models.TextField(_("summary (bokmål)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    guidance_nb = models.TextField(_("guidance (bokmål)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    indicator_ideas = models.JSONField(default=dict, blank=True)
    examples = models.JSONField(default=list, blank=True)
    modules = models.JSONField(default=list, blank=True)
    catalogue_version = models.CharField(max_length=20, blank=True)
    sort_key = models.PositiveIntegerField(default=0)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "title_nb"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(municipality__isnull=True),
                name="plans_measure_unique_catalogue_code",
            ),
            models.CheckConstraint(
                condition=Q(municipality__isnull=True, code__regex=r"^[FBU][0-9]{1,2}$")
                | Q(municipality__isnull=False, code=""),
                name="plans_measure_code_only_in_catalogue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}" if self.code else self.title

    @property
    def is_catalogue(self) -> bool:
        return self.municipality_id is None

    def _text(self, field: str) -> str:
        english = getattr(self, f"{field}_en")
        if (get_language() or "nb").startswith("en") and english:
            return english
        return getattr(self, f"{field}_nb")

    @property
    def title(self) -> str:
        return self._text("title")

    @property
    def summary(self) -> str:
        return self._text("summary")

    @property
    def guidance(self) -> str:
        return self._text("guidance")
