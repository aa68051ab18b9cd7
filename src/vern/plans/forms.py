from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vern.core import versioning
from vern.core.models import Unit, User
from vern.core.validators import single_line_inputs
from vern.plans.models import Area, CoverageNote, Measure, Plan, PlanMeasure, Review
from vern.plans.services import PLAN_TEXT_FIELDS, plan_measure_values, review_item_problems

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeasureChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Measure) -> str:
        return f"{obj.code} {obj.title}" if obj.code else obj.title


@single_line_inputs
class PlanCreateForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        initial=_("Action plan against domestic violence and negative social control"),
    )
    start_year = forms.IntegerField(label=_("First year"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("Last year"), min_value=2000, max_value=2100)
    measures = MeasureChoiceField(
        label=_("Measures from the catalogue"),
        queryset=Measure.objects.none(),
        required=False,
        help_text=_("You can add, remove and adjust measures later."),
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].queryset = Measure.objects.available_to(municipality)

    def clean(self):
        data = super().clean()
        if (
            data.get("start_year")
            and data.get("end_year")
            and data["end_year"] < data["start_year"]
        ):
            self.add_error("end_year", _("The last year cannot be before the first year."))
        return data


@single_line_inputs
class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = PLAN_TEXT_FIELDS
        widgets = {
            "next_review_on": DATE,
            **{
                name: forms.Textarea(attrs={"rows": 4})
                for name in (
                    "foreword",
                    "mandate",
                    "working_group",
                    "reference_group",
                    "prevalence",
                    "existing_services",
                    "cooperation",
                    "competence",
                    "focus_areas",
                    "goals",
                )
            },
        }


@single_line_inputs
class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Plan.Status.choices)
    adopted_on = forms.DateField(label=_("Adopted on"), required=False, widget=DATE)
    case_reference = forms.CharField(
        label=_("Council case reference"), max_length=60, required=False
    )


@single_line_inputs
class VersionForm(forms.Form):
    label = forms.CharField(label=_("Name of the version"), max_length=200)


@single_line_inputs
class LocalMeasureForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    area = forms.ChoiceField(label=_("Area"), choices=Area.choices)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


@single_line_inputs
class PlanMeasureForm(forms.ModelForm):
    class Meta:
        model = PlanMeasure
        fields = [
            "description",
            "responsible_unit",
            "responsible_person",
            "partners",
            "start_on",
            "due_on",
            "budget_nok",
            "status",
            "status_reason",
        ]
        widgets = {
            "start_on": DATE,
            "due_on": DATE,
            "description": forms.Textarea(attrs={"rows": 4}),
            "partners": forms.Textarea(attrs={"rows": 2}),
            "status_reason": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "budget_nok": {
                "invalid": _("Give the budget in whole kroner, without spaces or decimals."),
                "min_value": _("The budget cannot be negative."),
            }
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = Unit.objects.filter(municipality=municipality)
        self.fields["responsible_person"].queryset = User.objects.filter(
            memberships__municipality=municipality, is_active=True
        ).distinct()
        self.fields["budget_nok"].widget.attrs.update({"inputmode": "numeric", "min": 0})
        if not self.instance._state.adding:
            # The version opened and what it showed, to notice a save in between.
            versioning.add_version_fields(self, plan_measure_values(self.instance))


@single_line_inputs
class AddMeasureForm(PlanMeasureForm):
    class Meta(PlanMeasureForm.Meta):
        fields = ["measure", *PlanMeasureForm.Meta.fields]

    def __init__(self, *args, municipality, plan, **kwargs):
        # The row being validated must know its plan and municipality, or the
        # model's own checks compare units and measures with nothing.
        kwargs.setdefault("instance", PlanMeasure(plan=plan, municipality=municipality))
        super().__init__(*args, municipality=municipality, **kwargs)
        self.fields["measure"].queryset = Measure.objects.available_to(municipality).exclude(
            pk__in=plan.measures.values("measure")
        )


@single_line_inputs
class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due date"), widget=DATE)


@single_line_inputs
class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=200)
    unit = forms.CharField(label=_("Unit of measurement"), max_length=40, required=False)
    baseline = forms.DecimalField(
        label=_("Starting value"), max_digits=12, decimal_places=2, required=False
    )
    target = forms.DecimalField(label=_("Target"), max_digits=12, decimal_places=2)


@single_line_inputs
class MeasurementForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=None)
    measured_on = forms.DateField(label=_("Date"), widget=DATE)
    value = forms.DecimalField(label=_("Value"), max_digits=12, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, plan_measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = plan_measure.indicators.all()


@single_line_inputs
class NoteForm(forms.Form):
    text = forms.CharField(label=_("Progress note"), widget=forms.Textarea(attrs={"rows": 3}))


@single_line_inputs
class CoverageForm(forms.Form):
    measure = forms.CharField(widget=forms.HiddenInput)
    coverage = forms.ChoiceField(label=_("Coverage"), choices=CoverageNote.Coverage.choices)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


@single_line_inputs
class ReviewForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Review.Kind.choices)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


@single_line_inputs
class MilestoneEditForm(MilestoneForm):
    done_on = forms.DateField(
        label=_("Done on"),
        widget=DATE,
        required=False,
        help_text=_("Leave empty while the milestone is not reached."),
    )


@single_line_inputs
class MeasurementEditForm(forms.Form):
    measured_on = forms.DateField(label=_("Date"), widget=DATE)
    value = forms.DecimalField(label=_("Value"), max_digits=12, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


def review_prefill(plan_measure: PlanMeasure, *, today) -> dict:
    """The answer a review starts from, read off the measure's recorded status.

    Started unless the status is "not started". Carried out as planned while
    the measure is not started (and not yet due to start), in progress or
    done, and not overdue; paused and dropped measures are not. "Why" starts
    as the status's own reason.
    """
    Status = PlanMeasure.Status
    late_start = (
        plan_measure.status == Status.NOT_STARTED
        and plan_measure.start_on is not None
        and plan_measure.start_on < today
    )
    overdue = (
        plan_measure.is_open
        and plan_measure.due_on is not None
        and plan_measure.due_on < today
        and plan_measure.status != Status.DONE
    )
    return {
        "started": plan_measure.status != Status.NOT_STARTED,
        "as_planned": plan_measure.status not in PlanMeasure.NEEDS_REASON
        and not late_start
        and not overdue,
        "not_done": "",
        "why": plan_measure.status_reason
        if plan_measure.status in PlanMeasure.NEEDS_REASON
        else "",
    }


class ReviewItemForm(forms.Form):
    """One measure's answer in a review; the rule is ``services.review_item_problems``."""

    started = forms.BooleanField(label=_("Started"), required=False)
    as_planned = forms.BooleanField(label=_("Carried out as planned"), required=False)
    not_done = forms.CharField(
        label=_("What was not done"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    why = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, plan_measure: PlanMeasure, saved=None, **kwargs):
        kwargs.setdefault("prefix", f"item-{plan_measure.pk}")
        super().__init__(*args, **kwargs)
        self.plan_measure = plan_measure
        self.saved = saved
        measure = plan_measure.measure
        # The error summary names the measure before the field's own label.
        self.summary_prefix = f"{measure.code} {measure.title}" if measure.code else measure.title
        for name in ("started", "as_planned"):
            self.fields[name].widget.attrs["class"] = "ds-input"

    def clean(self):
        data = super().clean()
        values = {
            "started": data.get("started", False),
            "as_planned": data.get("as_planned", False),
            "not_done": data.get("not_done", ""),
            "why": data.get("why", ""),
        }
        check_status = self.saved is None or (self.saved.started, self.saved.as_planned) != (
            values["started"],
            values["as_planned"],
        )
        for name, message in review_item_problems(
            plan_measure=self.plan_measure, check_status=check_status, **values
        ).items():
            self.add_error(name, message)
        return data

    def answer(self) -> dict:
        return {"plan_measure": self.plan_measure, **self.cleaned_data}
