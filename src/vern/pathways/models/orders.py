"""Protective orders on a pathway, and follow-up before a release from prison."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from vern.core.expressions import DaysBetween
from vern.core.fields import EncryptedTextField
from vern.pathways.models.pathway import Pathway, PathwayPart


class ProtectiveOrder(PathwayPart):
    """A visiting ban, contact ban or alarm (fact boxes 2 and 4), and when it ends.

    ``warned_for`` is the end date the coordinator was last warned about; the
    tick job claims a warning with a conditional UPDATE on it, so a changed
    end date is warned about again.
    """

    class Type(models.TextChoices):
        VISITING_BAN = "visiting_ban", _("Visiting ban")
        VISITING_BAN_HOME = "visiting_ban_home", _("Visiting ban in own home")
        CONTACT_BAN = "contact_ban", _("Contact ban by judgment")
        MONITORING = "monitoring", _("Electronic monitoring (reverse violence alarm)")

    class ImposedBy(models.TextChoices):
        POLICE = "police", _("The police (prosecuting authority)")
        COURT = "court", _("A court")

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="orders")
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    imposed_by = models.CharField(_("imposed by"), max_length=10, choices=ImposedBy.choices)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    warned_for = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    form_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Days in force, the first and the last counted, so the anonymous figures (mean and
    # median by type) are read from an index. Set by save(); a check constraint keeps it
    # true whatever writes the row. (Not a GeneratedField: Django's check of one opens a
    # database connection, and the deployment check must run without a database.)
    length_days = models.PositiveIntegerField(editable=False)

    class Meta:
        ordering = ["ends_on", "pk"]
        verbose_name = _("protective order")
        verbose_name_plural = _("protective orders")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="pathways_order_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(length_days=DaysBetween(F("ends_on"), F("starts_on")) + 1),
                name="pathways_order_length_days",
            ),
        ]
        indexes = [
            models.Index(fields=["ends_on"], name="pathways_order_ends"),
            # The dashboard: one municipality's orders ending soon, and the figures by type
            # (count, in force, mean and median length) from the index alone.
            models.Index(fields=["municipality", "ends_on"], name="pathways_order_muni_ends"),
            models.Index(
                fields=["municipality", "type", "length_days", "starts_on", "ends_on"],
                name="pathways_order_length",
            ),
        ]

    def __str__(self) -> str:
        return self.get_type_display()

    def save(self, *args, **kwargs):
        self.length_days = order_length(self.starts_on, self.ends_on)
        super().save(*args, **kwargs)


def order_length(starts_on, ends_on) -> int:
    """Days an order is in force, its first and last day counted."""
    return (ends_on - starts_on).days + 1


class ReleaseFollowUp(PathwayPart):
    """Follow-up before a person is released or goes on leave (measure U5).

    Opened from the correctional service's notice at least
    ``PathwaySettings.release_weeks`` before the date. The checklist is a joint
    risk assessment with the police and the correctional service, contact with
    the victim, and the people responsible; its deadlines are routine steps.
    """

    class Type(models.TextChoices):
        RELEASE = "release", _("Release")
        LEAVE = "leave", _("Leave")

    class Measure(models.TextChoices):
        ALARM = "alarm", _("Violence alarm")
        BAN = "ban", _("Visiting or contact ban")
        MONITORING = "monitoring", _("Reverse violence alarm")
        SAFE_HOUSING = "safe_housing", _("Safe housing")
        OTHER = "other", _("Other measure")

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="releases")
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    expected_on = models.DateField(_("expected date"))
    notice_on = models.DateField(_("notice received"))
    opens_on = models.DateField(_("follow-up starts"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    # The joint risk assessment.
    assessed_on = models.DateField(_("risk assessed on"), null=True, blank=True)
    police_took_part = models.BooleanField(_("the police took part"), default=False)
    correctional_took_part = models.BooleanField(
        _("the correctional service took part"), default=False
    )
    risk_factors = EncryptedTextField(_("known risk factors"), blank=True)
    vulnerability = EncryptedTextField(_("the victim's vulnerability"), blank=True)
    measures_considered = models.JSONField(
        _("protective measures considered"), default=list, blank=True
    )
    measures_decided = models.JSONField(_("protective measures decided"), default=list, blank=True)
    victim_contacted_on = models.DateField(_("victim contacted on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    form_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["expected_on", "pk"]
        verbose_name = _("release follow-up")
        verbose_name_plural = _("release follow-ups")
        indexes = [
            models.Index(fields=["expected_on"], name="pathways_release_expected"),
            # The dashboard's releases ahead in one municipality.
            models.Index(
                fields=["municipality", "expected_on"], name="pathways_release_muni_expected"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.expected_on}"
