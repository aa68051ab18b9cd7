"""Reads for the directory: lookups, the services a resident can use, the cards' rows (the
public guide's search is the guide's, ``vern.guide.selectors``)."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Callable
from datetime import datetime, time
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.aggregates import StringAgg
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import get_language

from vern.core.models import Municipality
from vern.core.text import norwegian_sort_key
from vern.directory.models import (
    Phone,
    Schedule,
    Service,
    ServiceTranslation,
    TaxonomyTerm,
)

POSTAL_CODES = Path(__file__).resolve().parent / "data" / "postnummer.csv"
PUBLIC_STATUSES = (Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED)
PAGE_SIZE = 20


class Tier:
    """The order results are shown in: the municipality's own, shared, national;
    a shared or national service that fits best is shown first, as the best match."""

    BEST, LOCAL, SHARED, NATIONAL = -1, 0, 1, 2


@cache
def _postal_codes() -> dict[str, tuple[str, str]]:
    """Postal code -> (postal town, municipality number), from Posten's register."""
    with POSTAL_CODES.open(encoding="utf-8", newline="") as handle:
        return {
            row["postnummer"]: (row["poststed"], row["kommunenummer"])
            for row in csv.DictReader(handle)
        }


def find_municipalities(text: str, *, limit: int = 10) -> list[Municipality]:
    """Municipalities matching a name, a municipality number or a postal code."""
    text = (text or "").strip()[:100]
    if not text:
        return []
    real = Municipality.objects.filter(is_demo=False) | Municipality.objects.filter(
        is_demo=True, number="9999"
    )
    if text.isdigit() and len(text) == 4:
        by_number = list(real.filter(number=text))
        postal = _postal_codes().get(text)
        if postal:
            by_number += [m for m in real.filter(number=postal[1]) if m not in by_number]
        return by_number[:limit]
    matches = list(real.filter(name__icontains=text)[:50])
    matches.sort(
        key=lambda m: (
            not m.name.casefold().startswith(text.casefold()),
            norwegian_sort_key(m.name),
        )
    )
    return matches[:limit]


def _terms_from_database() -> dict:
    return {t.pk: t for t in TaxonomyTerm.objects.select_related("taxonomy")}


# Every taxonomy term by id, with its taxonomy. The guide (the read side) puts its
# per-process copy here at start-up (``vern.guide.apps``); the directory never
# imports the guide, so without it each call reads the table (one small query).
term_table: Callable[[], dict] = _terms_from_database


def use_term_table(provider: Callable[[], dict]) -> None:
    """Read taxonomy terms through ``provider`` (the guide's cached table)."""
    global term_table
    term_table = provider


def public_services() -> QuerySet[Service]:
    return Service.objects.filter(status__in=PUBLIC_STATUSES)


def services_for(municipality: Municipality | None) -> QuerySet[Service]:
    """Services a resident of ``municipality`` can use, annotated with their ``tier``.

    Local: the municipality's own entries. Shared: entries of another
    municipality (or an inter-municipal service) that list it among the areas
    served. National: services for the whole country.
    """
    services = public_services()
    if municipality is None:
        return services.filter(is_national=True).annotate(tier=Value(Tier.NATIONAL))
    served = Service.areas.through.objects.filter(municipality=municipality).values("service")
    return services.filter(Q(is_national=True) | Q(owner=municipality) | Q(pk__in=served)).annotate(
        tier=Case(
            When(owner=municipality, then=Value(Tier.LOCAL)),
            When(is_national=True, then=Value(Tier.NATIONAL)),
            default=Value(Tier.SHARED),
            output_field=IntegerField(),
        )
    )


def referable_services(municipality: Municipality) -> QuerySet[Service]:
    """Services a case worker in ``municipality`` may refer to or point a person at:
    the ones a resident there can use, by tier and then name (pathways' referrals)."""
    return services_for(municipality).select_related("organization").order_by("tier", "name")


def service_needs_referral(service: Service) -> bool:
    """The service's referral rule: whether it takes people only on a referral."""
    return service.referral == Service.Referral.REQUIRED


class Hours(NamedTuple):
    """One weekly opening-hours row, as a card reads it."""

    weekday: int
    opens_at: time
    closes_at: time


def _aggregated(model, expression) -> Subquery:
    """A subquery joining ``expression`` over a service's related rows with ";"
    (in no particular order: not every database can order inside an aggregate)."""
    rows = model.objects.filter(service_id=OuterRef("pk")).order_by().values("service_id")
    joined = StringAgg(expression, Value(";"))
    return Subquery(rows.annotate(joined=joined).values("joined")[:1])


@cache
def _card_services() -> QuerySet[Service]:
    """The cards' query without its ids, built once: resolving the aggregates'
    expressions costs more than running the query."""
    return (
        Service.objects.order_by()
        .only(*CARD_FIELDS)
        .annotate(
            term_ids=_aggregated(Service.terms.through, Cast("taxonomyterm_id", CharField())),
            opening_rows=_aggregated(
                Schedule,
                Concat(
                    Cast("weekday", CharField()),
                    Value(","),
                    Cast("opens_at", CharField()),
                    Value(","),
                    Cast("closes_at", CharField()),
                ),
            ),
        )
    )


@lru_cache(maxsize=128)
def _card_sql(count: int, public_only: bool, vendor: str) -> tuple[str, list, list]:
    """The cards' query for ``count`` ids, compiled once: Django spent longer
    writing this SQL (the aggregates' subqueries) than the database running it.

    Compiled with stand-in ids; returns the SQL, its parameters and where in
    them each id goes, as (parameter position, id position).
    """
    stand_ins = [uuid.UUID(int=n + 1) for n in range(count)]
    services = _card_services().filter(pk__in=stand_ins)
    if public_only:
        services = services.filter(status__in=PUBLIC_STATUSES)
    sql, params = services.query.sql_with_params()
    prepared = {
        Service._meta.pk.get_db_prep_value(pk, connection): n for n, pk in enumerate(stand_ins)
    }
    slots = [(position, prepared[p]) for position, p in enumerate(params) if p in prepared]
    if len(slots) != count:
        raise RuntimeError("the compiled card query does not hold each id once")
    return sql, list(params), slots


def cards(ids: list, *, public_only: bool = False) -> dict:
    """Services by id with what a result card shows, in two small queries.

    Target-group ids and opening hours ride along with the services as joined
    strings, phones come in one more query (translations too on pages that are
    not in bokmål); target groups come from the cached term table. Related rows
    are attached as ``prefetch_related`` would, so ``.all()`` reads memory.
    """
    if not ids:
        return {}
    terms = term_table()
    sql, params, slots = _card_sql(len(ids), public_only, connection.vendor)
    prepare = Service._meta.pk.get_db_prep_value
    for position, index in slots:
        params[position] = prepare(ids[index], connection)
    by_id = {service.pk: service for service in Service.objects.raw(sql, params)}
    related: dict[str, dict] = {
        name: {pk: [] for pk in by_id} for name in ("phones", "translations")
    }
    loads = [("phones", Phone, ("pk",))]
    if (get_language() or "nb").split("-")[0] != "nb":
        # Bokmål pages show the entries' own texts; other languages look for a translation.
        loads.append(("translations", ServiceTranslation, ()))
    for name, model, order in loads:
        for row in model.objects.filter(service_id__in=list(by_id)).order_by(*order):
            related[name][row.service_id].append(row)
    for pk, service in by_id.items():
        groups = [terms.get(uuid.UUID(t)) for t in (service.term_ids or "").split(";") if t]
        service.target_groups = sorted(
            (t for t in groups if t is not None and t.taxonomy.code == "target_group"),
            key=lambda t: (t.sort_key, t.code),
        )
        hours = []
        for row in (service.opening_rows or "").split(";"):
            if row:
                weekday, opens, closes = row.split(",")
                hours.append(
                    Hours(int(weekday), time.fromisoformat(opens), time.fromisoformat(closes))
                )
        hours.sort()
        # As prefetch_related leaves it, so .all() answers from memory (lists: cards
        # only iterate).
        service._prefetched_objects_cache = {
            "phones": related["phones"][pk],
            "translations": related["translations"][pk],
            "schedules": hours,
        }
    return by_id


# The service fields a card shows (templates/directory/jinja/card.html) and the
# one its stored copy is checked against (updated_at).
CARD_FIELDS = (
    "id",
    "name",
    "alert",
    "status",
    "eligibility_description",
    "email",
    "referral",
    "referral_from",
    "open_24_7",
    "schedule_note",
    "is_free",
    "assured_date",
    "updated_at",
)


def with_card_details(services: QuerySet[Service]) -> QuerySet[Service]:
    """Everything a result card shows, fetched in a fixed number of queries."""
    return services.select_related("organization", "owner").prefetch_related(
        Prefetch("phones", queryset=Phone.objects.order_by("pk")),
        "schedules",
        Prefetch("terms", queryset=TaxonomyTerm.objects.select_related("taxonomy")),
        "languages",
        "translations",
    )


def is_open(service: Service, now: datetime) -> bool:
    if service.open_24_7:
        return True
    local = timezone.localtime(now)
    weekday, clock = local.isoweekday(), local.time()
    return any(
        day == weekday and opens <= clock < closes for day, opens, closes in service.weekly_hours()
    )
