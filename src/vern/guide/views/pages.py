"""The pages that explain, in public: ``/veiledning/`` lists the topics and
``/veiledning/<topic>/`` shows one, in the page's language (see
``guide_pages`` for which version a visitor sees). Plain GET pages: no cookie,
nothing from other hosts, the quick exit of every public page. ``?kommune=``
shows the municipality's own versions where it has written them.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from vern.directory import guide_pages
from vern.directory.models import GuidePage
from vern.guide.views.public import guide_context, municipality_by_number


def _language() -> str:
    return (get_language() or "nb").split("-")[0]


@require_safe
def page_list(request: HttpRequest) -> HttpResponse:
    municipality = municipality_by_number(request.GET.get("kommune", "").strip())
    context = guide_context(municipality)
    context["pages"] = guide_pages.pages_for(_language(), municipality)
    return render(request, "guide/pages.html", context)


@require_safe
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in GuidePage.Topic.values:
        raise Http404
    municipality = municipality_by_number(request.GET.get("kommune", "").strip())
    language = _language()
    page = guide_pages.page_for(slug, language, municipality)
    if page is None:
        raise Http404
    context = guide_context(municipality)
    context.update(
        page=page,
        body=guide_pages.render_body(page.body),
        sources=guide_pages.sources(page.sources),
        fallback=page.language != language,
        others=[p for p in guide_pages.pages_for(language, municipality) if p.slug != slug],
    )
    return render(request, "guide/page.html", context)
