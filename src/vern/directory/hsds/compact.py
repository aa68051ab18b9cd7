"""Compact HSDS objects: the one-to-one fields, for lists and as building blocks.

``organization_basic``, ``location_basic``, ``service_basic`` and
``service_at_location_basic`` hold an object's own fields without its nested
lists; the fully nested objects in ``objects`` start from them. Also
``services_detailed``, the queryset that loads everything those read.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from vern.directory.hsds.vocabulary import _put
from vern.directory.models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

# --- organisations ----------------------------------------------------------


def organization_basic(org: Organization) -> dict:
    data = {"id": str(org.id), "name": org.name, "description": org.description}
    _put(data, "alternate_name", org.alternate_name)
    _put(data, "email", org.email)
    _put(data, "website", org.website)
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


# --- services ---------------------------------------------------------------


# What ``service_basic`` reads (without ``full``), for ``QuerySet.only``.
SERVICE_BASIC_FIELDS = (
    "id",
    "organization_id",
    "name",
    "status",
    "alternate_name",
    "description",
    "url",
    "email",
    "application_process",
    "fees_description",
    "eligibility_description",
    "assured_date",
    "alert",
    "updated_at",
    "organization__id",
    "organization__name",
    "organization__description",
    "organization__alternate_name",
    "organization__email",
    "organization__website",
)


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


# --- services at locations ------------------------------------------------


def service_at_location_basic(sal: ServiceAtLocation, *, full: bool = False) -> dict:
    data = {
        "id": str(sal.id),
        "service_id": str(sal.service_id),
        "location_id": str(sal.location_id),
    }
    _put(data, "description", sal.description)
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
