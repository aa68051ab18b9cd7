"""Staff pages for correcting what was entered on a plan measure.

Milestones, indicators, measurements and progress notes can be changed and
deleted; a recorded coverage can be forgotten. Each page fetches the plan
measure (or plan) it belongs to through ``get_scoped_or_404``, so a record of
another municipality answers 404. Deleting asks first (GET shows what goes,
POST deletes), and every write goes through a service that audits it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


@dataclass(frozen=True)
class _Kind:
    """What the correction pages of one kind of record need besides its service.

    ``lookup`` is the plan measure's relation to the record (for the scoped
    fetch), ``find`` takes the record from the plan measure; the texts that
    name the record are functions of it, the others fixed.
    """

    correction: services.Correction
    personal_data: str | None
    lookup: str
    find: Callable[[PlanMeasure, int], Any]
    form: type
    anchor: str
    edit_heading: Callable[[Any], str]
    saved: str
    delete_heading: str
    what: Callable[[Any], str]
    consequence: Callable[[Any], str]
    deleted: str


def _correction_views(name: str, kind: _Kind):
    """The edit page and the delete page (asks first) of one kind of record."""

    def edit(request: HttpRequest, pk: int) -> HttpResponse:
        plan_measure = _plan_measure(request, **{kind.lookup: pk})
        record = kind.find(plan_measure, pk)
        form = kind.form(
            request.POST or None,
            initial={field: getattr(record, field) for field in kind.correction.fields},
        )
        return _edit(
            request,
            plan_measure=plan_measure,
            form=form,
            save=lambda data: services.correction_update(
                kind=kind.correction, record=record, actor=request.user, **data
            ),
            heading=kind.edit_heading(record),
            done=kind.saved,
            anchor=kind.anchor,
        )

    def delete(request: HttpRequest, pk: int) -> HttpResponse:
        plan_measure = _plan_measure(request, **{kind.lookup: pk})
        record = kind.find(plan_measure, pk)
        return _delete(
            request,
            plan_measure=plan_measure,
            delete=lambda: services.correction_delete(
                kind=kind.correction, record=record, actor=request.user
            ),
            heading=kind.delete_heading,
            what=kind.what(record),
            consequence=kind.consequence(record),
            done=kind.deleted,
            anchor=kind.anchor,
        )

    views = []
    for view, verb in ((edit, "edit"), (delete, "delete")):
        view.__name__ = view.__qualname__ = f"{name}_{verb}"
        views.append(staff_view(personal_data=kind.personal_data, roles=EDITORS)(view))
    return views


milestone_edit, milestone_delete = _correction_views(
    "milestone",
    _Kind(
        correction=services.MILESTONE,
        personal_data=None,
        lookup="milestones",
        find=lambda plan_measure, pk: plan_measure.milestones.get(pk=pk),
        form=MilestoneEditForm,
        anchor="milepaler",
        edit_heading=lambda milestone: _("Change the milestone"),
        saved=gettext_lazy("The milestone was saved."),
        delete_heading=gettext_lazy("Delete the milestone?"),
        what=lambda milestone: milestone.title,
        consequence=lambda milestone: _("The milestone is removed from the measure."),
        deleted=gettext_lazy("The milestone was deleted."),
    ),
)

indicator_edit, indicator_delete = _correction_views(
    "indicator",
    _Kind(
        correction=services.INDICATOR,
        personal_data=None,
        lookup="indicators",
        find=lambda plan_measure, pk: plan_measure.indicators.get(pk=pk),
        form=IndicatorForm,
        anchor="indikatorer",
        edit_heading=lambda indicator: _("Change the indicator"),
        saved=gettext_lazy("The indicator was saved."),
        delete_heading=gettext_lazy("Delete the indicator?"),
        what=lambda indicator: indicator.name,
        consequence=lambda indicator: _(
            "Its measurements are deleted with it, and it leaves the progress charts."
        ),
        deleted=gettext_lazy("The indicator was deleted."),
    ),
)

measurement_edit, measurement_delete = _correction_views(
    "measurement",
    _Kind(
        correction=services.MEASUREMENT,
        personal_data=None,
        lookup="indicators__measurements",
        find=lambda plan_measure, pk: plan_measure.indicators.get(measurements=pk).measurements.get(
            pk=pk
        ),
        form=MeasurementEditForm,
        anchor="indikatorer",
        edit_heading=lambda measurement: (
            _("Change the measurement of %(indicator)s") % {"indicator": measurement.indicator.name}
        ),
        saved=gettext_lazy("The measurement was saved."),
        delete_heading=gettext_lazy("Delete the measurement?"),
        what=lambda measurement: (
            f"{measurement.indicator.name}: "
            f"{prose_number(measurement.value)} ({long_date(measurement.measured_on)})"
        ),
        consequence=lambda measurement: _(
            "The measurement is removed from the indicator and its chart."
        ),
        deleted=gettext_lazy("The measurement was deleted."),
    ),
)

note_edit, note_delete = _correction_views(
    "note",
    _Kind(
        correction=services.NOTE,
        personal_data="plans.progressnote",
        lookup="notes",
        find=lambda plan_measure, pk: plan_measure.notes.select_related("author").get(pk=pk),
        form=NoteForm,
        anchor="notater",
        edit_heading=lambda note: _("Change the progress note"),
        saved=gettext_lazy("The note was saved."),
        delete_heading=gettext_lazy("Delete the progress note?"),
        what=lambda note: note.text,
        consequence=lambda note: (
            _("The note by %(name)s is removed from the measure.") % {"name": note.author.full_name}
        ),
        deleted=gettext_lazy("The note was deleted."),
    ),
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
