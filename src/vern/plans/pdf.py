"""PDF documents of a plan and of its annual report.

The PDF templates name units, never staff, so the same document can be public.

Rendering a plan takes one to two seconds of CPU, and the public plan PDF can be
asked for by anyone, so it is cached (``public_plan_pdf``). The cache key is a
hash of the HTML the PDF is drawn from: any change that shows in the document
(the plan, its measures and milestones, a unit's name, the language) gives a
new key and so a new PDF, and nothing that does not show in it causes a render.
"""

from __future__ import annotations

import hashlib

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import pgettext

from vern.core.pdf import kept_pdf, pdf_response, render_pdf
from vern.plans import selectors
from vern.plans.models import Level, Plan

CACHE_SECONDS = 60 * 60


def plan_html(plan: Plan) -> str:
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
    return html


def plan_pdf(plan: Plan) -> bytes:
    return render_pdf(plan_html(plan))


def public_plan_pdf(plan: Plan) -> bytes:
    """The plan's PDF, rendered once per version of its content and kept for an hour."""
    html = plan_html(plan)
    key = "plans:pdf:" + hashlib.sha256(html.encode()).hexdigest()
    return kept_pdf(key, lambda: render_pdf(html), timeout=CACHE_SECONDS)


def _plan_filename(plan: Plan) -> str:
    name = slugify(
        f"{pgettext('PDF file name', 'action plan')} {plan.municipality.name} "
        f"{plan.start_year}-{plan.end_year}"
    )
    return f"{name}.pdf"


def plan_pdf_response(request: HttpRequest, plan: Plan) -> HttpResponse:
    return pdf_response(plan_pdf(plan), _plan_filename(plan))


def public_plan_pdf_response(request: HttpRequest, plan: Plan) -> HttpResponse:
    return pdf_response(public_plan_pdf(plan), _plan_filename(plan))


def annual_report_pdf_response(request: HttpRequest, plan: Plan, report) -> HttpResponse:
    html = render_to_string(
        "plans/pdf/annual_report.html",
        {"plan": plan, "municipality": plan.municipality, "report": report},
    )
    name = slugify(
        f"{pgettext('PDF file name', 'annual report')} {plan.municipality.name} {report.year}"
    )
    return pdf_response(render_pdf(html), f"{name}.pdf")
