"""Staff pages for correcting what was entered on a plan measure.

Milestones, indicators, measurements and progress notes can be changed and
deleted; a recorded coverage can be forgotten. Each page fetches the plan
measure (or plan) it belongs to through ``get_scoped_or_404``, so a record of
another municipality answers 404. Deleting asks first (GET shows what goes,
POST deletes), and every write goes through a service that audits it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from vern.core.access import get_scoped_or_404, staff_view
from vern.core.dates import long_date, prose_number
from vern.core.forms import add_errors
from vern.plans import services
from vern.plans.forms import IndicatorForm, MeasurementEditForm, MilestoneEditForm, NoteForm
from vern.plans.models import Plan, PlanMeasure
from vern.plans.views.plans import EDITORS


def _plan_measure(request: HttpRequest, **lookup) -> PlanMeasure:
    """The plan measure that holds the record, in the active municipality, or 404."""
    return get_scoped_or_404(
        request, PlanMeasure.objects.select_related("plan", "measure"), **lookup
    )


def _back(plan_measure: PlanMeasure, anchor: str) -> str:
    return f"{reverse('plans:plan_measure_detail', args=[plan_measure.pk])}#{anchor}"


def _edit(
    request: HttpRequest,
    *,
    plan_measure: PlanMeasure,
    form,
    save: Callable[[dict], object],
    heading: str,
    done: str,
    anchor: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(_back(plan_measure, anchor))
    return render(
        request,
        "plans/correction_form.html",
        {
            "pm": plan_measure,
            "plan": plan_measure.plan,
            "form": form,
            "heading": heading,
            "back": _back(plan_measure, anchor),
        },
    )


def _delete(
    request: HttpRequest,
    *,
    plan_measure: PlanMeasure,
    delete: Callable[[], None],
    heading: str,
    what: str,
    consequence: str,
    done: str,
    anchor: str,
) -> HttpResponse:
    if request.method == "POST":
        delete()
        messages.success(request, done)
        return redirect(_back(plan_measure, anchor))
    return render(
        request,
        "plans/correction_delete.html",
        {
            "pm": plan_measure,
            "plan": plan_measure.plan,
            "heading": heading,
            "what": what,
            "consequence": consequence,
            "back": _back(plan_measure, anchor),
        },
    )


@staff_view(personal_data=None, roles=EDITORS)
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan_measure = _plan_measure(request, milestones=pk)
    milestone = plan_measure.milestones.get(pk=pk)
    form = MilestoneEditForm(
        request.POST or None,
        initial={
            "title": milestone.title,
            "due_on": milestone.due_on,
            "done_on": milestone.done_on,
        },
    )
    return _edit(
        request,
        plan_measure=plan_measure,
        form=form,
        save=lambda data: services.milestone_update(
            milestone=milestone, actor=request.user, **data
        ),
        heading=_("Change the milestone"),
        done=_("The milestone was saved."),
        anchor="milepaler",
    )


@staff_view(personal_data=None, roles=EDITORS)
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan_measure = _plan_measure(request, milestones=pk)
    milestone = plan_measure.milestones.get(pk=pk)
    return _delete(
        request,
        plan_measure=plan_measure,
        delete=lambda: services.milestone_delete(milestone=milestone, actor=request.user),
        heading=_("Delete the milestone?"),
        what=milestone.title,
        consequence=_("The milestone is removed from the measure."),
        done=_("The milestone was deleted."),
        anchor="milepaler",
    )


@staff_view(personal_data=None, roles=EDITORS)
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan_measure = _plan_measure(request, indicators=pk)
    indicator = plan_measure.indicators.get(pk=pk)
    form = IndicatorForm(
        request.POST or None,
        initial={
            "name": indicator.name,
            "unit": indicator.unit,
            "baseline": indicator.baseline,
            "target": indicator.target,
        },
    )
    return _edit(
        request,
        plan_measure=plan_measure,
        form=form,
        save=lambda data: services.indicator_update(
            indicator=indicator, actor=request.user, **data
        ),
        heading=_("Change the indicator"),
        done=_("The indicator was saved."),
        anchor="indikatorer",
    )


@staff_view(personal_data=None, roles=EDITORS)
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan_measure = _plan_measure(request, indicators=pk)
    indicator = plan_measure.indicators.get(pk=pk)
    return _delete(
        request,
        plan_measure=plan_measure,
        delete=lambda: services.indicator_delete(indicator=indicator, actor=request.user),
        heading=_("Delete the indicator?"),
        what=indicator.name,
        consequence=_("Its measurements are deleted with it, and it leaves the progress charts."),
        done=_("The indicator was deleted."),
        anchor="indikatorer",
    )


@staff_view(personal_data=None, roles=EDITORS)
def measurement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan_measure = _plan_measure(request, indicators__measurements=pk)
    measurement = plan_measure.indicators.get(measurements=pk).measurements.get(pk=pk)
    form = MeasurementEditForm(
        request.POST or None,
        initial={
            "measured_on": measurement.measured_on,
            "value": measurement.value,
            "note": measurement.note,
        },
    )
    return _edit(
        request,
        plan_measure=plan_measure,
        form=form,
        save=lambda data: services.measurement_update(
            measurement=measurement, actor=request.user, **data
        ),
        heading=_("Change the measurement of %(indicator)s")
        % {"indicator": measurement.indicator.name},
        done=_("The measurement was saved."),
        anchor="indikatorer",
    )


@staff_view(personal_data=None, roles=EDITORS)
def measurement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan_measure = _plan_measure(request, indicators__measurements=pk)
    measurement = plan_measure.indicators.get(measurements=pk).measurements.get(pk=pk)
    return _delete(
        request,
        plan_measure=plan_measure,
        delete=lambda: services.measurement_delete(measurement=measurement, actor=request.user),
        heading=_("Delete the measurement?"),
        what=f"{measurement.indicator.name}: {prose_number(measurement.value)} "
        f"({long_date(measurement.measured_on)})",
        consequence=_("The measurement is removed from the indicator and its chart."),
        done=_("The measurement was deleted."),
        anchor="indikatorer",
    )


@staff_view(personal_data="plans.progressnote", roles=EDITORS)
def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan_measure = _plan_measure(request, notes=pk)
    note = plan_measure.notes.get(pk=pk)
    form = NoteForm(request.POST or None, initial={"text": note.text})
    return _edit(
        request,
        plan_measure=plan_measure,
        form=form,
        save=lambda data: services.note_update(note=note, actor=request.user, **data),
        heading=_("Change the progress note"),
        done=_("The note was saved."),
        anchor="notater",
    )


@staff_view(personal_data="plans.progressnote", roles=EDITORS)
def note_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan_measure = _plan_measure(request, notes=pk)
    note = plan_measure.notes.select_related("author").get(pk=pk)
    return _delete(
        request,
        plan_measure=plan_measure,
        delete=lambda: services.note_delete(note=note, actor=request.user),
        heading=_("Delete the progress note?"),
        what=note.text,
        consequence=_("The note by %(name)s is removed from the measure.")
        % {"name": note.author.full_name},
        done=_("The note was deleted."),
        anchor="notater",
    )


@staff_view(personal_data=None, roles=EDITORS)
def coverage_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(request, Plan, coverage_notes=pk)
    note = plan.coverage_notes.select_related("measure").get(pk=pk)
    back = f"{reverse('plans:coverage', args=[plan.pk])}#tiltak-{note.measure.code}"
    if request.method == "POST":
        services.coverage_clear(note=note, actor=request.user)
        messages.success(
            request,
            _("The recorded coverage of %(code)s was removed.") % {"code": note.measure.code},
        )
        return redirect(back)
    return render(
        request,
        "plans/correction_delete.html",
        {
            "plan": plan,
            "heading": _("Remove the recorded coverage of %(code)s?") % {"code": note.measure.code},
            "what": f"{note.get_coverage_display()}{': ' + note.reason if note.reason else ''}",
            "consequence": _(
                "The measure then counts as covered if the plan uses it, and as not covered "
                "if it does not. The reason is removed too."
            ),
            "back": back,
        },
    )
