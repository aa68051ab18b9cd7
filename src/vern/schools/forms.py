from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from vern.core.models import Unit
from vern.core.validators import single_line_inputs
from vern.schools.models import STEP_ROLE_CHOICES, NoShowCase, Signal

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTE = forms.Textarea(attrs={"rows": 4})


class SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class _Submitted(forms.Form):
    """A one-time token: the same form sent twice makes one record."""

    submission = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, schools, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        if schools.count() == 1:
            self.fields["school"].initial = schools.first().pk


@single_line_inputs
class CaseForm(_Submitted):
    school = SchoolChoiceField(label=_("School"), queryset=Unit.objects.none())
    pupil_name = forms.CharField(label=_("Pupil's name"), max_length=200)
    pupil_class = forms.CharField(label=_("Class"), max_length=20)
    guardians_contact = forms.CharField(
        label=_("Guardians' contact details"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Names and phone numbers or addresses of the guardians: only what you need."),
    )
    first_day = forms.DateField(
        label=_("First day absent"),
        widget=DATE,
        help_text=_("Usually the first school day. The routine's deadlines count from it."),
    )


@single_line_inputs
class StepForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DATE)
    outcome = forms.CharField(
        label=_("What was done, and the result"),
        widget=NOTE,
        max_length=4000,
        help_text=_(
            "Do not write national identity numbers, phone numbers or e-mail addresses here."
        ),
    )


@single_line_inputs
class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Outcome"), choices=NoShowCase.Reason.choices, widget=forms.RadioSelect
    )
    new_school = forms.CharField(
        label=_("New school"), max_length=200, required=False, help_text=_("Only when moved.")
    )
    new_school_confirmed_on = forms.DateField(
        label=_("The new school confirmed the enrolment on"),
        widget=DATE,
        required=False,
        help_text=_("Only when moved. A move counts only when the new school has confirmed it."),
    )
    child_welfare_reported_on = forms.DateField(
        label=_("Reported to child welfare on"), widget=DATE, required=False
    )
    police_reported_on = forms.DateField(
        label=_("Reported to the police on"), widget=DATE, required=False
    )
    note = forms.CharField(
        label=_("Note"),
        widget=NOTE,
        max_length=4000,
        required=False,
        help_text=_(
            "Do not write national identity numbers, phone numbers or e-mail addresses here."
        ),
    )


@single_line_inputs
class SignalForm(_Submitted):
    school = SchoolChoiceField(label=_("School"), queryset=Unit.objects.none())
    pupil_name = forms.CharField(label=_("Pupil's name"), max_length=200)
    pupil_class = forms.CharField(label=_("Class"), max_length=20)
    activity = forms.ChoiceField(
        label=_("Kept from"), choices=Signal.Activity.choices, widget=forms.RadioSelect
    )
    observed_on = forms.DateField(label=_("When it happened"), widget=DATE)
    description = forms.CharField(
        label=_("What happened"),
        widget=NOTE,
        max_length=4000,
        help_text=_(
            "What you saw or were told, and by whom (as a role: the pupil, a parent). "
            "Do not write national identity numbers, phone numbers or e-mail addresses."
        ),
    )


@single_line_inputs
class TalkForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    note = forms.CharField(
        label=_("What came out of the conversation"),
        widget=NOTE,
        max_length=4000,
        help_text=_(
            "Do not write national identity numbers, phone numbers or e-mail addresses here."
        ),
    )


@single_line_inputs
class SchoolYearForm(forms.Form):
    year = forms.IntegerField(label=_("School year starting in"), min_value=2000, max_value=2100)
    starts_on = forms.DateField(label=_("First school day"), widget=DATE)


@single_line_inputs
class TemplateStepForm(forms.Form):
    title = forms.CharField(label=_("What to do"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Responsible"), choices=STEP_ROLE_CHOICES)
    days = forms.IntegerField(
        label=_("Deadline (working days after the first day)"), min_value=0, max_value=30
    )

    def has_content(self) -> bool:
        return bool(self.cleaned_data.get("title", "").strip())


class BaseTemplateFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not any(form.cleaned_data.get("title", "").strip() for form in self.forms):
            raise forms.ValidationError(_("The routine needs at least one step."))


TemplateFormSet = forms.formset_factory(
    TemplateStepForm, formset=BaseTemplateFormSet, extra=2, max_num=10, absolute_max=10
)


@single_line_inputs
class SignalToTeamForm(forms.Form):
    """What goes to the consultation team: no name, no class, no school."""

    age_band = forms.ChoiceField(label=_("The pupil's age"))
    text = forms.CharField(
        label=_("What worries you"),
        widget=NOTE,
        max_length=4000,
        help_text=_(
            "The team must not be able to tell who the pupil is. Write without names, class, "
            "school or family details that identify anyone."
        ),
    )
    tried = forms.CharField(
        label=_("What has been tried"), widget=NOTE, max_length=4000, required=False
    )

    def __init__(self, *args, **kwargs):
        from vern.consultations.selectors import age_band_choices

        super().__init__(*args, **kwargs)
        self.fields["age_band"].choices = [("", "—"), *age_band_choices()]
