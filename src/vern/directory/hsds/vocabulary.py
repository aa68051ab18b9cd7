"""HSDS vocabulary: constants, derived ids, Vern's own fields and the taxonomies.

Vern's own fields form a taxonomy of attribute kinds; ``_attribute`` builds
the HSDS attribute that carries one of them. Also the small helpers every
serialiser shares (``_put``, ``_time``, ``_bool``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import time
from typing import Any

from django.conf.locale import LANG_INFO

from vern.directory.models import Phone, Taxonomy, TaxonomyTerm

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


def _bool(value: bool) -> str:
    return "true" if value else "false"
