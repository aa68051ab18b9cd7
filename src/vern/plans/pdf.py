"""PDF documents of a plan and of its annual report.

The PDF templates name units, never staff, so the same document can be public.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import pgettext

from vern.core.pdf import pdf_response, render_pdf
from vern.plans import selectors
from vern.plans.models import Level, Plan


def plan_pdf(plan: Plan) -> bytes:
    measures = plan.measures.select_related("measure", "responsible_unit").prefetch_related(
        "milestones", "indicators"
    )
    coverage = selectors.coverage_for_plan(plan)
    html = render_to_string(
        "plans/pdf/plan.html",
        {
            "plan": plan,
            "municipality": plan.municipality,
            "measures": measures,
            "local": coverage[Level.LOCAL],
        },
    )
    return render_pdf(html)


def plan_pdf_response(request: HttpRequest, plan: Plan) -> HttpResponse:
    name = slugify(
        f"{pgettext('PDF file name', 'action plan')} {plan.municipality.name} "
        f"{plan.start_year}-{plan.end_year}"
    )
    return pdf_response(plan_pdf(plan), f"{name}.pdf")


def annual_report_pdf_response(request: HttpRequest, plan: Plan, report) -> HttpResponse:
    html = render_to_string(
        "plans/pdf/annual_report.html",
        {"plan": plan, "municipality": plan.municipality, "report": report},
    )
    name = slugify(
        f"{pgettext('PDF file name', 'annual report')} {plan.municipality.name} {report.year}"
    )
    return pdf_response(render_pdf(html), f"{name}.pdf")
