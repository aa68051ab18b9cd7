"""The public, read-only HSDS 3.0 API (Open Referral's API template).

Only public services (``PUBLIC_STATUSES``) and what hangs off them are
served; organisations and locations appear when they run or host one.
Confidential locations show their name and public contact point only
(``hsds.location``).
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from vern.core.models import Municipality
from vern.directory import hsds, search
from vern.directory.models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from vern.directory.openapi import openapi_document
from vern.directory.selectors import _postal_codes, public_services, services_for
from vern.guide.api.base import (
    ApiError,
    Paging,
    api_view,
    bool_param,
    datetime_param,
    json_response,
    text_param,
    uuid_param,
    uuid_value,
)
from vern.guide.api.basic import as_utc, services_basic
from vern.guide.index import guide_index
from vern.guide.query import plan_query

# The open API serves public data; its serialisers leave out confidential addresses.
PUBLIC_LOCATIONS = "the open API's locations of public services"
MUNICIPALITY_NUMBER = re.compile(r"[0-9]{4}")


@api_view
def root(request: HttpRequest) -> HttpResponse:
    return json_response(
        {
            "version": hsds.HSDS_VERSION,
            "openapi_url": request.build_absolute_uri(reverse("hsds:openapi")),
        }
    )


@api_view
def openapi(request: HttpRequest) -> HttpResponse:
    return json_response(openapi_document(request.build_absolute_uri(reverse("hsds:root"))))


@api_view
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    raise ApiError(404, "No such API endpoint. See openapi.json for the endpoints.")


# --- services ---------------------------------------------------------------


def _municipality(request: HttpRequest) -> Municipality | None:
    """The municipality named by ``municipality`` or ``postcode`` (at most one
    of them), as the OpenAPI document describes; the values are taken exactly
    as given, so anything the document's pattern refuses is refused here too."""
    number = request.GET.get("municipality")
    postcode = request.GET.get("postcode")
    if number is not None and postcode is not None:
        raise ApiError(400, "Give 'municipality' or 'postcode', not both.")
    if postcode is not None:
        if not MUNICIPALITY_NUMBER.fullmatch(postcode):
            raise ApiError(400, "'postcode' must be a Norwegian postal code of four digits.")
        found = _postal_codes().get(postcode)
        if not found:
            raise ApiError(400, "Unknown postal code.")
        number = found[1]
    if number is None:
        return None
    if not MUNICIPALITY_NUMBER.fullmatch(number):
        raise ApiError(400, "'municipality' must be a municipality number of four digits.")
    municipality = Municipality.objects.filter(number=number).first()
    if municipality is None:
        raise ApiError(400, "Unknown municipality number.")
    return municipality


def filtered_services(
    request: HttpRequest,
) -> tuple[QuerySet[Service], search.QueryPlan | None, bool]:
    """Public services after the request's filters, matches only when searching
    (through the database's full-text index: services at locations; a service
    search is answered by ``_searched_in_index``).

    Returns the queryset, the search's plan (None without ``search``) and
    whether the queryset has a ``tier`` (local, shared, national). The matches
    are a subquery: no list of ids comes back from the database.
    """
    municipality = _municipality(request)
    services = services_for(municipality) if municipality else public_services()
    term_id = uuid_param(request, "taxonomy_term_id")
    if term_id:
        links = Service.terms.through.objects.filter(taxonomyterm_id=term_id)
        services = services.filter(pk__in=links.values("service_id"))
    taxonomy_id = uuid_param(request, "taxonomy_id")
    if taxonomy_id:
        links = Service.terms.through.objects.filter(taxonomyterm__taxonomy_id=taxonomy_id)
        services = services.filter(pk__in=links.values("service_id"))
    organization_id = uuid_param(request, "organization_id")
    if organization_id:
        services = services.filter(organization_id=organization_id)
    modified_after = datetime_param(request, "modified_after")
    if modified_after:
        services = services.filter(updated_at__gte=modified_after)
    plan = None
    query = text_param(request, "search", search.MAX_QUERY_CHARS)
    if query:
        plan = plan_query(query)
        services = services.none() if plan.empty else search.matching(services, plan)
    return services, plan, municipality is not None


def _page_of_services(
    paging: Paging, services: QuerySet[Service], tiered: bool
) -> tuple[int, list]:
    """(total, ids of this page) of a list without a search: by tier, then name."""
    order = ["tier", "name", "id"] if tiered else ["name", "id"]
    total = services.count()
    if paging.start >= total:
        return total, []
    ids = list(services.order_by(*order).values_list("pk", flat=True)[paging.start : paging.end])
    return total, ids


def _searched_in_index(request: HttpRequest, paging: Paging, query: str) -> tuple[int, list]:
    """(total, ids of this page) of a search, from the guide's in-memory index
    (``GuideIndex.search_page``: BM25 over its postings, the same on both
    databases). Parameters are checked, in the same order, as
    ``filtered_services`` checks them; the taxonomy and organisation filters
    ask for their few ids, the rest is tested on the entries."""
    municipality = _municipality(request)
    checks = []
    term_id = uuid_param(request, "taxonomy_term_id")
    if term_id:
        checks.append(lambda entry: term_id in entry.terms)
    taxonomy_id = uuid_param(request, "taxonomy_id")
    if taxonomy_id:
        in_taxonomy = frozenset(
            TaxonomyTerm.objects.filter(taxonomy_id=taxonomy_id).values_list("pk", flat=True)
        )
        checks.append(lambda entry: not in_taxonomy.isdisjoint(entry.terms))
    organization_id = uuid_param(request, "organization_id")
    if organization_id:
        # An organisation's few services, asked for rather than kept in every entry.
        its = frozenset(
            Service.objects.filter(organization_id=organization_id).values_list("pk", flat=True)
        )
        checks.append(lambda entry: entry.pk in its)
    modified_after = datetime_param(request, "modified_after")
    if modified_after:
        checks.append(lambda entry: as_utc(entry.updated_at) >= modified_after)
    plan = plan_query(query)
    if plan.empty:
        return 0, []
    test = (lambda entry: all(check(entry) for check in checks)) if checks else None
    return guide_index().search_page(
        search.prefixes(plan),
        municipality_id=municipality.pk if municipality else None,
        test=test,
        start=paging.start,
        end=paging.end,
    )


@api_view
def services(request: HttpRequest) -> HttpResponse:
    paging = Paging.from_request(request)
    query = text_param(request, "search", search.MAX_QUERY_CHARS)
    if query:
        total, ids = _searched_in_index(request, paging, query)
    else:
        queryset, _plan, tiered = filtered_services(request)
        total, ids = _page_of_services(paging, queryset, tiered)
    # The index may be up to VERN_SNAPSHOT_SECONDS behind: a service hidden or
    # deleted since is left out rather than shown (or failing the request).
    return json_response(paging.envelope(total, services_basic(ids)))


@api_view
def service(request: HttpRequest, id: str) -> HttpResponse:
    pk = uuid_value(id)
    found = hsds.services_detailed(public_services().filter(pk=pk)).first()
    if found is None:
        raise ApiError(404, "No public service with this id.")
    return json_response(hsds.service(found))


# --- services at locations ----------------------------------------------------


def _public_sals() -> QuerySet[ServiceAtLocation]:
    return ServiceAtLocation.objects.filter(service__in=public_services())


@api_view
def service_at_locations(request: HttpRequest) -> HttpResponse:
    paging = Paging.from_request(request)
    queryset, _plan, _tiered = filtered_services(request)
    sals = ServiceAtLocation.objects.filter(service__in=queryset.values("pk"))
    total = sals.count()
    page = list(
        sals.select_related("location", "service__organization").order_by(
            "service__name", "location__name", "id"
        )[paging.start : paging.end]
        if paging.start < total
        else []
    )
    contents = [hsds.service_at_location_list_item(sal) for sal in page]
    return json_response(paging.envelope(total, contents))


@api_view
def service_at_location(request: HttpRequest, id: str) -> HttpResponse:
    pk = uuid_value(id)
    sal = _public_sals().filter(pk=pk).select_related("location__municipality").first()
    if sal is None:
        raise ApiError(404, "No public service at a location with this id.")
    sal.service = hsds.services_detailed(Service.objects.filter(pk=sal.service_id)).get()
    return json_response(hsds.service_at_location(sal))


# --- organisations ----------------------------------------------------------


def _public_organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(id__in=public_services().values("organization_id"))


@api_view
def organizations(request: HttpRequest) -> HttpResponse:
    paging = Paging.from_request(request)
    orgs = _public_organizations()
    query = text_param(request, "search")
    if query:
        orgs = orgs.filter(Q(name__icontains=query) | Q(alternate_name__icontains=query))
    total = orgs.count()
    page = (
        list(orgs.order_by("name", "id")[paging.start : paging.end]) if paging.start < total else []
    )
    return json_response(paging.envelope(total, [hsds.organization_basic(o) for o in page]))


@api_view
def organization(request: HttpRequest, id: str) -> HttpResponse:
    pk = uuid_value(id)
    org = _public_organizations().filter(pk=pk).select_related("owner").first()
    if org is None:
        raise ApiError(404, "No organisation with public services has this id.")
    full_service = bool_param(request, "full_service")
    services = public_services().filter(organization=org).order_by("name", "id")
    if full_service:
        service_data = [hsds.service(s) for s in hsds.services_detailed(services)]
    else:
        service_data = [hsds.service_basic(s) for s in services.select_related("organization")]
    locations = (
        Location.objects.for_system(reason=PUBLIC_LOCATIONS)
        .filter(
            organization=org,
            id__in=ServiceAtLocation.objects.filter(service__in=services).values("location_id"),
        )
        .select_related("municipality")
        .order_by("name", "id")
    )
    return json_response(hsds.organization(org, services=service_data, locations=locations))


# --- taxonomies -------------------------------------------------------------


def _matches(query: str, *texts: str) -> bool:
    folded = query.casefold()
    return any(folded in (text or "").casefold() for text in texts)


@api_view
def taxonomies(request: HttpRequest) -> HttpResponse:
    paging = Paging.from_request(request)
    items = [hsds.taxonomy(t) for t in Taxonomy.objects.order_by("code")]
    items.append(hsds.vern_taxonomy())
    query = text_param(request, "search")
    if query:
        items = [i for i in items if _matches(query, i["name"], i["code"], i["description"])]
    return json_response(paging.envelope(len(items), items[paging.start : paging.end]))


@api_view
def taxonomy(request: HttpRequest, id: str) -> HttpResponse:
    pk = uuid_value(id)
    if str(pk) == hsds.VERN_TAXONOMY_ID:
        return json_response(hsds.vern_taxonomy())
    found = Taxonomy.objects.filter(pk=pk).first()
    if found is None:
        raise ApiError(404, "No taxonomy with this id.")
    return json_response(hsds.taxonomy(found))


def _all_terms() -> list[dict]:
    terms = [
        hsds.taxonomy_term(t)
        for t in TaxonomyTerm.objects.select_related("taxonomy").order_by(
            "taxonomy__code", "sort_key", "code"
        )
    ]
    terms += [hsds.vern_term(f, detail=True) for f in hsds.vern_terms()]
    return terms


@api_view
def taxonomy_terms(request: HttpRequest) -> HttpResponse:
    paging = Paging.from_request(request)
    items = _all_terms()
    taxonomy_id = uuid_param(request, "taxonomy_id")
    if taxonomy_id:
        items = [i for i in items if i["taxonomy_id"] == str(taxonomy_id)]
    if uuid_param(request, "parent_id"):
        items = []  # Vern's vocabularies are flat: no term has a parent.
    bool_param(request, "top_only")  # every term is a top term; the value is only checked
    query = text_param(request, "search")
    if query:
        items = [
            i
            for i in items
            if _matches(query, i["name"], i["code"], *(t["name"] for t in i["translations"]))
        ]
    return json_response(paging.envelope(len(items), items[paging.start : paging.end]))


@api_view
def taxonomy_term(request: HttpRequest, id: str) -> HttpResponse:
    pk = str(uuid_value(id))
    if pk in hsds.VERN_FIELDS_BY_ID and not hsds.VERN_FIELDS_BY_ID[pk].internal:
        return json_response(hsds.vern_term(hsds.VERN_FIELDS_BY_ID[pk], detail=True))
    found = TaxonomyTerm.objects.select_related("taxonomy").filter(pk=pk).first()
    if found is None:
        raise ApiError(404, "No taxonomy term with this id.")
    return json_response(hsds.taxonomy_term(found))
