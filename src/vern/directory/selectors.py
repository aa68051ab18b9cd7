"""Reads for the directory: the public guide's search, lookups, due entries."""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time
from functools import cache, cached_property, lru_cache
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
from vern.directory import search
from vern.directory.guide_index import GuideIndex, Tier, guide_index
from vern.directory.models import (
    Phone,
    Schedule,
    Service,
    ServiceTranslation,
    TaxonomyTerm,
)
from vern.directory.snapshot import snapshot
from vern.directory.understanding import OPPOSED, Understanding, understand

POSTAL_CODES = Path(__file__).resolve().parent / "data" / "postnummer.csv"
PUBLIC_STATUSES = (Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED)
PAGE_SIZE = 20


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


def municipalities_by_number() -> dict[str, Municipality]:
    """Every municipality by number, kept in the snapshot (the guide reads one
    on every page; they change with a release, if ever)."""
    return snapshot.get("municipalities", lambda: {m.number: m for m in Municipality.objects.all()})


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


@dataclass
class Filters:
    target_group: str = ""
    violence: str = ""
    language: str = ""
    free: bool = False
    no_referral: bool = False
    open_now: bool = False
    acute: bool = False
    wheelchair: bool = False
    pets: bool = False

    FLAGS = ("free", "no_referral", "open_now", "acute", "wheelchair", "pets")

    @classmethod
    def from_query(cls, params) -> Filters:
        return cls(
            target_group=(params.get("gruppe") or "")[:40],
            violence=(params.get("vold") or "")[:40],
            language=(params.get("sprak") or "")[:10],
            **{flag: params.get(flag) == "1" for flag in cls.FLAGS},
        )

    @property
    def active(self) -> bool:
        return any(
            getattr(self, name) for name in ("target_group", "violence", "language", *self.FLAGS)
        )


@dataclass
class SearchResult:
    rows: list[tuple]  # (service id, tier) of the services on this page, in order
    total: int
    page: int
    pages: int
    corrected: dict[str, str] = field(default_factory=dict)
    query_used: bool = False
    index: GuideIndex | None = field(default=None, repr=False, compare=False)  # rows came from it
    meaning: Understanding = field(default_factory=Understanding)  # what the query was read as
    # A query was typed but nothing in it could be searched for or understood.
    not_understood: bool = False

    @cached_property
    def services(self) -> list[Service]:
        """This page's services with what a card shows, each with its ``tier``
        (the public page shows stored cards instead, ``cards.result_cards``)."""
        by_id = cards(list(self.ids))
        found = []
        for pk, tier in self.rows:
            if pk in by_id:  # else deleted since the index was built
                by_id[pk].tier = tier
                found.append(by_id[pk])
        return found

    @property
    def ids(self) -> list:
        return [pk for pk, _tier in self.rows]


def guide_search(
    *,
    municipality: Municipality | None,
    query: str,
    filters: Filters,
    page: int = 1,
    now: datetime | None = None,
    checked: bool = False,
    use_asker: bool = True,
) -> SearchResult:
    """The guide's search: local first, then shared, then national; best match first.

    The query is read for its meaning (``understanding.py``) as well as its
    words. ``use_asker`` false ranks without who the query says is asking
    (the page's "show all" link). ``checked`` says the caller has just run
    ``snapshot.check()`` in this request.
    """
    now = now or timezone.now()
    if not checked:
        snapshot.check()
    meaning = understand(query) if query else Understanding()
    plan = search.plan_query(query, keep=meaning.known)
    if plan.corrected:  # read the query again as corrected ("voldtek" is "voldtekt")
        meaning = understand(
            " ".join(
                plan.corrected.get(w, w) for w in search.words(query[: search.MAX_QUERY_CHARS])
            )
        )
    if not use_asker:
        meaning = meaning.without_asker()
    search.with_words(plan, meaning.words)
    index = guide_index()
    found = index.candidates(municipality.pk if municipality else None, filters, now=now)
    not_understood = False
    if plan.empty and not meaning.understood:
        not_understood = bool(query.strip())
        found.sort(key=lambda pair: (pair[1], pair[0].sort_key))
        rows = [] if not_understood else [(entry.pk, tier) for entry, tier in found]
    else:
        rows = _ranked(index, found, plan, meaning)
    total = len(rows)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    return SearchResult(
        rows=rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        total=total,
        page=page,
        pages=pages,
        corrected=plan.corrected,
        query_used=not plan.empty or meaning.understood,
        index=index,
        meaning=meaning,
        not_understood=not_understood,
    )


# How much each kind of fit weighs in the guide's ranking (see ``_ranked``).
TEXT_WEIGHT, VIOLENCE_WEIGHT, GROUP_WEIGHT, ACUTE_WEIGHT, OTHER_SIDE_PENALTY = (
    2.0,
    1.0,
    1.5,
    1.0,
    2.0,
)


def _ranked(index: GuideIndex, found: list, plan, meaning: Understanding) -> list[tuple]:
    """(service id, tier) of the services that fit, in the order shown.

    Each candidate is scored by its text (BM25 over the query's words and the
    words of the situations understood, scaled to the best one), by how many
    of the understood forms of violence it covers, by whether it serves the
    asker (or, when no asker was recognised, the situations' target groups)
    and, for an acute query, by whether it answers at once. A service for the
    other side (only for people who use violence when the asker is exposed or
    a child, or only for victims when the asker uses violence) is left out
    while the asker is inferred; the page links to the results without it.

    The order stays "own municipality first, then shared, then national",
    except that the best scoring service of all comes first ("Best match",
    ``Tier.BEST``) when it is a shared or national one and the query was
    understood as a situation.
    """
    relevance = index.scores(search.prefixes(plan), [entry for entry, _tier in found])
    top = max(relevance.values(), default=0.0) or 1.0
    asker_group = meaning.asker_group
    opposed = OPPOSED.get(meaning.asker, frozenset())
    wanted = frozenset({asker_group}) if asker_group else meaning.groups
    violence = meaning.violence
    codes = _term_codes()
    scored = []
    for entry, tier in found:
        groups, forms = codes(entry.terms)
        if opposed and asker_group not in groups and not opposed.isdisjoint(groups):
            continue
        text = relevance.get(entry.pk, 0.0) / top
        violence_fit = len(forms & violence) / len(violence) if violence else 0.0
        # A service for the asker's group fits; one for few groups fits better.
        group_fit = 1.0 + 0.5 / len(groups) if wanted and not wanted.isdisjoint(groups) else 0.0
        acute = meaning.acute and entry.acute
        if not text and not (violence_fit and group_fit) and not acute:
            continue
        score = (
            TEXT_WEIGHT * text
            + VIOLENCE_WEIGHT * violence_fit
            + GROUP_WEIGHT * group_fit
            + (ACUTE_WEIGHT if acute else 0.0)
        )
        if wanted and "perpetrators" in groups and "perpetrators" not in wanted:
            # Help for people who use violence comes after the help for those it hurts
            # (a service for both sides less so).
            score -= OTHER_SIDE_PENALTY if "exposed" not in groups else OTHER_SIDE_PENALTY / 2
        scored.append((score, tier, entry))
    if not scored:
        return []
    ranked = sorted(scored, key=lambda s: (s[1], -s[0], s[2].sort_key))
    rows = [(entry.pk, tier) for _score, tier, entry in ranked]
    if meaning.concepts or meaning.asker:
        best_score, best_tier, best = max(scored, key=lambda s: (s[0], -s[1]))
        local = max((s[0] for s in scored if s[1] == Tier.LOCAL), default=None)
        if best_tier != Tier.LOCAL and (local is None or best_score > local):
            rows.remove((best.pk, best_tier))
            rows.insert(0, (best.pk, Tier.BEST))
    return rows


def _term_codes():
    """A function giving the (target group codes, violence codes) of a set of term
    ids; the sets are shared between entries, so each is worked out once."""

    def build():
        table = term_table()
        known: dict = {}

        def codes(terms: frozenset) -> tuple[frozenset, frozenset]:
            found = known.get(terms)
            if found is None:
                chosen = [table[t] for t in terms if t in table]
                found = known[terms] = (
                    frozenset(t.code for t in chosen if t.taxonomy.code == "target_group"),
                    frozenset(t.code for t in chosen if t.taxonomy.code == "violence"),
                )
            return found

        return codes

    return snapshot.get("term_codes", build)


def term_table() -> dict:
    """Every taxonomy term by id, with its taxonomy (kept in the snapshot: an import
    that renames a term touches the services naming it)."""
    return snapshot.get(
        "terms", lambda: {t.pk: t for t in TaxonomyTerm.objects.select_related("taxonomy")}
    )


def terms_of_taxonomy(code: str) -> list[TaxonomyTerm]:
    return [t for t in term_table().values() if t.taxonomy.code == code]


def offered_languages() -> list[str]:
    """Codes of the languages public services are offered in (for the filter)."""

    def build() -> list[str]:
        found: set[str] = set()
        for codes in {entry.languages for entry in guide_index().entries.values()}:
            found |= codes
        return sorted(found)

    return snapshot.get("languages", build)


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
    terms = term_table()
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
    return any(
        s.weekday == local.isoweekday() and s.opens_at <= local.time() < s.closes_at
        for s in service.schedules.all()
    )
