from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vern.core.validators import single_line_inputs
from vern.prevention.models import (
    Activity,
    AgeGroup,
    Agreement,
    Partner,
    PartnerContact,
    Programme,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DeliveryForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Kindergarten or school"), queryset=None)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None)
    age_group = forms.ChoiceField(label=_("Age group"), choices=AgeGroup.choices)
    last_delivered_on = forms.DateField(
        label=_("Last delivered"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty if the programme is planned but not yet delivered."),
    )

    def __init__(self, *args, units, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["programme"].queryset = programmes

    def clean_last_delivered_on(self):
        value = self.cleaned_data["last_delivered_on"]
        if value and value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value


class UnitGroupsForm(forms.Form):
    age_groups = forms.MultipleChoiceField(
        label=_("Age groups the institution has"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Untick the groups the institution does not have. The coverage then shows "
            "them as “no such age group” instead of a gap."
        ),
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["age_groups"].choices = [(group.value, group.label) for group in groups]


@single_line_inputs
class ProgrammeForm(forms.ModelForm):
    age_groups = forms.MultipleChoiceField(
        label=_("Age groups"), choices=AgeGroup.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Programme
        fields = ["name", "owner", "url", "description", "age_groups"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


QUARTERS = [
    (1, _("1st quarter")),
    (2, _("2nd quarter")),
    (3, _("3rd quarter")),
    (4, _("4th quarter")),
]


class IntroForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTERS, coerce=int)
    offered = forms.IntegerField(label=_("Conversations offered"), min_value=0, max_value=100_000)
    held = forms.IntegerField(label=_("Conversations held"), min_value=0, max_value=100_000)

    def clean(self):
        data = super().clean()
        year, quarter = data.get("year"), data.get("quarter")
        today = timezone.localdate()
        if year and quarter and (year, quarter) > (today.year, (today.month - 1) // 3 + 1):
            raise ValidationError(_("The quarter has not started yet."))
        return data


@single_line_inputs
class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "kind", "description", "url"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


@single_line_inputs
class ContactForm(forms.ModelForm):
    class Meta:
        model = PartnerContact
        fields = ["name", "role", "email", "phone"]


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["title", "content", "starts_on", "ends_on", "grant_conditions"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3}),
            "grant_conditions": forms.Textarea(attrs={"rows": 3}),
            "starts_on": DateInput,
            "ends_on": DateInput,
        }

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError({"ends_on": _("The agreement cannot end before it starts.")})
        return data


@single_line_inputs
class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["held_on", "title", "participants"]
        widgets = {"held_on": DateInput}
