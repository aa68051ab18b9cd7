"""Forms for the staff side of the directory."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from vern.core import versioning
from vern.core.models import Membership, Municipality, Role, User
from vern.core.validators import single_line_inputs
from vern.directory.languages import language_choices
from vern.directory.models import (
    GuidePage,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    Synonym,
    TaxonomyTerm,
)
from vern.directory.models.services import phone_validator
from vern.directory.services import PROPOSABLE_FIELDS, ServiceRelated, version_values

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
CHECKS = forms.CheckboxSelectMultiple


class ColumnChecks(forms.CheckboxSelectMultiple):
    """Checkboxes in as many columns as the width allows (a long list of short names)."""

    template_name = "directory/widgets/column_checks.html"


class TermChoiceField(forms.ModelMultipleChoiceField):
    widget = CHECKS

    def label_from_instance(self, obj: TaxonomyTerm) -> str:
        return obj.name


class PersonChoiceField(forms.ModelMultipleChoiceField):
    widget = CHECKS

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.email})"


class AreaChoiceField(forms.ModelMultipleChoiceField):
    widget = CHECKS

    def label_from_instance(self, obj: Municipality) -> str:
        return obj.name


@single_line_inputs
class ServiceForm(forms.ModelForm):
    """Everything about one entry except phones and opening hours (formsets).

    ``mode="propose"`` (an organisation editor) leaves out what only the
    owner decides: organisation, national flag, editors and the cycle.
    """

    new_organization_name = forms.CharField(
        label=_("Or a new organisation: name"), max_length=200, required=False
    )
    new_organization_description = forms.CharField(
        label=_("About the new organisation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    target_groups = TermChoiceField(
        label=_("Target groups"), queryset=TaxonomyTerm.objects.none(), required=False
    )
    violence_forms = TermChoiceField(
        label=_("Forms of violence"), queryset=TaxonomyTerm.objects.none(), required=False
    )
    languages_offered = forms.MultipleChoiceField(
        label=_("Languages offered"),
        required=False,
        widget=ColumnChecks,
        help_text=_("Tick every language people can be helped in, with or without an interpreter."),
    )
    locations = forms.ModelMultipleChoiceField(
        label=_("Where it is offered"),
        queryset=Location.objects.none(),
        required=False,
        widget=CHECKS,
        help_text=_("Locations of the organisation. Add them on the organisation's page."),
    )

    # (key, legend, fields); the template puts phones after "contact" and
    # opening hours after "when".
    GROUPS = [
        (
            "organization",
            _("Organisation"),
            ["organization", "new_organization_name", "new_organization_description"],
        ),
        (
            "about",
            _("About the service"),
            ["name", "alternate_name", "description", "status", "alert"],
        ),
        (
            "audience",
            _("Who it is for"),
            ["eligibility_description", "target_groups", "violence_forms", "languages_offered"],
        ),
        (
            "contact",
            _("How it works and how to get in touch"),
            [
                "how_it_works",
                "how_to_contact",
                "application_process",
                "url",
                "email",
                "is_free",
                "fees_description",
            ],
        ),
        ("referral", _("Referral"), ["referral", "referral_from", "referral_how"]),
        ("when", _("When it is open"), ["acute", "open_24_7", "schedule_note"]),
        ("where", _("Where"), ["is_national", "areas", "locations"]),
        (
            "facilities",
            _("Facilities"),
            [
                "wheelchair_access",
                "adapted_disabilities",
                "accommodation_women",
                "accommodation_men",
                "accommodation_children",
                "day_services",
                "accepts_substance_use",
                "pets_allowed",
            ],
        ),
        ("upkeep", _("Keeping it true"), ["editors", "verification_days"]),
    ]

    class Meta:
        model = Service
        fields = [
            "organization",
            "name",
            "alternate_name",
            "description",
            "status",
            "alert",
            "url",
            "email",
            "eligibility_description",
            "how_it_works",
            "how_to_contact",
            "application_process",
            "is_free",
            "fees_description",
            "referral",
            "referral_from",
            "referral_how",
            "acute",
            "open_24_7",
            "schedule_note",
            "is_national",
            "areas",
            "wheelchair_access",
            "adapted_disabilities",
            "accommodation_women",
            "accommodation_men",
            "accommodation_children",
            "day_services",
            "accepts_substance_use",
            "pets_allowed",
            "editors",
            "verification_days",
        ]
        field_classes = {"areas": AreaChoiceField, "editors": PersonChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "eligibility_description": forms.Textarea(attrs={"rows": 3}),
            "how_it_works": forms.Textarea(attrs={"rows": 3}),
            "how_to_contact": forms.Textarea(attrs={"rows": 3}),
            "application_process": forms.Textarea(attrs={"rows": 3}),
            "referral_how": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "organization": _("Choose the organisation, or write the name of a new one below."),
            "areas": _("Other municipalities whose residents can use the service."),
            "editors": _("They are reminded before the entry falls due for verification."),
        }

    def __init__(
        self,
        *args,
        municipality: Municipality | None,
        organizations,
        national_choice: bool,
        mode: str = "direct",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        service = self.instance
        self.municipality = municipality
        self.mode = mode
        self.fields["organization"].queryset = organizations
        self.fields["organization"].required = False
        self.fields["target_groups"].queryset = TaxonomyTerm.objects.filter(
            taxonomy__code="target_group"
        )
        self.fields["violence_forms"].queryset = TaxonomyTerm.objects.filter(
            taxonomy__code="violence"
        )
        # Vern's languages, and any other code the entry has (from an import, say).
        self.fields["languages_offered"].choices = language_choices(
            [] if service._state.adding else list(service.languages.values_list("code", flat=True))
        )
        self.fields["verification_days"].widget.attrs.update({"inputmode": "numeric", "min": 7})
        for name in ("organization", "is_national", "areas", "editors", "verification_days"):
            self.fields[name].required = False
        existing = not service._state.adding
        if existing:
            terms = list(service.terms.all())
            self.initial.setdefault(
                "target_groups", [t.pk for t in terms if t.taxonomy.code == "target_group"]
            )
            self.initial.setdefault(
                "violence_forms", [t.pk for t in terms if t.taxonomy.code == "violence"]
            )
            self.initial.setdefault(
                "languages_offered", list(service.languages.values_list("code", flat=True))
            )
            self.initial.setdefault(
                "locations", list(service.service_at_locations.values_list("location", flat=True))
            )
        # ``organizations`` comes scoped from the view; these are their locations.
        self.fields["locations"].queryset = (
            Location.objects.for_system(reason="locations of the organisations the view allows")
            .filter(organization__in=organizations)
            .select_related("organization")
        )
        self.fields["locations"].label_from_instance = lambda loc: (
            f"{loc.name} ({loc.organization.name})"
        )
        # Areas: the county's municipalities and our own, plus any already served.
        home = municipality or service.owner
        areas = Municipality.objects.none()
        if home is not None:
            areas = Municipality.objects.filter(Q(county_number=home.county_number) | Q(pk=home.pk))
        if existing:
            areas = areas | Municipality.objects.filter(pk__in=service.areas.values("pk"))
        self.fields["areas"].queryset = areas.distinct().order_by("name")
        # Responsible editors: people with a role where the entry belongs.
        place = service.owner_id or getattr(municipality, "pk", None)
        people = Membership.objects.filter(municipality_id=place) if place else None
        if national_choice or service.is_national or municipality is None:
            nationals = Membership.objects.filter(role=Role.NATIONAL)
            people = nationals if people is None else people | nationals
        editors = User.objects.filter(pk__in=people.values("user"), is_active=True)
        if existing:
            editors = editors | User.objects.filter(pk__in=service.editors.values("pk"))
        self.fields["editors"].queryset = editors.distinct().order_by("full_name")
        # Only national editors decide that an entry covers the whole country.
        if not national_choice:
            del self.fields["is_national"]
        if municipality is None and service.owner_id is None:
            del self.fields["areas"]
        if existing and mode != "propose":
            # The version opened and what it showed, to notice a save in between.
            versioning.add_version_fields(self, version_values(service))
        if mode == "propose":
            for name in list(self.fields):
                if name in (
                    "organization",
                    "new_organization_name",
                    "new_organization_description",
                    "is_national",
                    "editors",
                    "verification_days",
                ):
                    del self.fields[name]

    def fieldsets(self):
        return [
            (key, legend, [self[name] for name in names if name in self.fields])
            for key, legend, names in self.GROUPS
            if any(name in self.fields for name in names)
        ]

    def clean(self):
        data = super().clean()
        if "organization" in self.fields:
            chosen, new_name = data.get("organization"), data.get("new_organization_name", "")
            if chosen and new_name:
                self.add_error(
                    "new_organization_name",
                    _("Choose an organisation or write a new one, not both."),
                )
            elif not chosen and not new_name:
                self.add_error("organization", _("Choose the organisation that runs the service."))
            elif new_name and not data.get("new_organization_description", "").strip():
                self.add_error(
                    "new_organization_description", _("Say in a sentence what the organisation is.")
                )
            organization = chosen
        else:
            organization = self.instance.organization
        if data.get("referral") == Service.Referral.REQUIRED and not data.get("referral_from"):
            self.add_error(
                "referral_from", _("Say who can refer, for example your GP or child welfare.")
            )
        if data.get("locations") and any(
            loc.organization_id != getattr(organization, "pk", None) for loc in data["locations"]
        ):
            self.add_error(
                "locations", _("Choose only locations of the organisation that runs the service.")
            )
        if "verification_days" in self.fields and not data.get("verification_days"):
            data["verification_days"] = self.instance.verification_days or 180
            self.instance.verification_days = data["verification_days"]
        return data

    def new_organization(self) -> dict | None:
        name = self.cleaned_data.get("new_organization_name", "")
        if not name:
            return None
        return {
            "name": name,
            "description": self.cleaned_data["new_organization_description"].strip(),
        }

    def related(self, *, phones, schedules, translations=None) -> ServiceRelated:
        data = self.cleaned_data
        return ServiceRelated(
            translations=translations.rows() if translations is not None else None,
            areas=list(data["areas"]) if "areas" in self.fields else None,
            terms=[*data["target_groups"], *data["violence_forms"]],
            editors=list(data["editors"]) if "editors" in self.fields else None,
            languages=data["languages_offered"],
            locations=list(data["locations"]),
            phones=phones.rows(),
            schedules=schedules.rows(),
        )

    def proposal(self) -> dict:
        return {name: self.cleaned_data[name] for name in PROPOSABLE_FIELDS if name in self.fields}


@single_line_inputs
class PhoneForm(forms.Form):
    id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    number = forms.CharField(
        label=_("Number"), max_length=20, required=False, validators=[phone_validator]
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Phone.Kind.choices, initial=Phone.Kind.VOICE)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    is_free = forms.BooleanField(label=_("Free to call"), required=False, initial=True)


@single_line_inputs
class ScheduleForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Day"),
        choices=[("", "–"), *Schedule.Day.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    opens_at = forms.TimeField(label=_("Opens"), required=False, widget=TIME)
    closes_at = forms.TimeField(label=_("Closes"), required=False, widget=TIME)

    def clean(self):
        data = super().clean()
        day, opens, closes = data.get("weekday"), data.get("opens_at"), data.get("closes_at")
        if self.errors or not (opens or closes):
            return data
        if not (opens and closes):
            raise ValidationError(_("Give both the opening and the closing time."))
        if not day:
            self.add_error("weekday", _("Choose the day."))
        elif closes <= opens:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        return data


class _RowsFormSet(forms.BaseFormSet):
    """Rows of an entry (phones, opening hours): a row is kept when its ``key``
    field is filled in and its "remove" box is not ticked."""

    key = ""
    remove_label = _("Remove")

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if forms.formsets.DELETION_FIELD_NAME in form.fields:
            form.fields[forms.formsets.DELETION_FIELD_NAME].label = self.remove_label

    def rows(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data.get(self.key) and not self._should_delete_form(form)
        ]

    @classmethod
    def with_one_more_row(cls, data, prefix: str):
        """``data`` (a submitted form) with one more empty row for this formset,
        its fields at their defaults; the same ``data`` when it has all the rows
        it may have (or a management form that cannot be read)."""
        key = f"{prefix}-{forms.formsets.TOTAL_FORM_COUNT}"
        try:
            total = int(data.get(key, ""))
        except ValueError:
            return data
        if not 0 <= total < cls.max_num:
            return data
        data = data.copy()
        data[key] = str(total + 1)
        for name, field in cls.form.base_fields.items():
            if field.initial is True:
                data[f"{prefix}-{total}-{name}"] = "on"
            elif field.initial not in (None, False, ""):
                data[f"{prefix}-{total}-{name}"] = str(field.initial)
        return data


class _PhoneFormSet(_RowsFormSet):
    key = "number"
    remove_label = _("Remove this number")


class _ScheduleFormSet(_RowsFormSet):
    key = "opens_at"
    remove_label = _("Remove these opening hours")


# One empty row to fill in; "Add phone number" and "Add opening hours" give more
# (the form is sent and shown again with one more row, nothing is saved).
PhoneFormSet = forms.formset_factory(
    PhoneForm,
    formset=_PhoneFormSet,
    extra=1,
    max_num=20,
    validate_max=True,
    absolute_max=40,
    can_delete=True,
    can_delete_extra=False,
)
ScheduleFormSet = forms.formset_factory(
    ScheduleForm,
    formset=_ScheduleFormSet,
    extra=1,
    max_num=30,
    validate_max=True,
    absolute_max=60,
    can_delete=True,
    can_delete_extra=False,
)


def translation_language_choices(extra=()) -> list[tuple[str, str]]:
    """The guide's languages other than bokmål (the entry's own), and any other
    code an entry's version has (from an import), by name."""
    from django.conf import settings

    from vern.directory.languages import language_label

    codes = [code for code, _name in settings.LANGUAGES if code != "nb"]
    codes += [code for code in extra if code not in codes and code != "nb"]
    return [("", "–"), *((code, language_label(code)) for code in codes)]


@single_line_inputs
class TranslationForm(forms.Form):
    """One language version of an entry's resident-facing texts."""

    language = forms.ChoiceField(label=_("Language"), required=False)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What the service offers"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    eligibility_description = forms.CharField(
        label=_("Who it is for"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    how_to_contact = forms.CharField(
        label=_("How to get in touch"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    machine_assisted = forms.BooleanField(
        label=_("Machine-assisted, not yet reviewed by someone fluent in the language"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        extra = [self.initial.get("language")] if self.initial.get("language") else []
        self.fields["language"].choices = translation_language_choices(extra)

    def clean(self):
        data = super().clean()
        if data.get("language"):
            for name in ("name", "description"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("Write this in the chosen language."))
        elif any((data.get(name) or "").strip() for name in ("name", "description")):
            self.add_error("language", _("Choose the language this text is in."))
        return data


class _TranslationFormSet(_RowsFormSet):
    key = "language"
    remove_label = _("Remove this language version")

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        languages = [row["language"] for row in self.rows()]
        if len(languages) != len(set(languages)):
            raise ValidationError(_("Each language can only have one version."))


TranslationFormSet = forms.formset_factory(
    TranslationForm,
    formset=_TranslationFormSet,
    extra=1,
    max_num=20,
    validate_max=True,
    absolute_max=40,
    can_delete=True,
    can_delete_extra=False,
)


def translation_initial(service: Service | None) -> list[dict]:
    from vern.directory.services.entries import translation_rows

    if service is None or service._state.adding:
        return []
    return translation_rows(service)


def unchecked(*forms_and_formsets) -> None:
    """Show bound forms again as they were typed, without checking them: the
    person asked for another row, not to save, so nothing is marked as wrong yet."""
    for item in forms_and_formsets:
        if isinstance(item, forms.BaseFormSet):
            item._non_form_errors = item.error_class(renderer=item.renderer)
            item._errors = []
            for form in item.forms:
                form._errors = ErrorDict(renderer=form.renderer)
                item._errors.append(form._errors)
        else:
            item._errors = ErrorDict(renderer=item.renderer)


def phone_initial(service: Service | None) -> list[dict]:
    if service is None or service._state.adding:
        return []
    return [
        {
            "id": p.pk,
            "number": p.number,
            "kind": p.kind,
            "description": p.description,
            "is_free": p.is_free,
        }
        for p in service.phones.order_by("pk")
    ]


def schedule_initial(service: Service | None) -> list[dict]:
    if service is None or service._state.adding:
        return []
    return [
        {"weekday": s.weekday, "opens_at": s.opens_at, "closes_at": s.closes_at}
        for s in service.schedules.all()
    ]


@single_line_inputs
class VerifyForm(forms.Form):
    pass


@single_line_inputs
class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "alternate_name", "description", "email", "website"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


@single_line_inputs
class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = [
            "name",
            "address",
            "postal_code",
            "directions",
            "is_confidential",
            "public_contact_point",
            "wheelchair_access",
            "accessibility",
        ]
        widgets = {
            "directions": forms.Textarea(attrs={"rows": 2}),
            "public_contact_point": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "postal_code": _("The postal town and municipality are filled in from the code."),
            "is_confidential": _(
                "The street address is then never shown in public: not on the guide's pages, "
                "in the API, in exports or on posters."
            ),
        }
        error_messages = {"postal_code": {"invalid": _("A postal code has four digits.")}}

    def clean(self):
        data = super().clean()
        if data.get("is_confidential") and not (data.get("public_contact_point") or "").strip():
            self.add_error(
                "public_contact_point",
                _(
                    "A confidential address needs a public contact point, "
                    "for example a phone number or a meeting place."
                ),
            )
        code = data.get("postal_code")
        if code:
            from vern.directory.selectors import _postal_codes

            if code not in _postal_codes():
                self.add_error("postal_code", _("There is no such postal code."))
        return data


@single_line_inputs
class EditorInviteForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))


@single_line_inputs
class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the editor"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you reject the change."),
    )


@single_line_inputs
class SynonymForm(forms.ModelForm):
    class Meta:
        model = Synonym
        fields = ["term", "expands_to"]
        help_texts = {
            "expands_to": _(
                "Words separated by spaces or commas. To tie the search word to a situation "
                "the guide knows, add its key with a #, for example #sexual_violence."
            )
        }

    def clean_term(self) -> str:
        return self.cleaned_data["term"].strip().casefold()


class _SynonymFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            term = (form.cleaned_data.get("term") or "").strip().casefold()
            if not term or self._should_delete_form(form):
                continue
            if term in seen:
                form.add_error("term", _("This search word is in the list twice."))
            seen.add(term)


SynonymFormSet = forms.modelformset_factory(
    Synonym,
    form=SynonymForm,
    formset=_SynonymFormSet,
    extra=3,
    can_delete=True,
    max_num=2000,
    absolute_max=2100,
)


@single_line_inputs
class GuidePageForm(forms.ModelForm):
    """A page that explains, in one language: the municipality's own version or,
    for national editors, the national one."""

    class Meta:
        model = GuidePage
        fields = [
            "title",
            "summary",
            "body",
            "keywords",
            "sources",
            "last_reviewed",
            "machine_assisted",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 18}),
            "sources": forms.Textarea(attrs={"rows": 5}),
            "last_reviewed": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            from vern.directory.services.pages import page_values

            versioning.add_version_fields(self, page_values(self.instance))

    def clean_sources(self) -> str:
        text = self.cleaned_data["sources"].strip()
        if not text:
            raise ValidationError(_("Name at least one source."))
        return text
