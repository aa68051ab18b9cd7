"""Fully nested HSDS objects: organisation, location, service, service at location.

Each takes ``full``: the public form (default) applies the confidential-address
rule and leaves out staff data; ``full=True`` writes everything, for the
staff export.
"""

from __future__ import annotations

from collections.abc import Iterable

from vern.directory.hsds.compact import (
    location_basic,
    organization_basic,
    service_at_location_basic,
    service_basic,
)
from vern.directory.hsds.vocabulary import (
    NATIONAL_EXTENT,
    OPEN_24_7_SCHEDULE,
    PHONE_TYPES,
    SERVICE_BOOLS,
    SERVICE_TEXTS,
    WEEKDAYS,
    _attribute,
    _bool,
    _put,
    _time,
    derived_id,
    language_name,
    taxonomy_term,
)
from vern.directory.models import (
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

# --- organisations ----------------------------------------------------------


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


def _term_attribute(service: Service, term: TaxonomyTerm) -> dict:
    return {
        "id": derived_id(service.id, "term", str(term.id)),
        "link_id": str(service.id),
        "link_type": term.taxonomy.code,
        "link_entity": "service",
        "taxonomy_term_id": str(term.id),
        "taxonomy_term": taxonomy_term(term),
    }


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
        # Vern's own: written with a machine's help and not yet reviewed.
        data["machine_assisted"] = t.machine_assisted
        result.append(data)
    return result


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
