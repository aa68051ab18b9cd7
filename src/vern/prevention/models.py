"""Prevention: programmes taught in kindergartens and schools (F3), conversations in the
introduction programme (F5), and partnerships with civil society (F6, F4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vern.core.models import MunicipalRecord, PersonalData, TenantQuerySet, Unit


class AgeGroup(models.TextChoices):
    KG_1_2 = "kg_1_2", _("Kindergarten, 1–2 years")
    KG_3_5 = "kg_3_5", _("Kindergarten, 3–5 years")
    GS_1_4 = "gs_1_4", _("School, years 1–4")
    GS_5_7 = "gs_5_7", _("School, years 5–7")
    GS_8_10 = "gs_8_10", _("School, years 8–10")


# Which age groups each kind of institution has.
AGE_GROUPS_BY_KIND = {
    Unit.Kind.KINDERGARTEN: [AgeGroup.KG_1_2, AgeGroup.KG_3_5],
    Unit.Kind.SCHOOL: [AgeGroup.GS_1_4, AgeGroup.GS_5_7, AgeGroup.GS_8_10],
}


class UnitAgeGroups(MunicipalRecord):
    """The age groups a kindergarten or school actually has (a small school may have only
    years 1–7). Without a row the unit is taken to have every group of its kind."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="+")
    age_groups = models.JSONField(_("age groups"), default=list)

    def __str__(self) -> str:
        return str(self.unit)


def unit_groups(unit: Unit, chosen: UnitAgeGroups | None) -> list[str]:
    """The age groups the unit has: those recorded for it, else every group of its kind."""
    of_kind = [group.value for group in AGE_GROUPS_BY_KIND.get(unit.kind, [])]
    if chosen is None:
        return of_kind
    return [group for group in of_kind if group in chosen.age_groups]


class ProgrammeQuerySet(TenantQuerySet):
    national_if_null = True


class Programme(models.Model):
    """A prevention programme: national (no municipality, shipped) or a municipality's own."""

    municipality = models.ForeignKey(
        "core.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    owner = models.CharField(_("owned by"), max_length=200)
    url = models.URLField(_("link"), blank=True)
    description = models.TextField(_("description"))
    age_groups = models.JSONField(_("age groups"), default=list)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def age_group_labels(self) -> list[str]:
        return [AgeGroup(value).label for value in self.age_groups if value in AgeGroup.values]


class Delivery(MunicipalRecord):
    """A programme runs for an age group at a kindergarten or school."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices)
    last_delivered_on = models.DateField(_("last delivered"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "programme", "age_group"], name="prevention_delivery_unique"
            )
        ]


class IntroConversations(MunicipalRecord):
    """Introduction-programme conversations with a health nurse about violence and sexual
    and reproductive rights in one quarter: numbers only."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    offered = models.PositiveIntegerField(_("offered"))
    held = models.PositiveIntegerField(_("held"))

    class Meta:
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "quarter"], name="prevention_intro_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(held__lte=models.F("offered")),
                name="prevention_intro_held_not_above_offered",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4),
                name="prevention_intro_quarter_1_4",
            ),
        ]


class Partner(MunicipalRecord):
    class Kind(models.TextChoices):
        NGO = "ngo", _("Voluntary organisation")
        FAITH = "faith", _("Faith or belief community")
        DIVERSITY = "diversity", _("Diversity adviser or minority organisation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("what we do together"), blank=True)
    url = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContactQuerySet(TenantQuerySet):
    tenant_field = "partner__municipality"


class PartnerContact(PersonalData):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["name"]


class Agreement(MunicipalRecord):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="agreements")
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("what is agreed"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    grant_conditions = models.TextField(_("conditions attached to public grants"), blank=True)
    # The end date a reminder was sent for (claimed by vern tick).
    end_reminded_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["ends_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="prevention_agreement_ends_after_start",
            )
        ]


class Activity(MunicipalRecord):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="activities")
    held_on = models.DateField(_("date"))
    title = models.CharField(_("what"), max_length=200)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)

    class Meta:
        ordering = ["-held_on"]
