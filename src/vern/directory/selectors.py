"""Reads for the directory: the public guide's search, lookups, due entries."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from vern.core.models import Municipality
from vern.core.text import norwegian_sort_key
from vern.directory import search
from vern.directory.models import Phone, Schedule, Service, TaxonomyTerm

POSTAL_CODES = Path(__file__).resolve().parent / "data" / "postnummer.csv"
PUBLIC_STATUSES = (Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED)
PAGE_SIZE = 20


class Tier:
    """The order results are shown in: the municipality's own, shared, national."""

    LOCAL, SHARED, NATIONAL = 0, 1, 2


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

    def apply(self, services: QuerySet[Service], *, now: datetime) -> QuerySet[Service]:
        if self.target_group:
            services = services.filter(
                terms__taxonomy__code="target_group", terms__code=self.target_group
            )
        if self.violence:
            services = services.filter(terms__taxonomy__code="violence", terms__code=self.violence)
        if self.language:
            services = services.filter(languages__code=self.language)
        if self.free:
            services = services.filter(is_free=True)
        if self.no_referral:
            services = services.filter(referral=Service.Referral.NONE)
        if self.acute:
            services = services.filter(acute=True)
        if self.wheelchair:
            services = services.filter(wheelchair_access=True)
        if self.pets:
            services = services.filter(pets_allowed=True)
        if self.open_now:
            local = timezone.localtime(now)
            open_now = Schedule.objects.filter(
                weekday=local.isoweekday(), opens_at__lte=local.time(), closes_at__gt=local.time()
            ).values("service")
            services = services.filter(Q(open_24_7=True) | Q(pk__in=open_now))
        return services


@dataclass
class SearchResult:
    services: list[Service]
    total: int
    page: int
    pages: int
    corrected: dict[str, str] = field(default_factory=dict)
    query_used: bool = False


def guide_search(
    *,
    municipality: Municipality | None,
    query: str,
    filters: Filters,
    page: int = 1,
    now: datetime | None = None,
) -> SearchResult:
    """The guide's search: local first, then shared, then national; best match first."""
    now = now or timezone.now()
    plan = search.plan_query(query)
    services = filters.apply(services_for(municipality), now=now)
    if plan.empty:
        ranked = list(services.values_list("pk", "tier", "name"))
        ranked.sort(key=lambda row: (row[1], norwegian_sort_key(row[2])))
    else:
        relevance = search.scores(plan)
        ranked = [
            (pk, tier, name)
            for pk, tier, name in services.filter(pk__in=list(relevance)).values_list(
                "pk", "tier", "name"
            )
        ]
        ranked.sort(key=lambda row: (row[1], -relevance[row[0]], norwegian_sort_key(row[2])))
    # values_list with distinct() can repeat a pk when joined through filters.
    seen: set = set()
    ordered = [row for row in ranked if not (row[0] in seen or seen.add(row[0]))]
    total = len(ordered)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    ids = [row[0] for row in ordered[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    tiers = {row[0]: row[1] for row in ordered}
    by_id = {s.pk: s for s in with_card_details(Service.objects.filter(pk__in=ids))}
    results = []
    for pk in ids:
        service = by_id[pk]
        service.tier = tiers[pk]
        results.append(service)
    return SearchResult(
        services=results,
        total=total,
        page=page,
        pages=pages,
        corrected=plan.corrected,
        query_used=not plan.empty,
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
