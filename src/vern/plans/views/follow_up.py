"""Staff pages for following the plan: coverage of the booklet, progress, reviews, annual report."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vern.core.access import get_scoped_or_404, staff_view
from vern.core.forms import add_errors
from vern.plans import charts, pdf, selectors, services
from vern.plans.forms import CoverageForm, ReviewForm
from vern.plans.models import Level, Measure, Plan, Review
from vern.plans.views.plans import EDITORS


@staff_view(personal_data=None)
def coverage(request: HttpRequest, pk: int) -> HttpResponse:
    """The check a council member wants before adoption: does the plan cover the booklet?"""
    plan = get_scoped_or_404(request, Plan, pk=pk)
    failed = None
    if request.method == "POST":
        if not request.roles & EDITORS:
            raise PermissionDenied
        form = CoverageForm(request.POST)
        if form.is_valid():
            measure = get_object_or_404(
                Measure.objects.catalogue(), code=form.cleaned_data["measure"]
            )
            try:
                services.coverage_set(
                    plan=plan,
                    actor=request.user,
                    measure=measure,
                    coverage=form.cleaned_data["coverage"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
                failed = form
            else:
                messages.success(
                    request, _("Coverage of %(code)s was saved.") % {"code": measure.code}
                )
                return redirect(f"{request.path}#tiltak-{measure.code}")
        else:
            failed = form
    rows = selectors.coverage_for_plan(plan)
    return render(
        request,
        "plans/coverage.html",
        {
            "plan": plan,
            "local": rows[Level.LOCAL],
            "national": rows[Level.NATIONAL],
            "failed": failed,
            "failed_code": failed.data.get("measure") if failed else "",
            "can_edit": bool(request.roles & EDITORS),
        },
    )


@staff_view(personal_data="plans.plan")
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(request, Plan, pk=pk)
    today = timezone.localdate()
    summary = selectors.plan_progress(plan, today=today)
    return render(
        request,
        "plans/progress.html",
        {
            "plan": plan,
            "progress": summary,
            "status_chart": charts.status_by_area(summary.by_area),
            "indicator_charts": [charts.indicator_trend(i) for i in summary.indicators],
            "today": today,
        },
    )


@staff_view(personal_data=None, roles=EDITORS)
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(request, Plan, pk=pk)
    post = request.POST
    rows = [
        {
            "pm": pm,
            "started": post.get(f"started-{pm.pk}") == "on",
            "as_planned": post.get(f"as_planned-{pm.pk}") == "on",
            "not_done": post.get(f"not_done-{pm.pk}", "").strip(),
            "why": post.get(f"why-{pm.pk}", "").strip(),
        }
        for pm in plan.measures.select_related("measure")
    ]
    form = ReviewForm(post or None, initial={"held_on": timezone.localdate()})
    item_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        items = [
            {"plan_measure": row["pm"], **{k: v for k, v in row.items() if k != "pm"}}
            for row in rows
        ]
        try:
            review = services.review_record(
                plan=plan, actor=request.user, items=items, **form.cleaned_data
            )
        except ValidationError as exc:
            item_errors = exc.messages
        else:
            messages.success(request, _("The review was recorded."))
            return redirect("plans:review_detail", pk=review.pk)
    return render(
        request,
        "plans/review_form.html",
        {"plan": plan, "form": form, "rows": rows, "item_errors": item_errors},
    )


@staff_view(personal_data="plans.review")
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_scoped_or_404(request, Review.objects.select_related("plan", "created_by"), pk=pk)
    items = review.items.select_related("plan_measure__measure")
    return render(
        request, "plans/review_detail.html", {"review": review, "plan": review.plan, "items": items}
    )


def _report_year(request: HttpRequest, plan: Plan) -> int:
    try:
        year = int(request.GET.get("ar", ""))
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, plan.start_year), plan.end_year)


@staff_view(personal_data=None)
def annual_report(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(request, Plan, pk=pk)
    report = selectors.annual_report(plan, year=_report_year(request, plan))
    return render(
        request,
        "plans/annual_report.html",
        {
            "plan": plan,
            "report": report,
            "plan_years": range(plan.start_year, plan.end_year + 1),
            "can_edit": bool(request.roles & EDITORS),
        },
    )


@staff_view(personal_data=None)
def annual_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(request, Plan, pk=pk)
    report = selectors.annual_report(plan, year=_report_year(request, plan))
    return pdf.annual_report_pdf_response(request, plan, report)
