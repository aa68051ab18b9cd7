"""The public guide: a municipality's guide page, search results, a service's page,
the "report an error" form and the printable poster.

Safe by construction: every page here is a plain GET page that sets no cookie
and works without JavaScript. The one exception is the error-report form, which
lives on a page of its own so that only a person who chooses to report gets
Django's CSRF cookie (and nothing else). State that a visitor would otherwise
keep in a session (the chosen municipality, the search) travels in the query
string instead, so "back to results" works without one. Search terms are never
logged here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from typing import NamedTuple
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import (
    get_language,
    get_language_info,
    gettext_lazy,
    ngettext,
    override,
)
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import is_ratelimited

from vern.core.clients import client_key
from vern.core.emergency import emergency_lines
from vern.core.forms import add_errors
from vern.core.models import Municipality
from vern.core.page_cache import NEAR_ONLY, only_parameters, public_page
from vern.core.pdf import pdf_limited
from vern.directory import cards, guide_pages, poster, services
from vern.directory.cards import decorate, terms_language
from vern.directory.models import GuidePage, Service
from vern.directory.search import MAX_QUERY_CHARS
from vern.guide import jinja, selectors, service_pages
from vern.guide.cards import CardsLater, result_cards
from vern.guide.index import guide_index
from vern.guide.snapshot import snapshot

NUMBER = re.compile(r"[0-9]{4}")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What a link to a service page may carry so that "back to results" works.
SEARCH_KEYS = ("kommune", "q", "hvem", "gruppe", "vold", "sprak", *selectors.Filters.FLAGS, "side")
# "hvem=alle": rank without who the query says is asking (the notice's "show all").
SHOW_ALL = "alle"
# What the page says it understood about who is asking (understanding.ASKER_ORDER).
ASKER_NOTICES = {
    "exposed": gettext_lazy("Showing help for you who are exposed to violence."),
    "child": gettext_lazy("Showing help for children and young people."),
    "perpetrator": gettext_lazy("Showing help for you who use violence or fear you will."),
    "relative": gettext_lazy("Showing help for you who are worried about someone."),
    "professional": gettext_lazy("Showing help for you who meet violence in your work."),
}
# Pages that explain, left out while the query says the asker is on the other side.
PAGES_FOR_THE_OTHER_SIDE = {
    "exposed": frozenset({GuidePage.Topic.PERPETRATOR}),
    "child": frozenset({GuidePage.Topic.PERPETRATOR}),
}
# Where the results go in the rendered page: markup, so no escaped text can match it.
RESULTS_SLOT = b"<!--vern:results-->"
KEY_SERVICES = 30  # on a municipality's guide page
ERROR_REPORT_RATE = "5/h"
ERROR_REPORT_GROUP = "guide.error_report"


# --- small helpers ------------------------------------------------------------


def _clean(text: str | None, limit: int) -> str:
    """Text from a query string, safe to echo: no control characters, bounded."""
    return CONTROL.sub(" ", text or "").strip()[:limit]


def municipality_by_number(value: str | None) -> Municipality | None:
    """The municipality with this number, from the snapshot."""
    if not value or not NUMBER.fullmatch(value):
        return None
    return selectors.municipalities_by_number().get(value)


def search_query(params, **changes) -> str:
    """The guide's query string (for links), limited to the guide's own keys."""
    pairs = []
    for key in SEARCH_KEYS:
        value = changes[key] if key in changes else params.get(key)
        if value in (None, "", False):
            continue
        value = str(value)
        limit = MAX_QUERY_CHARS if key == "q" else 40
        value = _clean(value, limit)
        if value:
            pairs.append((key, value))
    return urlencode(pairs)


def language_name(code: str) -> str:
    """A language's name in itself (people recognise their own language), else the code."""
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


def guide_context(municipality: Municipality | None = None) -> dict:
    return {
        "municipality": municipality,
        "emergency_lines": emergency_lines(),
        "terms_lang": terms_language(),
    }


# --- a municipality's guide ---------------------------------------------------


def _unknown_municipality(request: HttpRequest, number: str) -> HttpResponse:
    context = guide_context()
    context["number"] = _clean(number, 20)
    return render(request, "guide/unknown_municipality.html", context, status=404)


@require_safe
def unknown_municipality(request: HttpRequest, number: str) -> HttpResponse:
    """``/kommune/<not four digits>/``: the same friendly 404 as an unknown number."""
    return _unknown_municipality(request, number)


def _open_state(entry, now) -> bool:
    local = timezone.localtime(now)
    return entry.is_open(local.isoweekday(), local.time())


def _municipality_stamp(request: HttpRequest, number: str) -> str | None:
    """What a municipality's guide page shows, for ``core.page_cache``: its
    listed services (saved when, open now), and the directory's other changes.
    None (not kept) while an entry listed is no longer public or newer than the index."""
    municipality = municipality_by_number(number)
    if municipality is None:
        return None
    now, entries = timezone.now(), guide_index().entries
    listed = selectors.key_services(municipality, now=now)[: KEY_SERVICES + 1]
    request.key_services = (number, now, listed)  # the view works them out no second time
    # Asked of the database, as the page's own cards are: a withdrawn entry is never
    # answered from a kept page; while the index is older than an entry, nothing is kept.
    saved = service_pages.saved_at_all(listed)
    if any(saved.get(pk) != entries[pk].updated_at for pk in listed):
        return None
    return ";".join(
        [
            number,
            snapshot.outside_log(),
            *(f"{pk}:{entries[pk].updated_at}:{_open_state(entries[pk], now)}" for pk in listed),
        ]
    )


@require_safe
@public_page("guide-municipality", stamp=_municipality_stamp)
def municipality_page(request: HttpRequest, number: str) -> HttpResponse:
    municipality = municipality_by_number(number)
    if municipality is None:
        return _unknown_municipality(request, number)
    listed = getattr(request, "key_services", None)
    if listed is not None and listed[0] == number:
        _number, now, ids = listed
    else:
        now = timezone.now()
        ids = selectors.key_services(municipality, now=now)[: KEY_SERVICES + 1]
    html = result_cards(
        ids[:KEY_SERVICES],
        level=3,
        back_query=urlencode({"kommune": municipality.number}),
        now=now,
    )
    context = guide_context(municipality)
    context.update(
        cards=[html[pk] for pk in ids[:KEY_SERVICES] if pk in html], more=len(ids) > KEY_SERVICES
    )
    return render(request, "guide/municipality.html", context)


@require_safe
def poster_pdf(request: HttpRequest, number: str) -> HttpResponse:
    limited = pdf_limited(request)
    if limited:
        return limited
    municipality = municipality_by_number(number)
    if municipality is None:
        raise Http404
    return poster.poster_response(request, municipality)


# --- search -------------------------------------------------------------------


class ResultCard(NamedTuple):
    tier: int
    html: str


@dataclass
class Choice:
    value: str
    label: str
    lang: str = ""


def _choices(taxonomy: str) -> list[Choice]:
    return [Choice(term.code, term.name) for term in selectors.terms_of_taxonomy(taxonomy)]


def _language_choices() -> list[Choice]:
    choices = [Choice(code, language_name(code), code) for code in selectors.offered_languages()]
    return sorted(choices, key=lambda c: c.label.casefold())


def _all_choices() -> tuple[list[Choice], list[Choice], list[Choice]]:
    """The filters' choices (target groups, forms of violence, languages) in the
    page's language: made once per language and kept in the snapshot, which
    drops them with the terms and the services they come from."""
    kept = snapshot.get("search_choices", dict)
    key = get_language()
    found = kept.get(key)
    if found is None:
        found = kept[key] = (_choices("target_group"), _choices("violence"), _language_choices())
    return found


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    params = request.GET
    notices: list[str] = []

    raw_number = params.get("kommune", "")
    municipality = municipality_by_number(raw_number.strip())
    if raw_number.strip() and municipality is None:
        notices.append(
            _(
                "We found no municipality with the number “%(number)s”. "
                "The list shows services for the whole country."
            )
            % {"number": _clean(raw_number, 20)}
        )

    query = _clean(params.get("q"), 10_000)
    if len(query) > MAX_QUERY_CHARS:
        cut = query[:MAX_QUERY_CHARS]
        if query[MAX_QUERY_CHARS].isalnum() and " " in cut:
            cut = cut.rsplit(" ", 1)[0]  # not half a word
        query = cut.strip()
        notices.append(
            _("Your search was very long, so only its first %(count)s characters were used.")
            % {"count": MAX_QUERY_CHARS}
        )

    filters = selectors.Filters.from_query(params)
    groups, violence, languages = _all_choices()
    for name, options in (
        ("target_group", groups),
        ("violence", violence),
        ("language", languages),
    ):
        value = getattr(filters, name)
        if value and value not in {c.value for c in options}:
            setattr(filters, name, "")
            notices.append(_("One of the filters was not recognised and was left out."))

    raw_page = params.get("side", "")
    try:
        page = int(raw_page) if raw_page else 1
        if page < 1:
            raise ValueError
    except ValueError:
        page = 1
        notices.append(_("That page number was not valid, so the first page is shown."))

    use_asker = params.get("hvem") != SHOW_ALL
    now = timezone.now()
    result = selectors.guide_search(
        municipality=municipality,
        query=query,
        filters=filters,
        page=page,
        now=now,
        use_asker=use_asker,
    )
    if raw_page and page > result.pages:
        notices.append(_("There are not that many pages, so the last page is shown."))

    clean = {
        "kommune": municipality.number if municipality else "",
        "q": query,
        "hvem": "" if use_asker else SHOW_ALL,
        "gruppe": filters.target_group,
        "vold": filters.violence,
        "sprak": filters.language,
        **{flag: "1" if getattr(filters, flag) else "" for flag in filters.FLAGS},
    }
    page_query = search_query(clean, side=result.page if result.page > 1 else "")
    # The cards are asked for now and placed once the page around them is rendered:
    # on PostgreSQL their query runs meanwhile (``CardsLater``).
    later = CardsLater(result.ids, level=4, back_query=page_query, now=now, index=result.index)
    try:
        response = _search_page(request, municipality, query, filters, result, notices, clean)
        html = later.result()
    finally:
        later.close()
    results = response.context_results  # the test client's copy of the context has it too
    results.extend(ResultCard(tier, html[pk]) for pk, tier in result.rows if pk in html)
    sections = jinja.render(
        "results.html", {"tier_sections": _tier_sections(results, municipality)}
    )
    response.content = response.content.replace(RESULTS_SLOT, sections.encode(), 1)
    return response


def _search_page(request, municipality, query, filters, result, notices, clean) -> HttpResponse:
    """The results page with ``RESULTS_SLOT`` where its results go (``search``)."""
    groups, violence, languages = _all_choices()  # kept: the same as ``search`` read
    current_group = next((c for c in groups if c.value == filters.target_group), None)
    results: list[ResultCard] = []  # filled by ``search`` once the cards are read
    context = guide_context(municipality)
    context.update(
        query=query,
        filters=filters,
        filter_grid=_filter_grid(filters, groups, violence, languages, context["terms_lang"]),
        result=result,
        results=results,
        results_slot=mark_safe(RESULTS_SLOT.decode()),
        notices=list(dict.fromkeys(notices)),
        corrected_query=_corrected(query, result.corrected),
        group_choices=groups,
        violence_choices=violence,
        language_choices=languages,
        current_group_html=_isolated(current_group.label) if current_group else "",
        active_filters=sum(
            1
            for name in ("target_group", "violence", "language", *filters.FLAGS)
            if getattr(filters, name)
        ),
        previous_url=(
            "?" + search_query(clean, side=result.page - 1 if result.page > 2 else "")
            if result.page > 1
            else ""
        ),
        next_url=(
            "?" + search_query(clean, side=result.page + 1) if result.page < result.pages else ""
        ),
        without_filters_url="?" + search_query({"kommune": clean["kommune"], "q": query}),
        asker_notice=ASKER_NOTICES.get(result.meaning.asker, ""),
        show_all_url="?" + search_query(clean, hvem=SHOW_ALL),
        all_services_url="?" + search_query({"kommune": clean["kommune"]}),
        # Shown only when nothing was found.
        situation_links=[]
        if result.total
        else [
            (choice.label, "?" + search_query({"kommune": clean["kommune"], "vold": choice.value}))
            for choice in violence
        ],
    )
    # Pages that explain, apart from the services, above the first page of results.
    found = (
        guide_pages.matching(query, cards.page_language(), municipality)
        if query and result.page == 1
        else []
    )
    # As with services: not the page for people who use violence first for someone who
    # said they are hurt ("pappa slår meg"); "Show all" drops the inference.
    hidden = PAGES_FOR_THE_OTHER_SIDE.get(result.meaning.asker, frozenset())
    found = [page for page in found if page.slug not in hidden]
    suffix = f"?kommune={municipality.number}" if municipality else ""
    context["explained"] = [
        Explained(_page_url(page.slug, page.language, get_script_prefix()) + suffix, page)
        for page in found
    ]
    context.update(_search_texts(context, municipality, result))
    context["body"] = jinja.render("search.html", context)
    response = render(request, "guide/search.html", context)
    response.context_results = results
    return response


def _search_texts(context: dict, municipality, result) -> dict:
    """What the results page's Jinja2 content needs besides the search: its
    addresses, and the sentences with counts (plural forms are chosen here)."""
    chosen = context["active_filters"]
    return {
        "heading": (
            _("Find help in %(name)s") % {"name": municipality.name}
            if municipality
            else _("Find help")
        ),
        "municipality_url": (
            reverse("guide:municipality", args=[municipality.number]) if municipality else ""
        ),
        "home_url": reverse("public:home"),
        "search_url": reverse("guide:search"),
        "chosen_text": ngettext("%(count)s chosen", "%(count)s chosen", chosen) % {"count": chosen},
        "found_text": ngettext(
            "%(total)s service found.", "%(total)s services found.", result.total
        )
        % {"total": result.total},
        # The emergency lines come first when the query is acute or nothing was found.
        "emergency": (
            render_to_string(
                "core/includes/emergency.html", {"emergency_lines": context["emergency_lines"]}
            )
            if result.meaning.acute or not result.total
            else ""
        ),
    }


class Explained(NamedTuple):
    url: str  # the page in its own language
    page: GuidePage


@lru_cache(maxsize=256)
def _page_url(slug: str, language: str, prefix: str) -> str:
    with override(language):
        return reverse("guide:page", args=[slug])


class TierSection(NamedTuple):
    tier: int
    heading: str
    cards: SafeString  # the section's <li> items


def _tier_sections(results: list[ResultCard], municipality) -> list[TierSection]:
    """The results in their tiers, in order, each with its heading; joined here
    rather than looped over in the template (twenty cards on every results page)."""
    headings = {
        selectors.Tier.BEST: _("Best match"),
        selectors.Tier.SHARED: _("Shared with neighbouring municipalities"),
        selectors.Tier.NATIONAL: _("For the whole country"),
    }
    sections: list[TierSection] = []
    for tier, group in groupby(results, key=lambda card: card.tier):
        if tier == selectors.Tier.LOCAL:
            heading = _("From %(name)s") % {"name": municipality.name if municipality else ""}
        else:
            heading = headings[tier]
        # The cards are safe markup already (``result_cards``): joined as they are.
        items = mark_safe("".join([f"<li>{card.html}</li>" for card in group]))
        sections.append(TierSection(tier, heading, items))
    return sections


MAX_FILTER_GRIDS = 256


def _filter_grid(filters, groups, violence, languages, terms_lang: str) -> str:
    """The filters' fields, rendered once per language and choice of filters in
    each process (most searches choose none) and kept in the snapshot, which
    the choices come from (dropped with the terms)."""
    # The choices are in the key, so that the grids outlive an edit that adds none.
    fields = ("target_group", "violence", "language", *filters.FLAGS)
    chosen = tuple(getattr(filters, name) for name in fields)  # not astuple: it deep-copies
    key = (get_language(), chosen, tuple(c.value for c in languages), terms_lang)
    grids = snapshot.get("filter_grids", dict, services=False)
    html = grids.get(key)
    if html is None:
        if len(grids) >= MAX_FILTER_GRIDS:
            grids.clear()
        html = grids[key] = render_to_string(
            "guide/_filter_grid.html",
            {
                "filters": filters,
                "group_choices": groups,
                "violence_choices": violence,
                "language_choices": languages,
                "terms_lang": terms_lang,
            },
        )
    return html


def _isolated(term_name: str):
    """A term's name for inside a translated sentence: isolated, so that a bokmål
    name keeps its direction on a right-to-left page, and marked with its language."""
    language = terms_language()
    if language:
        return format_html('<bdi lang="{}">{}</bdi>', language, term_name)
    return format_html("<bdi>{}</bdi>", term_name)


def _corrected(query: str, corrected: dict[str, str]) -> str:
    """The query as it was read, for "Showing results for …"."""
    if not corrected:
        return ""
    return re.sub(r"\w+", lambda m: corrected.get(m.group(0).casefold(), m.group(0)), query)


# --- a service's page ---------------------------------------------------------


def _public_service(pk) -> Service:
    """The public service ``pk`` read afresh (the error report's pages), or 404."""
    service = service_pages.load(pk)
    if service is None:
        raise Http404
    if cards.page_language() != "nb":
        service_pages.with_translations(service)
    return service


def _back(request: HttpRequest) -> dict:
    """Where "back" leads: the results the visitor came from, carried in the query string."""
    back_query = search_query(request.GET)
    municipality = municipality_by_number(request.GET.get("kommune"))
    only_municipality = municipality and back_query == urlencode({"kommune": municipality.number})
    if back_query and not only_municipality:
        back_url = reverse("guide:search") + "?" + back_query
    elif municipality:
        back_url = reverse("guide:municipality", args=[municipality.number])
    else:
        back_url = ""
    return {
        "back_query": back_query,
        "back_url": back_url,
        "municipality": municipality,
        "municipality_url": (
            reverse("guide:municipality", args=[municipality.number]) if municipality else ""
        ),
    }


FACILITIES = (
    "accommodation_women",
    "accommodation_men",
    "accommodation_children",
    "day_services",
    "wheelchair_access",
    "accepts_substance_use",
    "adapted_disabilities",
    "pets_allowed",
)


def _service_stamp(request: HttpRequest, pk) -> str | None:
    """What a service's page shows, for ``core.page_cache``: when the entry was
    saved (asked of the database: a withdrawn entry is never answered from a kept
    page), whether it is open now, and the directory's other changes (its
    organisation, its places). None (not kept) for an entry that is not public,
    or while this process's index is older than the entry."""
    saved = service_pages.saved_at(pk)
    request.service_saved_at = (pk, saved)  # the view asks no second time
    entry = guide_index().entries.get(pk)
    if saved is None or entry is None or entry.updated_at != saved:
        return None
    return f"{pk}:{saved}:{_open_state(entry, timezone.now())}:{snapshot.outside_log()}"


def _known_municipality(number: str) -> bool:
    return municipality_by_number(number) is not None


def _keeps_service_page(request: HttpRequest):
    """A service's page asked plainly or from a municipality's page (its "back" leads
    there) is kept; one with a search to go back to, whose words the visitor wrote,
    is kept in this process only (``page_cache.NEAR_ONLY``); any other is not kept."""
    if only_parameters(request, kommune=_known_municipality):
        return True
    return NEAR_ONLY if only_parameters(request, **_ANY_SEARCH) else False


_ANY_SEARCH = dict.fromkeys(SEARCH_KEYS, bool)  # the guide's own keys, each with a value


@require_safe
@public_page("guide-service", stamp=_service_stamp, keeps=_keeps_service_page)
def service_page(request: HttpRequest, pk) -> HttpResponse:
    asked = getattr(request, "service_saved_at", None)
    saved = asked[1] if asked is not None and asked[0] == pk else service_pages.ASK
    service = service_pages.public_service(pk, saved=saved)
    if service is None:
        raise Http404
    if cards.page_language() != "nb":
        service_pages.with_translations(service)
    back = _back(request)
    decorate([service], now=timezone.now(), back_query=back["back_query"])
    context = guide_context(back["municipality"])
    context.update(back)
    context.update(
        service=service,
        violence_forms=service.terms_of("violence"),
        service_languages=[
            (language_name(lang.code), lang.code, lang.note) for lang in service.languages.all()
        ],
        facilities=[
            Service._meta.get_field(name).verbose_name
            for name in FACILITIES
            if getattr(service, name)
        ],
        locations=[sal.location for sal in service.service_at_locations.all()],
        report_url=_with_query(reverse("guide:report_error", args=[service.pk]), back),
    )
    return render(request, "guide/service.html", context)


def _with_query(url: str, back: dict) -> str:
    return f"{url}?{back['back_query']}" if back["back_query"] else url


# --- report an error ----------------------------------------------------------


class ErrorReportForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("What is wrong in this entry?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "For example a phone number that does not work or opening hours that have changed. "
            "At most 2,000 characters. Do not write your name or anything about yourself or "
            "others: this form is not for asking for help."
        ),
    )


client_ip = client_key  # the error form's limit reads addresses like every other


@csrf_protect
@require_http_methods(["GET", "POST"])
def report_error(request: HttpRequest, pk) -> HttpResponse:
    """The only public page that sets a cookie: Django's CSRF cookie, for this form."""
    service = _public_service(pk)
    back = _back(request)
    form = ErrorReportForm(request.POST or None)
    status = 200
    limited = False
    if request.method == "POST" and form.is_valid():
        limited = is_ratelimited(
            request,
            group=ERROR_REPORT_GROUP,
            key=client_ip,
            rate=ERROR_REPORT_RATE,
            method="POST",
            increment=True,
        )
        if limited:
            status = 429
        else:
            try:
                services.error_report_create(service=service, message=form.cleaned_data["message"])
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return redirect(
                    _with_query(reverse("guide:report_thanks", args=[service.pk]), back)
                )
    elif request.method == "POST":
        status = 400
    context = guide_context(back["municipality"])
    context.update(back)
    context.update(
        service=service,
        form=form,
        limited=limited,
        report_url=_with_query(reverse("guide:report_error", args=[service.pk]), back),
        service_url=_with_query(reverse("guide:service", args=[service.pk]), back),
    )
    response = render(request, "guide/report_error.html", context, status=status)
    # Under the site's "no-referrer" policy browsers send "Origin: null" with a
    # form post, which the CSRF check refuses; same-origin tells other sites nothing.
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@require_safe
def report_thanks(request: HttpRequest, pk) -> HttpResponse:
    service = _public_service(pk)
    back = _back(request)
    context = guide_context(back["municipality"])
    context.update(back)
    context.update(
        service=service,
        service_url=_with_query(reverse("guide:service", args=[service.pk]), back),
    )
    return render(request, "guide/report_thanks.html", context)
