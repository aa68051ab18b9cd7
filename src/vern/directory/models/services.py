"""The service directory, shaped after Open Referral HSDS 3.0.

Organisations run services; services are offered at locations; phones and
opening hours hang off services. HSDS field names are used where HSDS has the
concept (``assured_date``, ``application_process``, ``eligibility_description``,
``status``, ``alert``); Vern's own fields cover referral, urgency, crisis-centre
facilities and where a service applies (one or more municipalities, or the
whole country). Ids are UUIDs, as HSDS requires.

A service belongs to the municipality that owns its entry (``owner``); a
national service has no owner and is kept by national editors.
"""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from vern.core.models import PersonalData, TenantQuerySet, VersionedRecord

DEFAULT_VERIFICATION_DAYS = 180

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ]{1,18}[0-9]$", _("Write the number with digits and spaces only.")
)


class DirectoryQuerySet(TenantQuerySet):
    """Staff scoping: a user sees the entries of their municipalities; national
    editors see the national entries (those without an owner)."""

    tenant_field = "owner"
    national_if_null = True


class OrganizationEditorQuerySet(DirectoryQuerySet):
    tenant_field = "organization__owner"
    self_field = "user"


class LocationQuerySet(DirectoryQuerySet):
    tenant_field = "organization__owner"


class Taxonomy(models.Model):
    """A vocabulary: target groups, forms of violence, kinds of service."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = _("taxonomies")

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="terms")
    code = models.SlugField(max_length=40)
    name_nb = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    sort_key = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["taxonomy__code", "sort_key", "code"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "code"], name="directory_term_unique_code")
        ]

    def __str__(self) -> str:
        return self.name_nb

    @property
    def name(self) -> str:
        """The term's name in the active language.

        Bokmål reads ``name_nb`` and English ``name_en``; the other public
        languages read the catalogue under the English name (msgctxt
        "taxonomy term"), which holds every term the directory ships. A term
        the catalogue does not know (one added by an import) falls back to
        bokmål, as service texts do (``name_language`` says which).
        """
        return self._localised()[0]

    @property
    def name_language(self) -> str:
        """The language ``name`` is in: the page's, or "nb" when it fell back."""
        return self._localised()[1]

    def _localised(self) -> tuple[str, str]:
        from django.utils.translation import get_language, pgettext

        language = (get_language() or "nb").split("-")[0]
        if language == "nb":
            return self.name_nb, "nb"
        if language == "en":
            return self.name_en, "en"
        translated = pgettext("taxonomy term", self.name_en)
        if translated == self.name_en:
            return self.name_nb, "nb"
        return translated, language


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owning municipality"),
        help_text=_("Empty for national organisations."),
    )
    name = models.CharField(_("name"), max_length=200)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class OrganizationEditor(PersonalData):
    """A person outside the municipality's staff (a crisis centre, an NGO) who
    may propose changes to their organisation's entries."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="editors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationEditorQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="directory_org_editor_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organization}"


class Service(VersionedRecord):
    class Status(models.TextChoices):
        # HSDS 3.0 status values.
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Closed down")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    class Referral(models.TextChoices):
        NONE = "none", _("No referral needed")
        REQUIRED = "required", _("Referral needed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("organisation"),
    )
    owner = models.ForeignKey(
        "core.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owning municipality"),
    )
    name = models.CharField(_("name"), max_length=200)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    description = models.TextField(_("what the service offers"))
    url = models.URLField(_("web page"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    alert = models.CharField(
        _("notice"),
        max_length=300,
        blank=True,
        help_text=_("A short, temporary notice shown at the top."),
    )
    eligibility_description = models.TextField(_("who it is for"), blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)
    how_it_works = models.TextField(_("how it works"), blank=True)
    how_to_contact = models.TextField(_("how to get in touch"), blank=True)
    is_free = models.BooleanField(_("free of charge"), default=True)
    fees_description = models.CharField(_("what it costs"), max_length=300, blank=True)
    referral = models.CharField(
        _("referral"), max_length=10, choices=Referral.choices, default=Referral.NONE
    )
    referral_from = models.CharField(
        _("referral from"),
        max_length=200,
        blank=True,
        help_text=_("For example: your GP, child welfare, NAV."),
    )
    referral_how = models.TextField(_("how the referral is made"), blank=True)
    acute = models.BooleanField(_("acute help, day and night"), default=False)
    open_24_7 = models.BooleanField(_("open day and night"), default=False)
    schedule_note = models.CharField(_("about opening hours"), max_length=300, blank=True)
    # Where the service applies.
    is_national = models.BooleanField(_("for the whole country"), default=False)
    areas = models.ManyToManyField(
        "core.Municipality", related_name="+", blank=True, verbose_name=_("municipalities served")
    )
    terms = models.ManyToManyField(TaxonomyTerm, related_name="services", blank=True)
    # Crisis-centre facilities (measure B2).
    accommodation_women = models.BooleanField(_("accommodation for women"), default=False)
    accommodation_men = models.BooleanField(_("accommodation for men"), default=False)
    accommodation_children = models.BooleanField(_("accommodation for children"), default=False)
    day_services = models.BooleanField(_("day services"), default=False)
    wheelchair_access = models.BooleanField(_("wheelchair access"), default=False)
    accepts_substance_use = models.BooleanField(
        _("accepts people with active substance use"), default=False
    )
    adapted_disabilities = models.BooleanField(
        _("adapted for people with disabilities"), default=False
    )
    pets_allowed = models.BooleanField(_("pets can come along"), default=False)
    # Keeping it true.
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="+",
        blank=True,
        verbose_name=_("responsible editors"),
    )
    assured_date = models.DateField(_("last verified"), null=True, blank=True)
    assurer_email = models.EmailField(_("verified by"), blank=True)
    verification_days = models.PositiveSmallIntegerField(
        _("verification cycle (days)"),
        default=DEFAULT_VERIFICATION_DAYS,
        validators=[MinValueValidator(7)],
    )
    verification_due = models.DateField(null=True, blank=True, db_index=True)
    reminded_for = models.DateField(null=True, blank=True)
    overdue_notified_for = models.DateField(null=True, blank=True)
    # The text the search index is built from; never holds a confidential address.
    search_document = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = DirectoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [models.Index(fields=["is_national", "status"])]

    def __str__(self) -> str:
        return self.name

    def next_due(self) -> date | None:
        if not self.assured_date:
            return None
        return self.assured_date + timedelta(days=self.verification_days)

    def terms_of(self, taxonomy_code: str) -> list[TaxonomyTerm]:
        # ``known_terms``: the terms as a loader already had them (the guide's
        # service page takes them from its index), in the terms' order.
        terms = self.__dict__.get("known_terms")
        if terms is None:
            terms = self.terms.all()
        return [term for term in terms if term.taxonomy.code == taxonomy_code]

    def weekly_hours(self) -> list[tuple[int, time, time]]:
        """(weekday, opens, closes) of each regular opening: ``known_hours`` as a
        loader already had them (the guide's service page takes them from its
        index), else its schedules."""
        hours = self.__dict__.get("known_hours")
        if hours is None:
            hours = [(s.weekday, s.opens_at, s.closes_at) for s in self.schedules.all()]
        return hours


class ServiceLanguage(models.Model):
    """A language the service can be used in (with or without an interpreter)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("language code"), max_length=10)  # ISO 639-1/-3
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="directory_language_once")
        ]

    def __str__(self) -> str:
        return self.code


class ServiceTranslation(models.Model):
    """The resident-facing texts of a service in another language than bokmål.

    The public pages show a field in the page's language when the entry has
    it, else the bokmål text (``templatetags.guide.service_text``).
    ``machine_assisted`` marks a version written with a machine's help and not
    yet read by someone fluent in the language; editors see it on the entry.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10)
    machine_assisted = models.BooleanField(
        _("machine-assisted, not yet reviewed"),
        default=False,
        help_text=_("Untick when someone fluent in the language has read and approved it."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("what the service offers"))
    eligibility_description = models.TextField(_("who it is for"), blank=True)
    how_it_works = models.TextField(_("how it works"), blank=True)
    how_to_contact = models.TextField(_("how to get in touch"), blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "language"], name="directory_translation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.language})"


class Location(PersonalData):
    """A place a service is offered; a crisis centre's address may be confidential."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=4, blank=True, validators=[RegexValidator(r"^\d{4}$")]
    )
    city = models.CharField(_("postal town"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        "core.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    directions = models.TextField(_("how to find it"), blank=True)
    # A crisis centre's address is often secret: then only the public contact
    # point is ever shown in public (pages, API, exports, PDFs, search).
    is_confidential = models.BooleanField(_("confidential address"), default=False)
    public_contact_point = models.TextField(
        _("public contact point"),
        blank=True,
        help_text=_(
            "What the public may know instead, for example a phone number or a meeting place."
        ),
    )
    wheelchair_access = models.BooleanField(_("wheelchair access"), default=False)
    accessibility = models.CharField(_("accessibility"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")

    def __str__(self) -> str:
        return self.name


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="directory_sal_once")
        ]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class Phone(models.Model):
    class Kind(models.TextChoices):
        VOICE = "voice", _("Phone")
        SMS = "sms", _("SMS")
        TEXT = "text", _("Text phone")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("number"), max_length=20, validators=[phone_validator])
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.VOICE)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_free = models.BooleanField(_("free to call"), default=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.number

    @property
    def tel(self) -> str:
        return "tel:" + self.number.replace(" ", "")


class Schedule(models.Model):
    """Regular weekly opening hours (HSDS freq=WEEKLY, byday, opens_at, closes_at)."""

    class Day(models.IntegerChoices):
        MO = 1, _("Monday")
        TU = 2, _("Tuesday")
        WE = 3, _("Wednesday")
        TH = 4, _("Thursday")
        FR = 5, _("Friday")
        SA = 6, _("Saturday")
        SU = 7, _("Sunday")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Day.choices)
    opens_at = models.TimeField(_("opens"))
    closes_at = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="directory_schedule_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class ServiceCard(models.Model):
    """A service's result card, rendered in bokmål when the entry is saved.

    Derived data, like the search text: ``cards.store`` writes it from
    ``search.index_service``; ``vern.guide.cards.result_cards`` uses it only while
    ``version`` (the card template and catalogue) and ``service_updated_at``
    still match, and renders the card afresh otherwise.
    """

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    html = models.TextField()
    version = models.CharField(max_length=32)
    service_updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"card {self.service_id}"
