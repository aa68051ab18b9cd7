"""Forms of the consultation team. The identifier check itself runs in the services."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from vern.consultations.models import (
    AgeBand,
    Agency,
    ConcernLevel,
    ProtectiveFactor,
    Recommendation,
    RiskFactor,
    Setting,
    SharedInformation,
    TeamMember,
)
from vern.core.dates import long_datetime
from vern.core.forms import PersonChoiceField
from vern.core.models import Municipality
from vern.core.validators import single_line_inputs

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
NO_NAMES = _(
    "Write no names, national identity numbers, phone numbers or e-mail addresses: the team "
    "gives advice without knowing who the child is. Describe what you saw and heard."
)


@single_line_inputs
class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    first_meeting_on = forms.DateField(label=_("First meeting"), widget=DATE_INPUT)
    meeting_time = forms.TimeField(label=_("Meeting time"), widget=TIME_INPUT)
    duration_minutes = forms.IntegerField(
        label=_("Length in minutes"), min_value=15, max_value=480, initial=90
    )
    interval_weeks = forms.IntegerField(
        label=_("Weeks between meetings"), min_value=1, max_value=12, initial=4
    )
    location = forms.CharField(label=_("Meeting place"), max_length=200, required=False)
    partners = forms.ModelMultipleChoiceField(
        label=_("Shared with other municipalities"),
        queryset=Municipality.objects.none(),
        required=False,
        help_text=_("Staff of these municipalities can also bring concerns to the team."),
    )

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Municipality.objects.exclude(
            pk=municipality.pk
        ).order_by("name")
        self.fields["partners"].widget.attrs["size"] = 8


class MemberForm(forms.Form):
    user = PersonChoiceField(label=_("Person"), queryset=None, empty_label=_("Choose a person"))
    agency = forms.ChoiceField(
        label=_("Agency"), choices=[("", _("Choose an agency")), *Agency.choices]
    )
    team_role = forms.ChoiceField(
        label=_("Role on the team"),
        choices=TeamMember.TeamRole.choices,
        initial=TeamMember.TeamRole.MEMBER,
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].help_text = _(
            "People of your municipality with the role “consultation team member”."
        )


class ConcernForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, empty_label=_("Choose a team"))
    source_unit = forms.ModelChoiceField(
        label=_("Your unit"),
        queryset=None,
        required=False,
        empty_label=_("Not stated"),
        help_text=_("Used only for the team's statistics."),
    )
    age_band = forms.ChoiceField(
        label=_("The child's age"), choices=[("", _("Choose an age")), *AgeBand.choices]
    )
    setting = forms.ChoiceField(
        label=_("Where you met the child"), choices=[("", _("Choose a setting")), *Setting.choices]
    )
    worry = forms.CharField(
        label=_("What worries you"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text=NO_NAMES,
    )
    tried = forms.CharField(
        label=_("What has been tried so far"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        required=False,
    )

    meeting = forms.ModelChoiceField(
        label=_("Meeting"),
        queryset=None,
        required=False,
        empty_label=_("The team's next meeting"),
        help_text=_("Choose a later meeting if the team needs someone there who is away."),
    )

    field_order = ["submission_key", "team", "meeting"]

    def __init__(self, *args, teams, units, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["source_unit"].queryset = units
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = meeting_label
        only = list(teams[:2])
        if len(only) == 1:
            self.fields["team"].initial = only[0].pk


def meeting_label(meeting) -> str:
    return f"{meeting.team.name}: {long_datetime(meeting.starts_at)}"


class MeetingChoiceField(forms.ModelChoiceField):
    """One of a team's coming meetings, named by its team and time."""

    def label_from_instance(self, obj) -> str:
        return meeting_label(obj)


class PlaceForm(forms.Form):
    meeting = MeetingChoiceField(
        label=_("Meeting"),
        queryset=None,
        required=False,
        empty_label=_("Awaiting a meeting (the team's next)"),
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class CancelForm(forms.Form):
    move_to = MeetingChoiceField(
        label=_("The concerns on its agenda"),
        queryset=None,
        required=False,
        empty_label=_("Back to awaiting a meeting (the team's next)"),
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["move_to"].queryset = meetings


@single_line_inputs
class MoveForm(forms.Form):
    starts_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    starts_time = forms.TimeField(label=_("Time"), widget=TIME_INPUT)
    duration_minutes = forms.IntegerField(label=_("Length in minutes"), min_value=15, max_value=480)
    location = forms.CharField(label=_("Meeting place"), max_length=200, required=False)


class AdviceForm(forms.Form):
    form_key = forms.UUIDField(widget=forms.HiddenInput)
    meeting = forms.ModelChoiceField(
        label=_("Meeting"), queryset=None, required=False, empty_label=_("Outside a meeting")
    )
    concern_level = forms.ChoiceField(
        label=_("Concern level"),
        choices=ConcernLevel.choices,
        widget=forms.RadioSelect,
    )
    risk_factors = forms.MultipleChoiceField(
        label=_("Risk factors"),
        choices=RiskFactor.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    protective_factors = forms.MultipleChoiceField(
        label=_("Protective factors"),
        choices=ProtectiveFactor.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    factors_note = forms.CharField(
        label=_("More about the factors"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
    )
    text = forms.CharField(
        label=_("The team's advice"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=NO_NAMES,
    )
    recommendations = forms.MultipleChoiceField(
        label=_("Recommended actions"),
        choices=Recommendation.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one recommended action.")},
    )
    follow_up_on = forms.DateField(
        label=_("Follow-up date"),
        widget=DATE_INPUT,
        required=False,
        help_text=_(
            "The person who brought the concern is reminded on this day, and the concern "
            "comes back on the team's agenda. Needed when the team is to be consulted again."
        ),
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: long_datetime(m.starts_at)


class SharedForm(forms.Form):
    agency = forms.ChoiceField(
        label=_("Shared by"), choices=[("", _("Choose an agency")), *Agency.choices]
    )
    summary = forms.CharField(
        label=_("What was shared"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        help_text=NO_NAMES,
    )
    basis = forms.ChoiceField(
        label=_("Legal basis"),
        choices=SharedInformation.Basis.choices,
        widget=forms.RadioSelect,
    )
    provision = forms.CharField(
        label=_("Provision or consent"),
        max_length=300,
        help_text=_(
            "Name the provision in the act the information was shared under, or where the "
            "consent is recorded."
        ),
    )


@single_line_inputs
class ActionForm(forms.Form):
    description = forms.CharField(label=_("Action"), max_length=300, help_text=NO_NAMES)
    agency = forms.ChoiceField(
        label=_("Responsible agency"), choices=[("", _("Choose an agency")), *Agency.choices]
    )
    concern = forms.ModelChoiceField(
        label=_("Concern"), queryset=None, required=False, empty_label=_("None in particular")
    )

    def __init__(self, *args, concerns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concern"].queryset = concerns
        self.fields["concern"].label_from_instance = lambda c: f"{c.reference}: {c}"


def default_follow_up(today: datetime.date, weeks: int = 4) -> datetime.date:
    return today + datetime.timedelta(weeks=weeks)
