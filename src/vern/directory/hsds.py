"""The directory as Open Referral HSDS 3.0 JSON: the API's objects and the exports.

HSDS field names are used where HSDS has the concept. Vern's own fields
(referral, urgency, crisis-centre facilities, the texts "how it works" and
"how to get in touch", the owning municipality) travel as HSDS *attributes*:
a link to a term of Vern's own field taxonomy with the value in ``value``.
Translations of a service's texts, which HSDS has no place for, go in the
extension key ``translations`` (the HSDS schemas allow extra properties).

Two audiences:

* **public** (the API and ``vern directory export``): only public services; a
  location marked confidential shows its name and public contact point and
  nothing else (no address, postal code, town, coordinates or directions);
  the staff e-mail in ``assurer_email`` and the responsible editors are left out.
* **full** (``export --include-confidential``, for staff and operations):
  everything, so that export then import restores every service unchanged.

Ids that HSDS needs but Vern does not store (an address, a service area, an
attribute) are derived with UUID 5 from the owner's id, so they are stable
from one response to the next.
"""

from __future__ import annotations

import csv
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import time
from typing import IO, Any

from django.conf.locale import LANG_INFO
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from vern.directory.models import (
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from vern.directory.selectors import public_services

HSDS_VERSION = "3.0"
ATTRIBUTION = (
    "Human Services Data Specification (HSDS) 3.0: an Open Referral resource "
    "(https://openreferral.org/), CC BY-SA 4.0."
)
# Fixed namespace for derived ids; never change it, or every derived id changes.
NAMESPACE = uuid.UUID("0b6f5e3a-8f0c-5d7e-9a41-6c2d1e7b9f30")


def derived_id(owner: Any, *parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join([str(owner), *parts])))


# --- Vern's own fields, as a taxonomy of attribute kinds ---------------------

VERN_TAXONOMY_ID = derived_id("taxonomy", "vern-fields")
VERN_TAXONOMY_CODE = "vern-fields"


@dataclass(frozen=True)
class VernField:
    code: str
    kind: str  # "bool", "text", "choice", "municipality", "int", "date", "email"
    name_nb: str
    name_en: str
    internal: bool = False  # only in the full (staff) export

    @property
    def id(self) -> str:
        return derived_id("vern-field", self.code)


FACILITIES = (
    ("accommodation_women", "Botilbud for kvinner", "Accommodation for women"),
    ("accommodation_men", "Botilbud for menn", "Accommodation for men"),
    ("accommodation_children", "Botilbud for barn", "Accommodation for children"),
    ("day_services", "Dagtilbud", "Day services"),
    ("wheelchair_access", "Tilgjengelig med rullestol", "Wheelchair access"),
    (
        "accepts_substance_use",
        "Tar imot personer i aktiv rus",
        "Accepts people with active substance use",
    ),
    (
        "adapted_disabilities",
        "Tilrettelagt for personer med funksjonsnedsettelse",
        "Adapted for people with disabilities",
    ),
    ("pets_allowed", "Kjæledyr kan være med", "Pets can come along"),
)

_FIELDS = [
    VernField(
        "owner_municipality",
        "municipality",
        "Kommunen som eier oppføringen",
        "Municipality that keeps the entry",
    ),
    VernField("referral", "choice", "Henvisning", "Referral"),
    VernField("referral_from", "text", "Henvisning fra", "Referral from"),
    VernField("referral_how", "text", "Slik blir du henvist", "How the referral is made"),
    VernField("how_it_works", "text", "Slik foregår det", "How it works"),
    VernField("how_to_contact", "text", "Slik tar du kontakt", "How to get in touch"),
    VernField("acute", "bool", "Akutt hjelp hele døgnet", "Acute help, day and night"),
    VernField("open_24_7", "bool", "Åpent hele døgnet", "Open day and night"),
    VernField("schedule_note", "text", "Om åpningstidene", "About opening hours"),
    *(VernField(code, "bool", nb, en) for code, nb, en in FACILITIES),
    VernField("municipality", "municipality", "Kommune", "Municipality"),
    VernField("confidential_address", "bool", "Hemmelig adresse", "Confidential address"),
    VernField("free_to_call", "bool", "Gratis å ringe", "Free to call"),
    VernField("verification_days", "int", "Bekreftes hver (dager)", "Verified every (days)", True),
    VernField("verification_due", "date", "Skal bekreftes innen", "Verification due", True),
    VernField("reminded_for", "date", "Påminnelse sendt for", "Reminder sent for", True),
    VernField(
        "overdue_notified_for", "date", "Varslet forfalt for", "Overdue notice sent for", True
    ),
    VernField("editor", "email", "Ansvarlig redaktør", "Responsible editor", True),
]
VERN_FIELDS: dict[str, VernField] = {f.code: f for f in _FIELDS}
VERN_FIELDS_BY_ID: dict[str, VernField] = {f.id: f for f in _FIELDS}
SERVICE_BOOLS = ["acute", "open_24_7", *(code for code, _nb, _en in FACILITIES)]
SERVICE_TEXTS = ["referral_from", "referral_how", "how_it_works", "how_to_contact", "schedule_note"]

PHONE_TYPES = {
    Phone.Kind.VOICE: "voice",
    Phone.Kind.SMS: "text",  # HSDS (RFC 6350): "text" is SMS
    Phone.Kind.TEXT: "textphone",
}
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]  # Schedule.weekday 1..7
OPEN_24_7_SCHEDULE = "open-24-7"
NATIONAL_EXTENT = "NO"

# Language names LANG_INFO lacks (HSDS wants a name beside the code).
_LANGUAGE_NAMES = {
    "se": "Northern Sami",
    "sma": "Southern Sami",
    "smj": "Lule Sami",
    "fkv": "Kven",
    "so": "Somali",
    "ti": "Tigrinya",
    "prs": "Dari",
    "ps": "Pashto",
    "ku": "Kurdish",
    "ckb": "Central Kurdish (Sorani)",
    "kmr": "Northern Kurdish (Kurmanji)",
    "am": "Amharic",
    "nsl": "Norwegian Sign Language",
    "rom": "Romani",
    "tl": "Tagalog",
}


def language_name(code: str) -> str:
    return _LANGUAGE_NAMES.get(code) or LANG_INFO.get(code, {}).get("name") or code


def _put(data: dict, key: str, value: Any) -> None:
    """Set ``key`` unless the value is empty: HSDS leaves out what is not known."""
    if value is not None and value != "" and value != []:
        data[key] = value


def _time(value: time) -> str:
    return value.strftime("%H:%M" if not value.second else "%H:%M:%S")


# --- taxonomies -----------------------------------------------------------------


def taxonomy(tax: Taxonomy) -> dict:
    return {"id": str(tax.id), "name": tax.name, "description": tax.description, "code": tax.code}


def vern_taxonomy() -> dict:
    return {
        "id": VERN_TAXONOMY_ID,
        "name": "Vern: egne felt",
        "description": (
            "Vern's own fields of services, organisations, locations and phones, "
            "given as attributes whose value holds the field's value."
        ),
        "code": VERN_TAXONOMY_CODE,
    }


def taxonomy_term(term: TaxonomyTerm, *, detail: bool = True) -> dict:
    data = {
        "id": str(term.id),
        "code": term.code,
        "name": term.name_nb,
        "description": term.description,
        "taxonomy": term.taxonomy.name,
        "taxonomy_id": str(term.taxonomy_id),
        "language": "nb",
        "translations": [{"language": "en", "name": term.name_en}],
    }
    if detail:
        data["taxonomy_detail"] = taxonomy(term.taxonomy)
    return data


def vern_term(field: VernField, *, detail: bool = False) -> dict:
    data = {
        "id": field.id,
        "code": field.code,
        "name": field.name_nb,
        "description": f"Vern field '{field.code}' ({field.kind}).",
        "taxonomy": vern_taxonomy()["name"],
        "taxonomy_id": VERN_TAXONOMY_ID,
        "language": "nb",
        "translations": [{"language": "en", "name": field.name_en}],
    }
    if detail:
        data["taxonomy_detail"] = vern_taxonomy()
    return data


def vern_terms(*, full: bool = False) -> list[VernField]:
    return [f for f in _FIELDS if full or not f.internal]


def _attribute(owner_id, entity: str, code: str, value: str, *, key: str = "") -> dict:
    field = VERN_FIELDS[code]
    return {
        "id": derived_id(owner_id, "attribute", code, key),
        "link_id": str(owner_id),
        "link_type": "vern_field",
        "link_entity": entity,
        "taxonomy_term_id": field.id,
        "taxonomy_term": vern_term(field),
        "value": value,
    }


def _term_attribute(service: Service, term: TaxonomyTerm) -> dict:
    return {
        "id": derived_id(service.id, "term", str(term.id)),
        "link_id": str(service.id),
        "link_type": term.taxonomy.code,
        "link_entity": "service",
        "taxonomy_term_id": str(term.id),
        "taxonomy_term": taxonomy_term(term),
    }


def _bool(value: bool) -> str:
    return "true" if value else "false"


# --- organisations ----------------------------------------------------------


def organization_basic(org: Organization) -> dict:
    data = {"id": str(org.id), "name": org.name, "description": org.description}
    _put(data, "alternate_name", org.alternate_name)
    _put(data, "email", org.email)
    _put(data, "website", org.website)
    return data


def _organization_attributes(org: Organization, *, full: bool) -> list[dict]:
    attributes = []
    if org.owner_id:
        attributes.append(
            _attribute(org.id, "organization", "owner_municipality", org.owner.number)
        )
    if full:
        for editor in sorted(org.editors.all(), key=lambda e: e.user.email):
            attributes.append(
                _attribute(
                    org.id, "organization", "editor", editor.user.email, key=editor.user.email
                )
            )
    return attributes


def organization(
    org: Organization,
    *,
    services: Iterable[dict] = (),
    locations: Iterable[Location] = (),
    full: bool = False,
) -> dict:
    data = organization_basic(org)
    _put(data, "locations", [location(loc, full=full) for loc in locations])
    _put(data, "attributes", _organization_attributes(org, full=full))
    data["services"] = list(services)
    return data


# --- locations --------------------------------------------------------------


def location_basic(loc: Location, *, full: bool = False) -> dict:
    data = {
        "id": str(loc.id),
        "location_type": "physical",
        "organization_id": str(loc.organization_id),
        "name": loc.name,
    }
    _put(data, "description", loc.public_contact_point)
    if loc.is_confidential and not full:
        return data
    _put(data, "transportation", loc.directions)
    if loc.latitude is not None:
        data["latitude"] = float(loc.latitude)
    if loc.longitude is not None:
        data["longitude"] = float(loc.longitude)
    return data


def location(loc: Location, *, full: bool = False) -> dict:
    """A location; a confidential one shows only its name and public contact point."""
    data = location_basic(loc, full=full)
    attributes = []
    if loc.is_confidential:
        attributes.append(_attribute(loc.id, "location", "confidential_address", "true"))
    if not loc.is_confidential or full:
        municipality = loc.municipality
        if loc.address or loc.postal_code or loc.city:
            data["addresses"] = [
                {
                    "id": derived_id(loc.id, "address"),
                    "location_id": str(loc.id),
                    "address_1": loc.address,
                    "city": loc.city,
                    "region": municipality.name if municipality else "",
                    "state_province": municipality.county_name if municipality else "",
                    "postal_code": loc.postal_code,
                    "country": "NO",
                    "address_type": "physical",
                }
            ]
        if loc.accessibility:
            data["accessibility"] = [
                {
                    "id": derived_id(loc.id, "accessibility"),
                    "location_id": str(loc.id),
                    "description": loc.accessibility,
                }
            ]
        if municipality:
            attributes.append(_attribute(loc.id, "location", "municipality", municipality.number))
        if loc.wheelchair_access:
            attributes.append(_attribute(loc.id, "location", "wheelchair_access", "true"))
    _put(data, "attributes", attributes)
    return data


# --- services ---------------------------------------------------------------


def service_basic(service: Service, *, full: bool = False) -> dict:
    """The one-to-one fields of a service (``service_list.json``)."""
    data = {
        "id": str(service.id),
        "organization_id": str(service.organization_id),
        "name": service.name,
        "status": service.status,
    }
    _put(data, "alternate_name", service.alternate_name)
    _put(data, "description", service.description)
    _put(data, "url", service.url)
    _put(data, "email", service.email)
    _put(data, "application_process", service.application_process)
    _put(data, "fees_description", service.fees_description)
    _put(data, "eligibility_description", service.eligibility_description)
    if service.assured_date:
        data["assured_date"] = service.assured_date.isoformat()
    if full:
        # A staff member's e-mail: personal data, never published.
        _put(data, "assurer_email", service.assurer_email)
    _put(data, "alert", service.alert)
    if service.updated_at:
        data["last_modified"] = service.updated_at.isoformat()
    data["organization"] = organization_basic(service.organization)
    return data


def _phone(phone: Phone) -> dict:
    data = {
        "id": str(phone.id),
        "service_id": str(phone.service_id),
        "number": phone.number,
        "type": PHONE_TYPES.get(phone.kind, "voice"),
    }
    _put(data, "description", phone.description)
    data["attributes"] = [_attribute(phone.id, "phone", "free_to_call", _bool(phone.is_free))]
    return data


def _language(service: Service, lang) -> dict:
    data = {
        "id": str(lang.id),
        "service_id": str(service.id),
        "name": language_name(lang.code),
        "code": lang.code,
    }
    _put(data, "note", lang.note)
    return data


def _schedules(service: Service) -> list[dict]:
    schedules = [
        {
            "id": str(s.id),
            "service_id": str(service.id),
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": WEEKDAYS[s.weekday - 1],
            "opens_at": _time(s.opens_at),
            "closes_at": _time(s.closes_at),
        }
        for s in service.schedules.all()
    ]
    if service.open_24_7 and not schedules:
        schedules.append(
            {
                "id": derived_id(service.id, OPEN_24_7_SCHEDULE),
                "service_id": str(service.id),
                "freq": "WEEKLY",
                "wkst": "MO",
                "byday": ",".join(WEEKDAYS),
                "opens_at": "00:00",
                "closes_at": "23:59",
                "description": "Åpent hele døgnet / open day and night",
            }
        )
    return schedules


def _area(service: Service, municipality, *, owner: bool = False) -> dict:
    return {
        "id": derived_id(service.id, "owner-area" if owner else "area", municipality.number),
        "service_id": str(service.id),
        "name": municipality.name,
        "description": f"Kommune {municipality.number}",
        "extent_type": "text",
        "extent": municipality.number,
    }


def _service_areas(service: Service) -> list[dict]:
    """One area per municipality served; the owner's own municipality too; or "Norge"."""
    areas = []
    if service.is_national:
        areas.append(
            {
                "id": derived_id(service.id, "area", NATIONAL_EXTENT),
                "service_id": str(service.id),
                "name": "Norge",
                "description": "Hele landet",
                "extent_type": "text",
                "extent": NATIONAL_EXTENT,
            }
        )
    served = sorted(service.areas.all(), key=lambda m: m.number)
    if service.owner_id and not service.is_national and service.owner not in served:
        areas.append(_area(service, service.owner, owner=True))
    areas.extend(_area(service, m) for m in served)
    return areas


def _service_attributes(service: Service, *, full: bool) -> list[dict]:
    sid = service.id
    attributes = [
        _term_attribute(service, term)
        for term in sorted(service.terms.all(), key=lambda t: (t.taxonomy.code, t.sort_key, t.code))
    ]
    if service.owner_id:
        attributes.append(_attribute(sid, "service", "owner_municipality", service.owner.number))
    attributes.append(_attribute(sid, "service", "referral", service.referral))
    for code in SERVICE_TEXTS:
        value = getattr(service, code)
        if value:
            attributes.append(_attribute(sid, "service", code, value))
    for code in SERVICE_BOOLS:
        if getattr(service, code):
            attributes.append(_attribute(sid, "service", code, "true"))
    if full:
        attributes.append(
            _attribute(sid, "service", "verification_days", str(service.verification_days))
        )
        for code in ("verification_due", "reminded_for", "overdue_notified_for"):
            value = getattr(service, code)
            if value:
                attributes.append(_attribute(sid, "service", code, value.isoformat()))
        for email in sorted(user.email for user in service.editors.all()):
            attributes.append(_attribute(sid, "service", "editor", email, key=email))
    return attributes


def _translations(service: Service) -> list[dict]:
    result = []
    for t in sorted(service.translations.all(), key=lambda t: t.language):
        data = {"language": t.language, "name": t.name, "description": t.description}
        for name in (
            "eligibility_description",
            "how_it_works",
            "how_to_contact",
            "application_process",
        ):
            _put(data, name, getattr(t, name))
        result.append(data)
    return result


def service_at_location_basic(sal: ServiceAtLocation, *, full: bool = False) -> dict:
    data = {
        "id": str(sal.id),
        "service_id": str(sal.service_id),
        "location_id": str(sal.location_id),
    }
    _put(data, "description", sal.description)
    return data


def service(service: Service, *, full: bool = False, with_locations: bool = True) -> dict:
    """A fully nested service (``service.json``)."""
    data = service_basic(service, full=full)
    _put(
        data["organization"],
        "attributes",
        _organization_attributes(service.organization, full=False),
    )
    data["phones"] = [_phone(p) for p in service.phones.all()]
    data["schedules"] = _schedules(service)
    data["service_areas"] = _service_areas(service)
    data["languages"] = [_language(service, lang) for lang in service.languages.all()]
    if service.is_free:
        data["cost_options"] = [
            {
                "id": derived_id(service.id, "cost", "free"),
                "service_id": str(service.id),
                "option": "Gratis",
                "amount": 0,
                "currency": "NOK",
                "amount_description": "Gratis / free of charge",
            }
        ]
    if with_locations:
        data["service_at_locations"] = [
            {**service_at_location_basic(sal), "location": location(sal.location, full=full)}
            for sal in service.service_at_locations.all()
        ]
    data["attributes"] = _service_attributes(service, full=full)
    data["translations"] = _translations(service)
    return data


def service_at_location(sal: ServiceAtLocation, *, full: bool = False) -> dict:
    """A service at a location, fully nested (``service_at_location.json``)."""
    data = service_at_location_basic(sal, full=full)
    data["location"] = location(sal.location, full=full)
    data["service"] = service(sal.service, full=full, with_locations=False)
    return data


def service_at_location_list_item(sal: ServiceAtLocation) -> dict:
    data = service_at_location_basic(sal)
    data["location"] = location_basic(sal.location)
    data["service"] = service_basic(sal.service)
    return data


# --- querysets with everything the serialisers read ---------------------------


def services_detailed(services: QuerySet[Service], *, full: bool = False) -> QuerySet[Service]:
    term_qs = TaxonomyTerm.objects.select_related("taxonomy")
    prefetches = [
        "phones",
        "schedules",
        "languages",
        "translations",
        "areas",
        Prefetch("terms", queryset=term_qs),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location__municipality").order_by(
                "location__name", "id"
            ),
        ),
    ]
    if full:
        prefetches += ["editors", "organization__editors__user"]
    return services.select_related("organization__owner", "owner").prefetch_related(*prefetches)


# --- exports ----------------------------------------------------------------

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
        locations = Location.objects.filter(organization_id__in=chunk).select_related(
            "municipality"
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
