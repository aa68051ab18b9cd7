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

from vern.directory.hsds.compact import (
    SERVICE_BASIC_FIELDS,
    location_basic,
    organization_basic,
    service_at_location_basic,
    service_at_location_list_item,
    service_basic,
    services_detailed,
)
from vern.directory.hsds.export import (
    CSV_COLUMNS,
    EXPORT_CHUNK,
    export_organizations,
    write_csv_export,
    write_json_export,
)
from vern.directory.hsds.objects import (
    location,
    organization,
    service,
    service_at_location,
)
from vern.directory.hsds.vocabulary import (
    ATTRIBUTION,
    FACILITIES,
    HSDS_VERSION,
    NAMESPACE,
    NATIONAL_EXTENT,
    OPEN_24_7_SCHEDULE,
    PHONE_TYPES,
    SERVICE_BOOLS,
    SERVICE_TEXTS,
    VERN_FIELDS,
    VERN_FIELDS_BY_ID,
    VERN_TAXONOMY_CODE,
    VERN_TAXONOMY_ID,
    WEEKDAYS,
    VernField,
    derived_id,
    language_name,
    taxonomy,
    taxonomy_term,
    vern_taxonomy,
    vern_term,
    vern_terms,
)

__all__ = [
    "ATTRIBUTION",
    "CSV_COLUMNS",
    "EXPORT_CHUNK",
    "FACILITIES",
    "HSDS_VERSION",
    "NAMESPACE",
    "NATIONAL_EXTENT",
    "OPEN_24_7_SCHEDULE",
    "PHONE_TYPES",
    "SERVICE_BASIC_FIELDS",
    "SERVICE_BOOLS",
    "SERVICE_TEXTS",
    "VERN_FIELDS",
    "VERN_FIELDS_BY_ID",
    "VERN_TAXONOMY_CODE",
    "VERN_TAXONOMY_ID",
    "WEEKDAYS",
    "VernField",
    "derived_id",
    "export_organizations",
    "language_name",
    "location",
    "location_basic",
    "organization",
    "organization_basic",
    "service",
    "service_at_location",
    "service_at_location_basic",
    "service_at_location_list_item",
    "service_basic",
    "services_detailed",
    "taxonomy",
    "taxonomy_term",
    "vern_taxonomy",
    "vern_term",
    "vern_terms",
    "write_csv_export",
    "write_json_export",
]
