from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from vern.core.models.scoping import MunicipalRecord

municipality_number_validator = RegexValidator(
    r"^\d{4}$", _("A municipality number has exactly four digits.")
)


class Municipality(models.Model):
    """A Norwegian municipality (kommune), keyed by its official number."""

    number = models.CharField(
        _("municipality number"),
        max_length=4,
        unique=True,
        validators=[municipality_number_validator],
        help_text=_("Four digits, for example 0301 for Oslo."),
    )
    # Official form, including Sami and Kven parallel names where they exist.
    name = models.CharField(_("name"), max_length=200)
    county_number = models.CharField(_("county number"), max_length=2)
    county_name = models.CharField(_("county"), max_length=200)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    # Fictional municipalities exist only for demonstration and tests.
    is_demo = models.BooleanField(default=False)
    # The public guide keeps municipalities in memory and reloads them when this moves.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class Unit(MunicipalRecord):
    """A part of the municipality's organisation: a school, NAV office and so on."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("School")
        KINDERGARTEN = "kindergarten", _("Kindergarten")
        HEALTH_STATION = "health_station", _("Health station")
        NAV = "nav", _("NAV office")
        CHILD_WELFARE = "child_welfare", _("Child welfare service")
        CRISIS_CENTRE = "crisis_centre", _("Crisis centre")
        EMERGENCY_CLINIC = "emergency_clinic", _("Emergency clinic")
        ADMINISTRATION = "administration", _("Administration")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="core_unit_unique_name_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return self.name
