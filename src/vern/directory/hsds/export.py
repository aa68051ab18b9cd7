"""The whole directory as one HSDS JSON document, or as CSV with a row per service.

Public by default (only public services, the confidential-address rule);
``full=True`` for ``vern directory export --include-confidential``.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from typing import IO, Any

from django.utils import timezone

from vern.directory.hsds.compact import services_detailed
from vern.directory.hsds.objects import organization, service
from vern.directory.hsds.vocabulary import (
    ATTRIBUTION,
    FACILITIES,
    HSDS_VERSION,
    PHONE_TYPES,
    WEEKDAYS,
    _time,
    taxonomy,
    taxonomy_term,
    vern_taxonomy,
    vern_term,
    vern_terms,
)
from vern.directory.models import Location, Organization, Service, ServiceAtLocation, Taxonomy
from vern.directory.selectors import public_services

EXPORT_CHUNK = 200


def _taxonomies_for_export(*, full: bool) -> list[dict]:
    result = []
    for tax in Taxonomy.objects.prefetch_related("terms").order_by("code"):
        data = taxonomy(tax)
        data["terms"] = [
            taxonomy_term(term, detail=False)
            for term in sorted(tax.terms.all(), key=lambda t: (t.sort_key, t.code))
        ]
        result.append(data)
    vern = vern_taxonomy()
    vern["terms"] = [vern_term(f) for f in vern_terms(full=full)]
    result.append(vern)
    return result


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def export_organizations(*, full: bool = False) -> Iterator[dict]:
    """Organisations with their services and locations, as ``organization.json``."""
    services = Service.objects.all() if full else public_services()
    orgs = Organization.objects.all()
    if not full:
        orgs = orgs.filter(id__in=services.values("organization_id"))
    org_ids = list(orgs.order_by("name", "id").values_list("id", flat=True))
    for chunk in _chunks(org_ids, EXPORT_CHUNK):
        orgs = (
            Organization.objects.filter(id__in=chunk).select_related("owner").order_by("name", "id")
        )
        if full:
            orgs = orgs.prefetch_related("editors__user")
        by_org: dict = {}
        for item in services_detailed(
            services.filter(organization_id__in=chunk).order_by("name", "id"), full=full
        ):
            by_org.setdefault(item.organization_id, []).append(item)
        locations = (
            Location.objects.for_system(reason="vern directory export and the open API")
            .filter(organization_id__in=chunk)
            .select_related("municipality")
        )
        if not full:
            locations = locations.filter(
                id__in=ServiceAtLocation.objects.filter(service__in=services).values("location_id")
            )
        locations_by_org: dict = {}
        for loc in locations.order_by("name", "id"):
            locations_by_org.setdefault(loc.organization_id, []).append(loc)
        for org in orgs:
            yield organization(
                org,
                services=[service(s, full=full) for s in by_org.get(org.id, [])],
                locations=locations_by_org.get(org.id, []),
                full=full,
            )


def write_json_export(stream: IO[str], *, full: bool = False, progress=None) -> int:
    """Write the whole directory as one HSDS JSON document; returns the service count.

    Written organisation by organisation, so a large directory is never held
    in memory at once.
    """
    header = {
        "hsds_version": HSDS_VERSION,
        "generator": "Vern",
        "exported_at": timezone.now().isoformat(),
        "includes_confidential": full,
        "attribution": ATTRIBUTION,
        "taxonomies": _taxonomies_for_export(full=full),
    }
    head = json.dumps(header, ensure_ascii=False, indent=1)
    stream.write(head[: head.rfind("}")].rstrip() + ',\n "organizations": [\n')
    count = 0
    for index, org in enumerate(export_organizations(full=full)):
        if index:
            stream.write(",\n")
        stream.write(json.dumps(org, ensure_ascii=False))
        count += len(org["services"])
        if progress:
            progress(count)
    stream.write("\n ]\n}\n")
    return count


CSV_COLUMNS = [
    "id",
    "name",
    "alternate_name",
    "status",
    "organization_id",
    "organization",
    "owner_municipality",
    "is_national",
    "areas",
    "description",
    "eligibility_description",
    "how_it_works",
    "how_to_contact",
    "application_process",
    "referral",
    "referral_from",
    "referral_how",
    "acute",
    "open_24_7",
    "opening_hours",
    "schedule_note",
    "phones",
    "email",
    "url",
    "languages",
    "target_groups",
    "forms_of_violence",
    "terms",
    "is_free",
    "fees_description",
    *(code for code, _nb, _en in FACILITIES),
    "locations",
    "alert",
    "assured_date",
    "last_modified",
]
_FORMULA_START = re.compile(r"^[=@\t\r]|^[+-](?![0-9 ]*$)")


def _cell(value: Any) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula is quoted with '."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = "" if value is None else str(value)
    return "'" + text if _FORMULA_START.match(text) else text


def _location_text(loc: Location, *, full: bool) -> str:
    if loc.is_confidential and not full:
        parts = [loc.name, loc.public_contact_point]
    else:
        place = " ".join(p for p in (loc.postal_code, loc.city) if p)
        parts = [loc.name, loc.address, place, loc.public_contact_point]
    return ", ".join(p for p in parts if p)


def write_csv_export(stream: IO[str], *, full: bool = False, progress=None) -> int:
    """One row per service; lists inside a cell are separated by " | "."""
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    services = Service.objects.all() if full else public_services()
    count = 0
    for item in services_detailed(services.order_by("name", "id"), full=full).iterator(
        chunk_size=500
    ):
        terms = sorted(item.terms.all(), key=lambda t: (t.taxonomy.code, t.sort_key))
        areas = sorted(m.number for m in item.areas.all())
        row = {
            "id": item.id,
            "name": item.name,
            "alternate_name": item.alternate_name,
            "status": item.status,
            "organization_id": item.organization_id,
            "organization": item.organization.name,
            "owner_municipality": item.owner.number if item.owner_id else "",
            "is_national": item.is_national,
            "areas": " | ".join(areas),
            "description": item.description,
            "eligibility_description": item.eligibility_description,
            "how_it_works": item.how_it_works,
            "how_to_contact": item.how_to_contact,
            "application_process": item.application_process,
            "referral": item.referral,
            "referral_from": item.referral_from,
            "referral_how": item.referral_how,
            "acute": item.acute,
            "open_24_7": item.open_24_7,
            "opening_hours": " | ".join(
                f"{WEEKDAYS[s.weekday - 1]} {_time(s.opens_at)}-{_time(s.closes_at)}"
                for s in item.schedules.all()
            ),
            "schedule_note": item.schedule_note,
            "phones": " | ".join(
                " ".join(
                    p
                    for p in (
                        p.number,
                        f"({PHONE_TYPES.get(p.kind, 'voice')})",
                        p.description,
                        "" if p.is_free else "[not free]",
                    )
                    if p
                )
                for p in item.phones.all()
            ),
            "email": item.email,
            "url": item.url,
            "languages": " | ".join(lang.code for lang in item.languages.all()),
            "target_groups": " | ".join(t.code for t in terms if t.taxonomy.code == "target_group"),
            "forms_of_violence": " | ".join(t.code for t in terms if t.taxonomy.code == "violence"),
            "terms": " | ".join(f"{t.taxonomy.code}:{t.code}" for t in terms),
            "is_free": item.is_free,
            "fees_description": item.fees_description,
            **{code: getattr(item, code) for code, _nb, _en in FACILITIES},
            "locations": " | ".join(
                _location_text(sal.location, full=full) for sal in item.service_at_locations.all()
            ),
            "alert": item.alert,
            "assured_date": item.assured_date.isoformat() if item.assured_date else "",
            "last_modified": item.updated_at.isoformat() if item.updated_at else "",
        }
        writer.writerow([_cell(row[column]) for column in CSV_COLUMNS])
        count += 1
        if progress:
            progress(count)
    return count
