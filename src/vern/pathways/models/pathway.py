"""A pathway (pakkeforløp) and what hangs on it: consent, need areas, delivery
steps and the timeline.

Vern holds the pathway, not the record: a journal number in the
municipality's own record system, a pathway number, at most initials and a
year of birth. Free text is encrypted at rest (``EncryptedTextField``).
Deadlines are ``core.Step`` rows of the routine engine, pointing back here by
label and id.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from vern.core.fields import EncryptedTextField
from vern.core.models import (
    AccessListed,
    MunicipalRecord,
    PersonalData,
    TenantQuerySet,
    VersionedRecord,
)


class Area(models.TextChoices):
    # A victim's six need areas (measure B1).
    HEALTH = "health", _("Health")
    SOCIAL = "social", _("Social help")
    ECONOMIC = "economic", _("Economic help")
    LEGAL = "legal", _("Legal support")
    HOUSING = "housing", _("Housing")
    PROTECTION = "protection", _("Protection")
    # Offers to a person who uses violence (measures U3, U4).
    TREATMENT = "treatment", _("Violence treatment (ATV type)")
    ANGER = "anger", _("Anger management (Brøset)")
    SHORT_HOUSING = "short_housing", _("Acute short-term housing")
    PRACTICAL = "practical", _("Practical help")


class Kind(models.TextChoices):
    VICTIM = "victim", _("Person exposed to violence")
    PERPETRATOR = "perpetrator", _("Person who uses violence")


AREAS: dict[str, tuple[str, ...]] = {
    Kind.VICTIM: (
        Area.HEALTH,
        Area.SOCIAL,
        Area.ECONOMIC,
        Area.LEGAL,
        Area.HOUSING,
        Area.PROTECTION,
    ),
    Kind.PERPETRATOR: (Area.TREATMENT, Area.ANGER, Area.SHORT_HOUSING, Area.PRACTICAL),
}


class PathwaySettings(models.Model):
    """A municipality's deadlines for pathways, in working days after opening.

    A municipality without a row uses the field defaults
    (``vern.pathways.selectors.pathway_settings``).
    """

    municipality = models.OneToOneField(
        "core.Municipality", on_delete=models.CASCADE, related_name="pathway_settings"
    )
    first_contact_days = models.PositiveSmallIntegerField(
        _("first contact within (working days)"), default=1, validators=[MaxValueValidator(20)]
    )
    assessment_days = models.PositiveSmallIntegerField(
        _("every need area assessed within (working days)"),
        default=3,
        validators=[MaxValueValidator(30)],
    )
    delivery_days = models.PositiveSmallIntegerField(
        _("delivery started within (working days)"), default=10, validators=[MaxValueValidator(60)]
    )
    high_first_contact_days = models.PositiveSmallIntegerField(
        _("high priority: first contact within (working days)"),
        default=0,
        validators=[MaxValueValidator(20)],
        help_text=_("0 means the same working day."),
    )
    high_assessment_days = models.PositiveSmallIntegerField(
        _("high priority: every need area assessed within (working days)"),
        default=1,
        validators=[MaxValueValidator(30)],
    )
    high_delivery_days = models.PositiveSmallIntegerField(
        _("high priority: delivery started within (working days)"),
        default=5,
        validators=[MaxValueValidator(60)],
    )
    order_warning_days = models.PositiveSmallIntegerField(
        _("warn this many days before a protective order ends"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    release_weeks = models.PositiveSmallIntegerField(
        _("open a release follow-up this many weeks before"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )

    class Meta:
        verbose_name = _("pathway settings")
        verbose_name_plural = _("pathway settings")

    def __str__(self) -> str:
        return str(self.municipality)

    def days(self, priority: str) -> tuple[int, int, int]:
        """First contact, assessment and delivery deadlines for a priority."""
        if priority == Pathway.Priority.HIGH:
            return (
                self.high_first_contact_days,
                self.high_assessment_days,
                self.high_delivery_days,
            )
        return (self.first_contact_days, self.assessment_days, self.delivery_days)


class PathwayQuerySet(TenantQuerySet):
    def open(self) -> PathwayQuerySet:
        return self.filter(closed_at__isnull=True)


class Pathway(AccessListed, PersonalData, MunicipalRecord, VersionedRecord):
    """One person's pathway through the municipality's services."""

    Kind = Kind

    class Priority(models.TextChoices):
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")

    class Stage(models.TextChoices):
        CONTACT = "contact", _("Waiting for first contact")
        ASSESSMENT = "assessment", _("Assessing needs")
        DELIVERY = "delivery", _("Delivering help")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("Help delivered as planned")
        MOVED = "moved", _("Moved to another municipality")
        DECLINED = "declined", _("The person ended the pathway")
        NO_CONTACT = "no_contact", _("No contact could be made")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.VICTIM)
    number = models.CharField(_("pathway number"), max_length=20)
    journal_number = models.CharField(
        _("journal number"),
        max_length=40,
        help_text=_("The case's reference in the municipality's own record system."),
    )
    initials = models.CharField(
        _("initials"),
        max_length=4,
        blank=True,
        validators=[
            RegexValidator(r"^[A-ZÆØÅ]{1,4}$", _("Up to four capital letters, such as KN."))
        ],
    )
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.CONTACT, db_index=True
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible case worker"),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coordinator"),
    )
    notes = EncryptedTextField(_("notes"), blank=True)
    opened_on = models.DateField(_("opened"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    first_contact_on = models.DateField(_("first contact"), null=True, blank=True)
    assessed_on = models.DateField(_("all needs assessed"), null=True, blank=True)
    # Working days from opened_on to assessed_on, stored when the last need is assessed,
    # so the dashboard's median is one sorted read in the database.
    assessed_working_days = models.PositiveIntegerField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = EncryptedTextField(_("about the outcome"), blank=True)
    # A perpetrator's pathway may be linked to the victim's; only coordinators see it.
    linked = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked pathway"),
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # The opening form's one-time key: the same form sent twice opens one pathway.
    form_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PathwayQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("pathway")
        verbose_name_plural = _("pathways")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"], name="pathways_pathway_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | ~models.Q(outcome=""),
                name="pathways_pathway_closed_has_outcome",
            ),
        ]
        indexes = [
            models.Index(
                fields=["municipality", "stage"],
                condition=models.Q(closed_at__isnull=True),
                name="pathways_pathway_open",
            ),
            # The newest pathways (the dashboard, the list).
            models.Index(fields=["municipality", "opened_on"], name="pathways_pathway_opened"),
            # The median working days to every need assessed, read from the index alone.
            models.Index(
                fields=["municipality", "assessed_working_days", "opened_on"],
                condition=models.Q(assessed_working_days__isnull=False),
                name="pathways_pathway_assessed",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_victim(self) -> bool:
        return self.kind == Kind.VICTIM

    @property
    def areas(self) -> tuple[str, ...]:
        return AREAS[self.kind]


class PathwayPart(PersonalData, MunicipalRecord):
    """Something that belongs to one pathway, in the pathway's municipality."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class Consent(PathwayPart):
    """What the person agreed to, when, and who recorded it; until withdrawn."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="consents")
    given_on = models.DateField(_("given on"))
    areas = models.JSONField(_("services that may be contacted"), default=list)
    share_initials = models.BooleanField(_("initials and year of birth may be shared"))
    share_needs = models.BooleanField(_("the needs assessed may be shared"))
    share_contact = models.BooleanField(_("the person may be contacted by the service"))
    note = EncryptedTextField(_("what else was agreed"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    form_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.pathway} {self.given_on}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None

    @property
    def area_labels(self) -> list[str]:
        return [str(Area(area).label) for area in self.areas]


class Need(PathwayPart):
    """One need area of a pathway and its assessment."""

    class Assessment(models.TextChoices):
        PENDING = "pending", _("Not assessed yet")
        NEEDED = "needed", _("Needed")
        NOT_NEEDED = "not_needed", _("Not needed")
        DECLINED = "declined", _("Declined by the person")

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="needs")
    area = models.CharField(_("need area"), max_length=20, choices=Area.choices)
    assessment = models.CharField(
        _("assessment"), max_length=20, choices=Assessment.choices, default=Assessment.PENDING
    )
    note = EncryptedTextField(_("about the assessment"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("need area")
        verbose_name_plural = _("need areas")
        constraints = [
            models.UniqueConstraint(fields=["pathway", "area"], name="pathways_need_once_per_area")
        ]

    def __str__(self) -> str:
        return self.get_area_display()


class DeliveryStep(PathwayPart):
    """A task that delivers help in one need area, with its own deadline (a ``core.Step``)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="deliveries")
    task = EncryptedTextField(_("task"))
    unit = models.ForeignKey(
        "core.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible unit"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    chosen_due_on = models.DateField(_("due"))
    step = models.OneToOneField(
        "core.Step", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    form_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["chosen_due_on", "pk"]
        verbose_name = _("delivery step")
        verbose_name_plural = _("delivery steps")

    def __str__(self) -> str:
        return f"{self.need} {self.chosen_due_on}"


class Event(PathwayPart):
    """One line of the pathway's timeline. ``detail`` never holds free text."""

    class Code(models.TextChoices):
        OPENED = "opened", _("Pathway opened")
        UPDATED = "updated", _("Pathway details changed")
        CONTACT = "contact", _("First contact made")
        CONSENT = "consent", _("Consent recorded")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
        ASSESSED = "assessed", _("Need area assessed")
        DELIVERY_ADDED = "delivery_added", _("Delivery step added")
        DELIVERY_DONE = "delivery_done", _("Delivery step done")
        REFERRAL = "referral", _("Referral made")
        REFERRAL_STATUS = "referral_status", _("Referral status changed")
        REFERRAL_OVERRIDE = "referral_override", _("Referral without consent (coordinator)")
        ORDER = "order", _("Protective order recorded")
        RELEASE = "release", _("Release follow-up opened")
        RISK = "risk", _("Joint risk assessment recorded")
        LINKED = "linked", _("Pathways linked")
        ACCESS = "access", _("People on the pathway changed")
        CLOSED = "closed", _("Pathway closed")
        REOPENED = "reopened", _("Pathway reopened")

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="events")
    code = models.CharField(max_length=30, choices=Code.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("pathway event")
        verbose_name_plural = _("pathway events")

    def __str__(self) -> str:
        return self.get_code_display()
