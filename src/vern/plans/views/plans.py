"""Staff pages for the plan itself: list, create, edit, status, versions, PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vern.core.access import get_scoped_or_404, scoped, staff_view
from vern.core.forms import add_errors
from vern.core.models import Role
from vern.plans import pdf, selectors, services
from vern.plans.forms import PlanCreateForm, PlanForm, StatusForm, VersionForm
from vern.plans.models import Measure, Plan

EDITORS = {Role.ADMIN, Role.COORDINATOR}


@staff_view(personal_data=None)
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = scoped(request, Plan).annotate(measure_count=Count("measures"))
    return render(
        request,
        "plans/plan_list.html",
        {"plans": plans, "can_edit": bool(request.roles & EDITORS)},
    )


@staff_view(personal_data=None, roles=EDITORS)
def plan_create(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    form = PlanCreateForm(
        request.POST or None,
        municipality=request.municipality,
        initial={"start_year": year, "end_year": year + 3},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                municipality=request.municipality, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The plan was created as a draft."))
            return redirect("plans:plan_detail", pk=plan.pk)
    measures = Measure.objects.available_to(request.municipality)
    return render(request, "plans/plan_create.html", {"form": form, "measures": measures})


@staff_view(personal_data="plans.plan")
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(request, Plan, pk=pk)
    version_form = VersionForm()
    if request.method == "POST":
        if not request.roles & EDITORS:
            raise PermissionDenied
        version_form = VersionForm(request.POST)
        if version_form.is_valid():
            services.version_save(plan=plan, actor=request.user, **version_form.cleaned_data)
            messages.success(request, _("A version of the plan was saved."))
            return redirect("plans:plan_versions", pk=plan.pk)
    measures = plan.measures.select_related("measure", "responsible_unit", "responsible_person")
    counts = selectors.coverage_counts(plan)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "measures": measures,
            "coverage": counts,
            "local_total": sum(counts.values()),
            "can_edit": bool(request.roles & EDITORS),
            "version_form": version_form,
            "reviews": plan.reviews.order_by("-held_on", "-pk"),
        },
    )


@staff_view(personal_data=None, roles=EDITORS)
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(request, Plan, pk=pk)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        # The form validated a copy; the service saves, checks overlaps and audits.
        fresh = scoped(request, Plan).get(pk=plan.pk)
        try:
            services.plan_update(plan=fresh, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/plan_edit.html", {"form": form, "plan": plan})


@staff_view(personal_data=None, roles=EDITORS)
def plan_status(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(request, Plan, pk=pk)
    form = StatusForm(
        request.POST or None,
        initial={
            "status": plan.status,
            "adopted_on": plan.adopted_on,
            "case_reference": plan.case_reference,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_set_status(plan=plan, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            plan.refresh_from_db()
            add_errors(form, exc)
        else:
            messages.success(request, _("The status was changed."))
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/plan_status.html", {"form": form, "plan": plan})


@staff_view(personal_data="plans.planversion")
def plan_versions(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(request, Plan, pk=pk)
    versions = plan.versions.select_related("created_by")
    return render(
        request,
        "plans/plan_versions.html",
        {"plan": plan, "versions": versions, "can_edit": bool(request.roles & EDITORS)},
    )


@staff_view(personal_data=None)
def plan_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Compare two saved versions, or a version with the plan as it is now ("now")."""
    plan = get_scoped_or_404(request, Plan, pk=pk)
    versions = {str(v.number): v for v in plan.versions.all()}
    old_key, new_key = request.GET.get("fra", ""), request.GET.get("til", "now")
    error = ""
    diff = None
    if old_key:
        if old_key not in versions or (new_key != "now" and new_key not in versions):
            error = _("Choose two versions of this plan.")
        else:
            old = versions[old_key].snapshot
            new = selectors.plan_snapshot(plan) if new_key == "now" else versions[new_key].snapshot
            diff = selectors.compare_snapshots(old, new)
    return render(
        request,
        "plans/plan_compare.html",
        {
            "plan": plan,
            "versions": list(versions.values()),
            "old_key": old_key,
            "new_key": new_key,
            "diff": diff,
            "error": error,
        },
    )


@staff_view(personal_data=None)
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(request, Plan, pk=pk)
    return pdf.plan_pdf_response(request, plan)


__all__ = [
    "plan_compare",
    "plan_create",
    "plan_detail",
    "plan_edit",
    "plan_list",
    "plan_pdf",
    "plan_status",
    "plan_versions",
]
