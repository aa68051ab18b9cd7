"""Forms of the pathway pages. Rules that need the database are the services'."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from vern.core import versioning
from vern.core.forms import PersonChoiceField
from vern.core.models import Role, Unit, User
from vern.core.selectors import people_with_roles
from vern.core.validators import single_line_inputs
from vern.pathways.models import (
    Need,
    Pathway,
    PathwaySettings,
    ProtectiveOrder,
    Referral,
    ReleaseFollowUp,
)
from vern.pathways.models.pathway import Area
from vern.pathways.services import PATHWAY_FIELDS, PATHWAY_ROLES, pathway_values

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def people(municipality, roles=PATHWAY_ROLES):
    """Active people holding one of ``roles`` in the municipality."""
    return people_with_roles(municipality, roles)


class OnceForm(forms.Form):
    """A form that is saved once however often it is sent (``form_key``)."""

    form_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("form_key", uuid.uuid4())
        super().__init__(*args, **kwargs)


@single_line_inputs
class PathwayOpenForm(OnceForm):
    kind = forms.ChoiceField(
        label=_("Pathway for"), choices=Pathway.Kind.choices, widget=forms.RadioSelect
    )
    journal_number = forms.CharField(
        label=_("Journal number"),
        max_length=40,
        help_text=_("The case's reference in the municipality's own record system."),
    )
    initials = forms.CharField(
        label=_("Initials"),
        max_length=4,
        required=False,
        help_text=_("Optional. Up to four capital letters, such as KN."),
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"), required=False, min_value=1900, max_value=2100
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=Pathway.Priority.choices,
        widget=forms.RadioSelect,
        initial=Pathway.Priority.NORMAL,
        help_text=_("High priority gives tighter deadlines."),
    )
    responsible = PersonChoiceField(
        label=_("Responsible case worker"), queryset=User.objects.none()
    )
    coordinator = PersonChoiceField(
        label=_("Coordinator"), queryset=User.objects.none(), required=False
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Stored encrypted. Write no more than the pathway needs."),
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = people(municipality)
        self.fields["coordinator"].queryset = people(municipality, {Role.COORDINATOR})

    def clean_initials(self) -> str:
        return self.cleaned_data["initials"].strip().upper()


@single_line_inputs
class PathwayEditForm(forms.ModelForm):
    class Meta:
        model = Pathway
        fields = list(PATHWAY_FIELDS)
        field_classes = {"responsible": PersonChoiceField, "coordinator": PersonChoiceField}
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "priority": forms.RadioSelect,
        }

    def __init__(self, *args, municipality, pathway: Pathway, **kwargs):
        super().__init__(*args, instance=pathway, **kwargs)
        self.fields["responsible"].queryset = people(municipality)
        self.fields["coordinator"].queryset = people(municipality, {Role.COORDINATOR})
        versioning.add_version_fields(self, pathway_values(pathway))

    def clean_initials(self) -> str:
        return self.cleaned_data["initials"].strip().upper()


class ContactForm(forms.Form):
    on = forms.DateField(label=_("Date of the first contact"), widget=DATE)


class ConsentForm(OnceForm):
    given_on = forms.DateField(label=_("Consent given on"), widget=DATE)
    areas = forms.MultipleChoiceField(
        label=_("Services the person agreed may be contacted"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    share_initials = forms.BooleanField(
        label=_("Initials and year of birth may be shared with those services"), required=False
    )
    share_needs = forms.BooleanField(
        label=_("The needs assessed may be shared with those services"), required=False
    )
    share_contact = forms.BooleanField(
        label=_("The services may contact the person"), required=False
    )
    note = forms.CharField(
        label=_("What else was agreed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Stored encrypted."),
    )

    def __init__(self, *args, pathway: Pathway, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].choices = [(a, Area(a).label) for a in pathway.areas]


class AssessmentForm(forms.Form):
    """The assessment of one need area (a prefix per area on the page)."""

    assessment = forms.ChoiceField(
        label=_("Assessment"),
        choices=[c for c in Need.Assessment.choices if c[0] != Need.Assessment.PENDING],
        widget=forms.RadioSelect,
        required=False,
    )
    note = forms.CharField(
        label=_("About the assessment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeliveryForm(OnceForm):
    area = forms.ChoiceField(label=_("Need area"), choices=())
    task = forms.CharField(
        label=_("Task"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What is to be done. Stored encrypted."),
    )
    unit = forms.ModelChoiceField(
        label=_("Responsible unit"), queryset=Unit.objects.none(), required=False
    )
    person = PersonChoiceField(label=_("Responsible person"), queryset=User.objects.none())
    due = forms.DateField(
        label=_("Due date"),
        widget=DATE,
        help_text=_("A weekend or public holiday moves to the next working day."),
    )

    def __init__(self, *args, pathway: Pathway, needed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a, Area(a).label) for a in needed]
        self.fields["unit"].queryset = Unit.objects.for_system(
            reason="the units of the pathway's municipality"
        ).filter(municipality_id=pathway.municipality_id)
        self.fields["person"].queryset = people(pathway.municipality_id)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Pathway.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("About the outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Stored encrypted."),
    )


class PersonForm(forms.Form):
    user = PersonChoiceField(label=_("Person"), queryset=User.objects.none())

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people(municipality)


class ServiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.organization.name})"


class ReferralForm(OnceForm):
    area = forms.ChoiceField(label=_("Need area"), choices=())
    service = ServiceField(label=_("Service"), queryset=None)
    override_reason = forms.CharField(
        label=_("Reason for referring without consent (coordinators only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the person's consent does not cover this. It is logged."),
    )

    def __init__(self, *args, pathway: Pathway, services, can_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a, Area(a).label) for a in pathway.areas]
        self.fields["service"].queryset = services
        if not can_override:
            del self.fields["override_reason"]


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Referral.Status.choices)


@single_line_inputs
class OrderForm(OnceForm):
    type = forms.ChoiceField(label=_("Type"), choices=ProtectiveOrder.Type.choices)
    imposed_by = forms.ChoiceField(label=_("Imposed by"), choices=ProtectiveOrder.ImposedBy.choices)
    starts_on = forms.DateField(label=_("Starts"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends"), widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The order cannot end before it starts."))
        return data


class ReleaseForm(OnceForm):
    type = forms.ChoiceField(label=_("Type"), choices=ReleaseFollowUp.Type.choices)
    expected_on = forms.DateField(label=_("Expected release or leave date"), widget=DATE)
    notice_on = forms.DateField(
        label=_("Notice from the correctional service received"), widget=DATE
    )
    responsible = PersonChoiceField(label=_("Responsible person"), queryset=User.objects.none())

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = people(municipality)


class RiskForm(forms.Form):
    assessed_on = forms.DateField(label=_("Joint risk assessment held on"), widget=DATE)
    police_took_part = forms.BooleanField(label=_("The police took part"), required=False)
    correctional_took_part = forms.BooleanField(
        label=_("The correctional service took part"), required=False
    )
    risk_factors = forms.CharField(
        label=_("Known risk factors"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Stored encrypted."),
    )
    vulnerability = forms.CharField(
        label=_("The victim's vulnerability"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Stored encrypted."),
    )
    measures_considered = forms.MultipleChoiceField(
        label=_("Protective measures considered"),
        choices=ReleaseFollowUp.Measure.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    measures_decided = forms.MultipleChoiceField(
        label=_("Protective measures decided"),
        choices=ReleaseFollowUp.Measure.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    victim_contacted_on = forms.DateField(
        label=_("Victim contacted on"), widget=DATE, required=False
    )


class LinkForm(forms.Form):
    other = forms.ModelChoiceField(
        label=_("Linked pathway"), queryset=Pathway.objects.none(), required=False
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = candidates


class SettingsForm(forms.ModelForm):
    class Meta:
        model = PathwaySettings
        fields = [
            "first_contact_days",
            "assessment_days",
            "delivery_days",
            "high_first_contact_days",
            "high_assessment_days",
            "high_delivery_days",
            "order_warning_days",
            "release_weeks",
        ]
