"""Staff pages for measures: the catalogue, local measures, and measures inside a plan."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vern.core import versioning
from vern.core.access import get_scoped_or_404, staff_view
from vern.core.forms import add_errors
from vern.plans import services
from vern.plans.forms import (
    AddMeasureForm,
    IndicatorForm,
    LocalMeasureForm,
    MeasurementForm,
    MilestoneForm,
    NoteForm,
    PlanMeasureForm,
)
from vern.plans.models import Area, Measure, Plan, PlanMeasure
from vern.plans.views.plans import EDITORS


@staff_view(personal_data=None)
def catalogue(request: HttpRequest) -> HttpResponse:
    measures = Measure.objects.available_to(request.municipality)
    by_area = {label: [m for m in measures if m.area == value] for value, label in Area.choices}
    return render(
        request,
        "plans/catalogue.html",
        {"by_area": by_area, "can_edit": bool(request.roles & EDITORS)},
    )


@staff_view(personal_data=None, roles=EDITORS)
def local_measure_create(request: HttpRequest) -> HttpResponse:
    form = LocalMeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.local_measure_create(
                municipality=request.municipality, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The measure was added to your municipality's list."))
            return redirect("plans:catalogue")
    return render(request, "plans/local_measure_form.html", {"form": form})


@staff_view(personal_data="plans.planmeasure", roles=EDITORS)
def plan_measure_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(request, Plan, pk=pk)
    form = AddMeasureForm(request.POST or None, municipality=request.municipality, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        measure = data.pop("measure")
        try:
            plan_measure = services.plan_measure_add(
                plan=plan, actor=request.user, measure=measure, **data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The measure was added to the plan."))
            return redirect("plans:plan_measure_detail", pk=plan_measure.pk)
    return render(request, "plans/plan_measure_add.html", {"form": form, "plan": plan})


def _submit(form, call) -> object | None:
    """Validate ``form`` and run ``call`` with its data; return the form if it failed."""
    if not form.is_valid():
        return form
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        add_errors(form, exc)
        return form
    return None


def _handle_action(request, plan_measure: PlanMeasure):
    """One POST endpoint per plan measure; ``action`` says which form was sent.

    Returns (failed form or None, success message).
    """
    action = request.POST.get("action")
    actor = request.user
    if action == "update":
        form = PlanMeasureForm(
            request.POST,
            instance=PlanMeasure.objects.get(pk=plan_measure.pk),
            municipality=request.municipality,
        )
        saved = _("The measure was saved.")
        if not form.is_valid():
            return form, saved
        try:
            services.plan_measure_update(
                plan_measure=plan_measure,
                actor=actor,
                **versioning.seen_from(form),
                **{name: form.cleaned_data[name] for name in services.PLAN_MEASURE_FIELDS},
            )
        except versioning.StaleVersion as stale:
            # Shown again on top of the version saved now; nothing was saved.
            form.stale_changes = versioning.renew_form(form, stale)
            return form, saved
        except ValidationError as exc:
            add_errors(form, exc)
            return form, saved
        return None, saved
    if action == "milestone":
        form = MilestoneForm(request.POST, prefix="milestone")
        failed = _submit(
            form,
            lambda data: services.milestone_add(plan_measure=plan_measure, actor=actor, **data),
        )
        return failed, _("The milestone was added.")
    if action == "milestone_done":
        milestone = get_object_or_404(plan_measure.milestones, pk=request.POST.get("milestone"))
        done_on = None if milestone.done_on else timezone.localdate()
        services.milestone_set_done(milestone=milestone, actor=actor, done_on=done_on)
        return None, _("The milestone was updated.")
    if action == "indicator":
        form = IndicatorForm(request.POST, prefix="indicator")
        failed = _submit(
            form,
            lambda data: services.indicator_add(plan_measure=plan_measure, actor=actor, **data),
        )
        return failed, _("The indicator was added.")
    if action == "measurement":
        form = MeasurementForm(request.POST, prefix="measurement", plan_measure=plan_measure)
        failed = _submit(form, lambda data: services.measurement_add(actor=actor, **data))
        return failed, _("The measurement was recorded.")
    if action == "note":
        form = NoteForm(request.POST, prefix="note")
        failed = _submit(
            form, lambda data: services.note_add(plan_measure=plan_measure, actor=actor, **data)
        )
        return failed, _("The note was added.")
    raise PermissionDenied


@staff_view(personal_data="plans.planmeasure")
def plan_measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan_measure = get_scoped_or_404(
        request,
        PlanMeasure.objects.select_related(
            "plan", "measure", "responsible_unit", "responsible_person"
        ),
        pk=pk,
    )
    can_edit = bool(request.roles & EDITORS)
    forms = {
        "update": PlanMeasureForm(instance=plan_measure, municipality=request.municipality),
        "milestone": MilestoneForm(prefix="milestone"),
        "indicator": IndicatorForm(prefix="indicator"),
        "measurement": MeasurementForm(prefix="measurement", plan_measure=plan_measure),
        "note": NoteForm(prefix="note"),
    }
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        failed, message = _handle_action(request, plan_measure)
        if failed is None:
            messages.success(request, message)
            return redirect("plans:plan_measure_detail", pk=plan_measure.pk)
        forms[request.POST["action"]] = failed
    return render(
        request,
        "plans/plan_measure_detail.html",
        {
            "pm": plan_measure,
            "plan": plan_measure.plan,
            "forms": forms,
            "indicators": plan_measure.indicators.prefetch_related("measurements"),
            "milestones": plan_measure.milestones.all(),
            "notes": plan_measure.notes.select_related("author"),
            "can_edit": can_edit,
            "stale_changes": getattr(forms["update"], "stale_changes", None),
        },
    )


@staff_view(personal_data=None, roles=EDITORS)
def plan_measure_remove(request: HttpRequest, pk: int) -> HttpResponse:
    plan_measure = get_scoped_or_404(
        request, PlanMeasure.objects.select_related("plan", "measure"), pk=pk
    )
    if request.method == "POST":
        plan_id = plan_measure.plan_id
        services.plan_measure_remove(plan_measure=plan_measure, actor=request.user)
        messages.success(request, _("The measure was removed from the plan."))
        return redirect("plans:plan_detail", pk=plan_id)
    return render(request, "plans/plan_measure_remove.html", {"pm": plan_measure})
