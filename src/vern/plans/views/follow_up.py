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
from vern.plans.forms import CoverageForm, ReviewForm, ReviewItemForm, review_prefill
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
        # Field ids as the page writes them for this measure ("reason-F3"), so the
        # error summary's links reach the right box.
        form = CoverageForm(request.POST, auto_id=f"%s-{request.POST.get('measure', '')}")
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


def _review_rows(plan_measures, forms) -> list[dict]:
    return [{"pm": pm, "form": form} for pm, form in zip(plan_measures, forms, strict=True)]


def _review_errors(forms: list[ReviewItemForm], exc: ValidationError) -> list[str]:
    """Put a service's per-measure errors on the measures' forms; return the rest."""
    by_key = {
        services.review_item_error_key(form.plan_measure, name): (form, name)
        for form in forms
        for name in form.fields
    }
    rest = []
    for key, errors in getattr(exc, "message_dict", {"": exc.messages}).items():
        if key in by_key:
            form, name = by_key[key]
            form.add_error(name, errors)
        else:
            rest.extend(errors)
    return rest


@staff_view(personal_data=None, roles=EDITORS)
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(request, Plan, pk=pk)
    today = timezone.localdate()
    plan_measures = list(
        plan.measures.select_related("measure", "responsible_unit", "responsible_person")
    )
    data = request.POST if request.method == "POST" else None
    form = ReviewForm(data, initial={"kind": Review.Kind.HALF_YEAR, "held_on": today})
    item_forms = [
        ReviewItemForm(data, plan_measure=pm, initial=review_prefill(pm, today=today))
        for pm in plan_measures
    ]
    if data is not None and all([form.is_valid(), *(f.is_valid() for f in item_forms)]):
        try:
            review = services.review_record(
                plan=plan,
                actor=request.user,
                items=[f.answer() for f in item_forms],
                **form.cleaned_data,
            )
        except ValidationError as exc:
            for error in _review_errors(item_forms, exc):
                form.add_error(None, error)
        else:
            messages.success(request, _("The review was recorded."))
            return redirect("plans:review_detail", pk=review.pk)
    return render(
        request,
        "plans/review_form.html",
        {
            "plan": plan,
            "form": form,
            "rows": _review_rows(plan_measures, item_forms),
            "forms": [form, *item_forms],
            "today": today,
            "editing": None,
        },
    )


@staff_view(personal_data="plans.review", roles=EDITORS)
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_scoped_or_404(request, Review.objects.select_related("plan"), pk=pk)
    plan = review.plan
    if not services.review_is_editable(review):
        messages.info(
            request,
            _(
                "A later review of the plan has been recorded, so this one can no longer be changed."
            ),
        )
        return redirect("plans:review_detail", pk=review.pk)
    items = list(
        review.items.select_related(
            "plan_measure__measure",
            "plan_measure__responsible_unit",
            "plan_measure__responsible_person",
        )
    )
    data = request.POST if request.method == "POST" else None
    form = ReviewForm(
        data, initial={"kind": review.kind, "held_on": review.held_on, "summary": review.summary}
    )
    item_forms = [
        ReviewItemForm(
            data,
            plan_measure=item.plan_measure,
            saved=item,
            initial={name: getattr(item, name) for name in services.REVIEW_ITEM_FIELDS},
        )
        for item in items
    ]
    if data is not None and all([form.is_valid(), *(f.is_valid() for f in item_forms)]):
        try:
            services.review_update(
                review=review,
                actor=request.user,
                items=[f.answer() for f in item_forms],
                **form.cleaned_data,
            )
        except ValidationError as exc:
            for error in _review_errors(item_forms, exc):
                form.add_error(None, error)
        else:
            messages.success(request, _("The review was saved."))
            return redirect("plans:review_detail", pk=review.pk)
    return render(
        request,
        "plans/review_form.html",
        {
            "plan": plan,
            "form": form,
            "rows": _review_rows([item.plan_measure for item in items], item_forms),
            "forms": [form, *item_forms],
            "today": timezone.localdate(),
            "editing": review,
        },
    )


@staff_view(personal_data="plans.review")
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_scoped_or_404(request, Review.objects.select_related("plan", "created_by"), pk=pk)
    items = review.items.select_related("plan_measure__measure")
    return render(
        request,
        "plans/review_detail.html",
        {
            "review": review,
            "plan": review.plan,
            "items": items,
            "editable": services.review_is_editable(review),
            "can_edit": bool(request.roles & EDITORS),
        },
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
