"""Public pages: the national overview, each municipality's adopted plan and its PDF."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from vern.core.models import Municipality
from vern.core.page_cache import only_parameters, public_page
from vern.core.pdf import pdf_limited
from vern.plans import pdf, selectors
from vern.plans.models import Level


def _known_sort(request: HttpRequest) -> bool:
    return only_parameters(request, sorter=selectors.OVERVIEW_SORTS.__contains__)


@public_page("plans", keeps=_known_sort)
def overview(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sorter", "navn")
    if sort not in selectors.OVERVIEW_SORTS:
        sort = "navn"
    rows, totals = selectors.national_overview(today=timezone.localdate(), sort=sort)
    return render(
        request, "plans/public/overview.html", {"rows": rows, "totals": totals, "sort": sort}
    )


def _public_plan(number: str):
    municipality = get_object_or_404(Municipality, number=number)
    plan = selectors.plan_in_force(municipality, today=timezone.localdate())
    if plan is None:
        raise Http404
    return municipality, plan


@public_page("plans")
def plan_page(request: HttpRequest, number: str) -> HttpResponse:
    municipality, plan = _public_plan(number)
    measures = list(
        plan.measures.select_related("measure", "responsible_unit")
        .defer(*selectors.PLAN_MEASURE_DETAILS)
        .prefetch_related("milestones")
    )
    coverage = selectors.coverage_for_plan(plan, plan_measures=measures)
    return render(
        request,
        "plans/public/plan.html",
        {
            "municipality": municipality,
            "plan": plan,
            "measures": measures,
            "local": coverage[Level.LOCAL],
            "national": coverage[Level.NATIONAL],
        },
    )


def plan_pdf(request: HttpRequest, number: str) -> HttpResponse:
    limited = pdf_limited(request)
    if limited:
        return limited
    _municipality, plan = _public_plan(number)
    return pdf.public_plan_pdf_response(request, plan)
