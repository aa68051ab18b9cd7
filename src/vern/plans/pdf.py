"""PDF documents of a plan and of its annual report, rendered from HTML by WeasyPrint.

Only files from Vern's own static folder are fetched while rendering; the PDF
templates name units, never staff, so the same document can be public.
"""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from vern.plans import selectors
from vern.plans.models import Level, Plan


def _local_only_fetcher(url: str, *args, **kwargs):
    """Refuse anything but our own static files, so a PDF never reaches another host."""
    from weasyprint.urls import default_url_fetcher

    if url.startswith("vern-static:"):
        path = finders.find(url.removeprefix("vern-static:"))
        if path:
            return default_url_fetcher(f"file://{path}", *args, **kwargs)
    raise ValueError(f"refused to fetch {url!r} while rendering a PDF")


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_local_only_fetcher, base_url="vern-static:").write_pdf()


def _response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


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
    name = slugify(f"{_('action plan')} {plan.municipality.name} {plan.period}")
    return _response(plan_pdf(plan), f"{name}.pdf")


def annual_report_pdf_response(request: HttpRequest, plan: Plan, report) -> HttpResponse:
    html = render_to_string(
        "plans/pdf/annual_report.html",
        {"plan": plan, "municipality": plan.municipality, "report": report},
    )
    name = slugify(f"{_('annual report')} {plan.municipality.name} {report.year}")
    return _response(render_pdf(html), f"{name}.pdf")
