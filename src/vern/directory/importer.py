"""Import of HSDS 3.0 JSON into the directory (``vern directory import FILE``).

Accepted documents:

* Vern's export (``vern directory export --format hsds-json``): an object with
  ``taxonomies`` and ``organizations``, each organisation holding its
  ``locations`` and fully nested ``services``;
* an object with a ``services`` list, or a bare list of services (HSDS's
  ``service_package``), each service naming its organisation by
  ``organization_id`` and/or a nested ``organization``;
* a bare list of organisations with nested services (``organization_package``).

The import is idempotent by id: a record whose id exists is updated, one
whose id is new is created. A service's phones, opening hours, languages,
translations, areas, terms and places are replaced by those in the file.

It runs in one transaction. Every problem is collected as
``record <n> (<name or id>): <field>: <message>`` and if there is any, nothing
is saved. Records are counted in reading order: taxonomies, then each
organisation followed by its services, then top-level services.

A document from ``export --include-confidential`` (``includes_confidential``
true) is authoritative for staff-only data too: verification dates, the
assurer's e-mail, responsible editors and confidential addresses. Any other
document leaves those as they are, so re-importing the public export (where
confidential addresses are left out) never wipes a stored address.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.text import slugify

from vern.audit.services import log_action
from vern.core.models import Municipality
from vern.directory import hsds
from vern.directory.models import (
    Location,
    Organization,
    OrganizationEditor,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceRevision,
    ServiceTranslation,
    Taxonomy,
    TaxonomyTerm,
)
from vern.directory.search import index_service
from vern.directory.services import service_save

PHONE_KINDS = {
    "voice": Phone.Kind.VOICE,
    "cell": Phone.Kind.VOICE,
    "text": Phone.Kind.SMS,
    "sms": Phone.Kind.SMS,
    "textphone": Phone.Kind.TEXT,
}
TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$")
MUNICIPALITY_NUMBER = re.compile(r"\b(\d{4})\b")
TRANSLATION_FIELDS = [
    "name",
    "description",
    "eligibility_description",
    "how_it_works",
    "how_to_contact",
    "application_process",
]
# HSDS paths of model fields, for problems found by model validation.
SERVICE_PATHS = {
    **{name: f"attributes.{name}" for name in [*hsds.SERVICE_TEXTS, *hsds.SERVICE_BOOLS]},
    "owner": "attributes.owner_municipality",
    "referral": "attributes.referral",
    "verification_days": "attributes.verification_days",
    "is_national": "service_areas",
    "is_free": "cost_options",
}
LOCATION_PATHS = {
    "public_contact_point": "description",
    "directions": "transportation",
    "address": "addresses[0].address_1",
    "postal_code": "addresses[0].postal_code",
    "city": "addresses[0].city",
    "accessibility": "accessibility[0].description",
    "municipality": "attributes.municipality",
}
PHONE_PATHS = {"kind": "type"}


@dataclass(frozen=True)
class Problem:
    record: int
    label: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"record {self.record} ({self.label}): {self.field}: {self.message}"


@dataclass
class ImportReport:
    dry_run: bool = False
    saved: bool = False
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def count(self, kind: str, created: bool) -> None:
        target = self.created if created else self.updated
        target[kind] = target.get(kind, 0) + 1

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated))
        return ", ".join(
            f"{kind}: {self.created.get(kind, 0)} new, {self.updated.get(kind, 0)} updated"
            for kind in kinds
        )


class FileProblem(Exception):
    """The file cannot be read as JSON at all."""


def read_file(path: str | Path) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as error:
        raise FileProblem(f"{path}: cannot read the file: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise FileProblem(f"{path}: not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FileProblem(
            f"{path}: line {error.lineno}, column {error.colno}: not valid JSON: {error.msg}"
        ) from None


def count_services(data: Any) -> int:
    """How many services a document holds (for the progress bar)."""
    if isinstance(data, dict):
        organizations, services = data.get("organizations"), data.get("services")
    elif isinstance(data, list):
        services = [item for item in data if _is_service(item)]
        organizations = [item for item in data if not _is_service(item)]
    else:
        return 0
    total = len(services) if isinstance(services, list) else 0
    if isinstance(organizations, list):
        total += sum(_nested_count(org) for org in organizations)
    return total


def _is_service(item: Any) -> bool:
    return isinstance(item, dict) and "status" in item


def _nested_count(org: Any) -> int:
    services = org.get("services") if isinstance(org, dict) else None
    return len(services) if isinstance(services, list) else 0


class _Rollback(Exception):
    pass


class Record:
    """Reads one record's values, noting each problem against its field path."""

    def __init__(self, importer: Importer, data: Any, prefix: str = ""):
        importer.number += 1
        self.importer = importer
        self.number = importer.number
        self.prefix = prefix
        self.data = data if isinstance(data, dict) else {}
        name, ident = self.data.get("name"), self.data.get("id")
        label = name if isinstance(name, str) and name.strip() else ident
        self.label = str(label)[:80] if label else "no id"
        self.ok = True
        self.flagged: set[str] = set()
        if not isinstance(data, dict):
            self.problem("", "must be a JSON object")

    def problem(self, path: str, message: str) -> None:
        self.ok = False
        where = ".".join(p for p in (self.prefix, path) if p) or "(record)"
        self.flagged.add(where)
        self.importer.report.problems.append(Problem(self.number, self.label, where, message))

    def validation(self, error: ValidationError, base: str, paths: dict[str, str]) -> None:
        """Problems found by model validation, unless the field was already flagged."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                path = paths.get(name, name) if name != "__all__" else ""
                path = ".".join(p for p in (base, path) if p)
                if ".".join(p for p in (self.prefix, path) if p) in self.flagged:
                    continue
                for message in messages:
                    self.problem(path, message)
        else:
            for message in error.messages:
                self.problem(base, message)

    # --- typed readers ---

    def text(self, data: dict, key: str, path: str, *, required: bool = False) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(path, "is required")
            return ""
        if not isinstance(value, str):
            self.problem(path, "must be text")
            return ""
        if required and not value.strip():
            self.problem(path, "must not be empty")
        return value

    def uuid(self, data: dict, key: str, path: str, *, required: bool = True) -> uuid.UUID | None:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.problem(path, "is required")
            return None
        try:
            return uuid.UUID(str(value)) if isinstance(value, str) else _raise()
        except (ValueError, TypeError):
            self.problem(path, "must be a UUID")
            return None

    def items(self, data: dict, key: str, path: str) -> list[dict]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, "must be a list")
            return []
        result = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                result.append(item)
            else:
                self.problem(f"{path}[{index}]", "must be a JSON object")
        return result

    def number_value(self, data: dict, key: str, path: str) -> Decimal | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.problem(path, "must be a number")
            return None
        try:
            return Decimal(str(value)).quantize(Decimal("0.00001"))
        except InvalidOperation:
            self.problem(path, "must be a number")
            return None

    def date_value(self, value: Any, path: str) -> date | None:
        if value in (None, ""):
            return None
        try:
            return date.fromisoformat(str(value)[:10]) if isinstance(value, str) else _raise()
        except (ValueError, TypeError):
            self.problem(path, "must be a date like 2025-01-31")
            return None

    def time_value(self, data: dict, key: str, path: str) -> time | None:
        value = data.get(key)
        match = TIME.match(value) if isinstance(value, str) else None
        if not match:
            self.problem(path, "must be a time like 08:30")
            return None
        hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
        if hours == 24 and minutes == 0 and seconds == 0:
            return time(23, 59)
        try:
            return time(hours, minutes, seconds)
        except ValueError:
            self.problem(path, "must be a time like 08:30")
            return None

    def municipality(self, number: Any, path: str) -> Municipality | None:
        found = self.importer.municipality(number) if isinstance(number, str) else None
        if found is None:
            self.problem(path, f"unknown municipality number {str(number)[:20]!r}")
        return found


def _raise():
    raise TypeError


@dataclass
class VernValues:
    """The values of Vern's own fields found among a record's attributes."""

    values: dict[str, Any] = field(default_factory=dict)
    editors: list[str] = field(default_factory=list)
    terms: list[tuple[int, dict]] = field(default_factory=list)  # (index, attribute)


class Importer:
    def __init__(self, *, progress: Callable[[int], None] | None = None):
        self.report = ImportReport()
        self.number = 0
        self.progress = progress
        self.services_done = 0
        self.authoritative = False
        self._municipalities: dict[str, Municipality | None] = {}
        self.taxonomies: dict[str, Taxonomy] = {}
        self.terms: dict[str, TaxonomyTerm] = {}
        self.organizations: dict[uuid.UUID, Organization | None] = {}  # None: failed
        self.locations: dict[uuid.UUID, Location | None] = {}
        self.seen_services: set[uuid.UUID] = set()

    # --- lookups ---

    def municipality(self, number: str) -> Municipality | None:
        if number not in self._municipalities:
            self._municipalities[number] = Municipality.objects.filter(number=number).first()
        return self._municipalities[number]

    def user(self, email: str):
        return get_user_model().objects.filter(email__iexact=email).first()

    # --- the whole document ---

    def run(self, data: Any) -> None:
        if isinstance(data, dict):
            self.authoritative = data.get("includes_confidential") is True
            taxonomies = data.get("taxonomies", [])
            organizations = data.get("organizations", [])
            services = data.get("services", [])
            for name, value in (
                ("taxonomies", taxonomies),
                ("organizations", organizations),
                ("services", services),
            ):
                if not isinstance(value, list):
                    self.number += 1
                    self.report.problems.append(
                        Problem(self.number, "document", name, "must be a list")
                    )
            if "organizations" not in data and "services" not in data:
                self.number += 1
                self.report.problems.append(
                    Problem(
                        self.number,
                        "document",
                        "(document)",
                        "has no 'organizations' or 'services' to import",
                    )
                )
        elif isinstance(data, list):
            taxonomies = []
            organizations = [item for item in data if not _is_service(item)]
            services = [item for item in data if _is_service(item)]
        else:
            self.number += 1
            self.report.problems.append(
                Problem(self.number, "document", "(document)", "must be a JSON object or list")
            )
            return
        for item in taxonomies if isinstance(taxonomies, list) else []:
            self.taxonomy(item)
        for item in organizations if isinstance(organizations, list) else []:
            org, record = self.organization(item)
            for service_data in record.items(record.data, "services", "services"):
                self.service(service_data, organization=org)
        for item in services if isinstance(services, list) else []:
            self.service(item, organization=None)

    # --- taxonomies ---

    def taxonomy(self, data: Any) -> None:
        record = Record(self, data, "taxonomy")
        data = record.data
        ident = record.uuid(data, "id", "id")
        if str(ident) == hsds.VERN_TAXONOMY_ID:
            return  # Vern's own field kinds: built in, not stored
        name = record.text(data, "name", "name", required=True)
        code = record.text(data, "code", "code") or slugify(name)[:40]
        if not record.ok:
            return
        description = record.text(data, "description", "description")
        tax = self._taxonomy(record, ident, code, name, description)
        if tax is None:
            return
        for index, term_data in enumerate(record.items(data, "terms", "terms")):
            self._term(record, f"terms[{index}]", term_data, tax, sort_key=index)

    def _taxonomy(self, record, ident, code, name, description) -> Taxonomy | None:
        tax = (
            Taxonomy.objects.filter(pk=ident).first() or Taxonomy.objects.filter(code=code).first()
        )
        created = tax is None
        tax = tax or Taxonomy(id=ident)
        tax.code, tax.name, tax.description = code, name, description
        try:
            tax.full_clean()
            with transaction.atomic():
                tax.save()
        except ValidationError as error:
            record.validation(error, "", {})
            return None
        except DatabaseError as error:
            record.problem("", f"could not be saved: {error}")
            return None
        self.report.count("taxonomies", created)
        self.taxonomies[str(ident)] = tax
        return tax

    def _term(
        self, record: Record, path: str, data: dict, tax: Taxonomy, *, sort_key: int | None = None
    ) -> TaxonomyTerm | None:
        ident = record.uuid(data, "id", f"{path}.id")
        code = record.text(data, "code", f"{path}.code", required=True)
        name = record.text(data, "name", f"{path}.name", required=True)
        if ident is None or not code or not name:
            return None
        name_en = name
        for t in data.get("translations") or []:
            if isinstance(t, dict) and t.get("language") == "en" and isinstance(t.get("name"), str):
                name_en = t["name"]
        term = (
            TaxonomyTerm.objects.filter(pk=ident).first()
            or TaxonomyTerm.objects.filter(taxonomy=tax, code=code).first()
        )
        created = term is None
        term = term or TaxonomyTerm(id=ident, sort_key=sort_key or 0)
        term.taxonomy, term.code, term.name_nb, term.name_en = tax, code, name, name_en
        description = data.get("description")
        term.description = description if isinstance(description, str) else ""
        if sort_key is not None:
            term.sort_key = sort_key
        try:
            term.full_clean()
            with transaction.atomic():
                term.save()
        except ValidationError as error:
            record.validation(error, path, {"name_nb": "name", "name_en": "translations"})
            return None
        except DatabaseError as error:
            record.problem(path, f"could not be saved: {error}")
            return None
        self.report.count("taxonomy terms", created)
        self.terms[str(ident)] = term
        return term

    def resolve_term(self, record: Record, path: str, attribute: dict) -> TaxonomyTerm | None:
        ident = str(attribute.get("taxonomy_term_id") or "")
        embedded = attribute.get("taxonomy_term")
        embedded = embedded if isinstance(embedded, dict) else {}
        ident = ident or str(embedded.get("id") or "")
        if ident in self.terms:
            return self.terms[ident]
        try:
            term = TaxonomyTerm.objects.filter(pk=uuid.UUID(ident)).first()
        except ValueError:
            record.problem(f"{path}.taxonomy_term_id", "must be a UUID")
            return None
        if term is None and embedded:
            detail = embedded.get("taxonomy_detail")
            tax_id = str(embedded.get("taxonomy_id") or "")
            tax = self.taxonomies.get(tax_id)
            if tax is None and tax_id:
                try:
                    tax = Taxonomy.objects.filter(pk=uuid.UUID(tax_id)).first()
                except ValueError:
                    tax = None
            if tax is None and isinstance(detail, dict):
                tax_name = detail.get("name") if isinstance(detail.get("name"), str) else ""
                code = detail.get("code") if isinstance(detail.get("code"), str) else ""
                try:
                    detail_id = uuid.UUID(str(detail.get("id")))
                except ValueError:
                    detail_id = None
                if tax_name and detail_id:
                    tax = self._taxonomy(
                        record,
                        detail_id,
                        code or slugify(tax_name)[:40],
                        tax_name,
                        detail.get("description")
                        if isinstance(detail.get("description"), str)
                        else "",
                    )
            if tax is not None:
                term = self._term(record, f"{path}.taxonomy_term", embedded, tax)
        if term is None:
            record.problem(
                f"{path}.taxonomy_term_id",
                "unknown taxonomy term (not in the database, and the file does not describe it)",
            )
            return None
        self.terms[ident] = term
        return term

    # --- attributes ---

    def vern_values(self, record: Record, data: dict, path: str = "") -> VernValues:
        found = VernValues()
        base = f"{path}." if path else ""
        for index, attribute in enumerate(record.items(data, "attributes", f"{base}attributes")):
            where = f"{base}attributes[{index}]"
            term_id = str(attribute.get("taxonomy_term_id") or "")
            embedded = attribute.get("taxonomy_term")
            vern_field = hsds.VERN_FIELDS_BY_ID.get(term_id)
            in_vern_taxonomy = (
                isinstance(embedded, dict) and embedded.get("taxonomy_id") == hsds.VERN_TAXONOMY_ID
            )
            if vern_field is None and in_vern_taxonomy:
                vern_field = hsds.VERN_FIELDS.get(str(embedded.get("code")))
                if vern_field is None:
                    record.problem(where, "unknown Vern field")
                    continue
            if vern_field is None:
                found.terms.append((index, attribute))
                continue
            raw = attribute.get("value")
            if not isinstance(raw, str):
                record.problem(f"{where}.value", "must be text")
                continue
            value = self._vern_value(record, vern_field, raw, f"{where}.value")
            if value is None:
                continue
            if vern_field.code == "editor":
                found.editors.append(value)
            else:
                found.values[vern_field.code] = value
        return found

    def _vern_value(self, record: Record, vern_field, raw: str, path: str) -> Any:
        kind = vern_field.kind
        if kind == "bool":
            if raw.lower() in ("true", "false"):
                return raw.lower() == "true"
            record.problem(path, "must be 'true' or 'false'")
            return None
        if kind == "int":
            if raw.isdigit() and len(raw) < 6:
                return int(raw)
            record.problem(path, "must be a whole number")
            return None
        if kind == "date":
            return record.date_value(raw, path)
        if kind == "municipality":
            return record.municipality(raw, path)
        if kind == "choice":
            if raw in Service.Referral.values:
                return raw
            record.problem(path, f"must be one of {', '.join(Service.Referral.values)}")
            return None
        return raw  # text, email

    # --- organisations and locations ---

    def organization(self, data: Any) -> tuple[Organization | None, Record]:
        record = Record(self, data, "")
        data = record.data
        org = self._organization(record, data, "")
        for index, location_data in enumerate(record.items(data, "locations", "locations")):
            self.location(record, location_data, f"locations[{index}]", org)
        return org, record

    def _organization(self, record: Record, data: dict, path: str) -> Organization | None:
        base = f"{path}." if path else ""
        ident = record.uuid(data, "id", f"{base}id")
        if ident is None:
            return None
        if ident in self.organizations:
            return self.organizations[ident]
        problems_before = len(self.report.problems)
        vern = self.vern_values(record, data, path)
        org = Organization.objects.filter(pk=ident).first()
        created = org is None
        org = org or Organization(id=ident)
        for name in ("name", "alternate_name", "description", "email"):
            setattr(org, name, record.text(data, name, f"{base}{name}"))
        org.website = record.text(data, "website", f"{base}website")
        org.owner = vern.values.get("owner_municipality")
        try:
            org.full_clean()
        except ValidationError as error:
            record.validation(error, path, {"website": "website", "owner": "attributes"})
        if len(self.report.problems) > problems_before:
            self.organizations[ident] = None
            return None
        try:
            with transaction.atomic():
                org.save()
                if self.authoritative:
                    self._set_org_editors(record, org, vern.editors)
                log_action(
                    actor=None,
                    action="create" if created else "update",
                    code="directory.organization.import",
                    object_type="directory.organization",
                    object_id=org.pk,
                    municipality=org.owner_id,
                )
        except DatabaseError as error:
            record.problem(path, f"could not be saved: {error}")
            self.organizations[ident] = None
            return None
        self.report.count("organizations", created)
        self.organizations[ident] = org
        return org

    def _set_org_editors(self, record: Record, org: Organization, emails: list[str]) -> None:
        users = [self._editor(record, email) for email in emails]
        users = [u for u in users if u is not None]
        OrganizationEditor.objects.filter(organization=org).exclude(user__in=users).delete()
        for user in users:
            OrganizationEditor.objects.get_or_create(organization=org, user=user)

    def _editor(self, record: Record, email: str):
        user = self.user(email)
        if user is None:
            self.report.warnings.append(
                f"record {record.number} ({record.label}): editor {email}: no user with this "
                "e-mail address here; left out"
            )
        return user

    def location(
        self, record: Record, data: dict, path: str, org: Organization | None
    ) -> Location | None:
        ident = record.uuid(data, "id", f"{path}.id")
        if ident is None:
            return None
        if ident in self.locations:
            return self.locations[ident]
        problems_before = len(self.report.problems)
        org_id = record.uuid(data, "organization_id", f"{path}.organization_id", required=False)
        if org is None or (org_id and org_id != org.id):
            org = self.organizations.get(org_id) if org_id else org
            if org is None and org_id and org_id not in self.organizations:
                org = Organization.objects.filter(pk=org_id).first()
        if org is None:
            if len(self.report.problems) == problems_before:
                record.problem(f"{path}.organization_id", "names no organisation")
            self.locations[ident] = None
            return None
        vern = self.vern_values(record, data, path)
        loc = Location.objects.filter(pk=ident).first()
        created = loc is None
        loc = loc or Location(id=ident)
        loc.organization = org
        loc.name = record.text(data, "name", f"{path}.name", required=True)
        loc.public_contact_point = record.text(data, "description", f"{path}.description")
        loc.is_confidential = vern.values.get("confidential_address", False)
        addresses = record.items(data, "addresses", f"{path}.addresses")
        has_place = bool(
            addresses or data.get("latitude") is not None or data.get("longitude") is not None
        )
        # A public file leaves a confidential address out: keep the stored one.
        keep_stored = loc.is_confidential and not created and not has_place
        if not (keep_stored and not self.authoritative):
            address = addresses[0] if addresses else {}
            loc.address = record.text(address, "address_1", f"{path}.addresses[0].address_1")
            loc.postal_code = record.text(
                address, "postal_code", f"{path}.addresses[0].postal_code"
            )
            loc.city = record.text(address, "city", f"{path}.addresses[0].city")
            loc.latitude = record.number_value(data, "latitude", f"{path}.latitude")
            loc.longitude = record.number_value(data, "longitude", f"{path}.longitude")
            loc.directions = record.text(data, "transportation", f"{path}.transportation")
            loc.municipality = vern.values.get("municipality")
            loc.wheelchair_access = vern.values.get("wheelchair_access", False)
            accessibility = record.items(data, "accessibility", f"{path}.accessibility")
            loc.accessibility = (
                record.text(accessibility[0], "description", f"{path}.accessibility[0].description")
                if accessibility
                else ""
            )
        if loc.is_confidential and not loc.public_contact_point.strip():
            record.problem(
                f"{path}.description",
                "a confidential address needs a public contact point (phone or meeting place)",
            )
        try:
            loc.full_clean(exclude=["organization"])
        except ValidationError as error:
            record.validation(error, path, LOCATION_PATHS)
        if len(self.report.problems) > problems_before:
            self.locations[ident] = None
            return None
        try:
            with transaction.atomic():
                loc.save()
                log_action(
                    actor=None,
                    action="create" if created else "update",
                    code="directory.location.import",
                    object_type="directory.location",
                    object_id=loc.pk,
                    municipality=org.owner_id,
                )
        except DatabaseError as error:
            record.problem(path, f"could not be saved: {error}")
            self.locations[ident] = None
            return None
        self.report.count("locations", created)
        self.locations[ident] = loc
        return loc

    # --- services ---

    def service(self, data: Any, *, organization: Organization | None) -> None:
        record = Record(self, data, "")
        data = record.data
        try:
            self._service(record, data, organization)
        finally:
            self.services_done += 1
            if self.progress:
                self.progress(self.services_done)

    def _service(self, record: Record, data: dict, organization: Organization | None) -> None:
        ident = record.uuid(data, "id", "id")
        if ident is not None:
            if ident in self.seen_services:
                record.problem("id", "appears twice in the file")
            self.seen_services.add(ident)
        org_id = record.uuid(data, "organization_id", "organization_id", required=False)
        nested = data.get("organization")
        if organization is not None:
            if org_id and org_id != organization.id:
                record.problem("organization_id", "differs from the organisation it is listed in")
        elif isinstance(nested, dict):
            organization = self._organization(record, nested, "organization")
            if organization and org_id and org_id != organization.id:
                record.problem("organization_id", "differs from the nested organization's id")
        elif org_id:
            organization = (
                self.organizations.get(org_id) or Organization.objects.filter(pk=org_id).first()
            )
            if organization is None and org_id not in self.organizations:
                record.problem("organization_id", "names no organisation in the file or here")
        else:
            record.problem("organization_id", "is required")

        vern = self.vern_values(record, data)
        service = Service.objects.filter(pk=ident).first() if ident else None
        created = service is None
        service = service or Service(id=ident)
        if organization is not None:
            service.organization = organization
        for name in (
            "alternate_name",
            "description",
            "url",
            "email",
            "application_process",
            "fees_description",
            "eligibility_description",
            "alert",
        ):
            setattr(service, name, record.text(data, name, name))
        service.name = record.text(data, "name", "name", required=True)
        status = data.get("status")
        if status not in Service.Status.values:
            record.problem("status", f"must be one of: {', '.join(Service.Status.values)}")
        else:
            service.status = status
        service.assured_date = record.date_value(data.get("assured_date"), "assured_date")
        if self.authoritative or "assurer_email" in data:
            service.assurer_email = record.text(data, "assurer_email", "assurer_email")
        service.is_free = any(
            isinstance(option.get("amount"), int | float)
            and not isinstance(option.get("amount"), bool)
            and option["amount"] == 0
            for option in record.items(data, "cost_options", "cost_options")
        )
        values = vern.values
        service.owner = values.get("owner_municipality")
        service.referral = values.get("referral", Service.Referral.NONE)
        for name in hsds.SERVICE_TEXTS:
            setattr(service, name, values.get(name, ""))
        for name in hsds.SERVICE_BOOLS:
            setattr(service, name, values.get(name, False))
        if self.authoritative or "verification_days" in values:
            service.verification_days = values.get(
                "verification_days", Service._meta.get_field("verification_days").default
            )
        internal_dates = {
            name: values.get(name)
            for name in ("verification_due", "reminded_for", "overdue_notified_for")
            if self.authoritative or name in values
        }
        areas, national = self._areas(record, data, ident)
        service.is_national = national
        terms = [
            self.resolve_term(record, f"attributes[{index}]", attribute)
            for index, attribute in vern.terms
        ]
        phones = self._phones(record, data, ident)
        schedules = self._schedules(record, data, ident)
        languages = self._languages(record, data, ident)
        translations = self._translations(record, data)
        places = self._places(record, data, organization)
        editors = (
            [u for u in (self._editor(record, e) for e in vern.editors) if u is not None]
            if self.authoritative or vern.editors
            else None
        )
        try:
            service.full_clean(exclude=["organization", "id"] if organization is None else ["id"])
        except ValidationError as error:
            record.validation(error, "", SERVICE_PATHS)
        if not record.ok:
            return
        try:
            with transaction.atomic():
                before = {} if created else related_state(service)
                last_revision = _last_revision_id(service) if not created else None
                service_save(service=service, actor=None, summary="Imported")
                if internal_dates:
                    Service.objects.filter(pk=service.pk).update(**internal_dates)
                self._save_related(
                    record,
                    service,
                    areas=areas,
                    terms=[t for t in terms if t is not None],
                    phones=phones,
                    schedules=schedules,
                    languages=languages,
                    translations=translations,
                    places=places,
                    editors=editors,
                )
                if not record.ok:
                    raise _Rollback
                index_service(service)
                if not created:
                    _record_related_changes(service, before, last_revision)
        except _Rollback:
            return
        except ValidationError as error:
            record.validation(error, "", SERVICE_PATHS)
            return
        except DatabaseError as error:
            record.problem("", f"could not be saved: {error}")
            return
        self.report.count("services", created)

    def _areas(
        self, record: Record, data: dict, ident: uuid.UUID | None
    ) -> tuple[list[Municipality], bool]:
        areas: list[Municipality] = []
        national = False
        for index, area in enumerate(record.items(data, "service_areas", "service_areas")):
            path = f"service_areas[{index}]"
            extent = area.get("extent") if area.get("extent_type") in (None, "text") else None
            texts = [t for t in (extent, area.get("description")) if isinstance(t, str)]
            name = area.get("name") if isinstance(area.get("name"), str) else ""
            if (extent or "").strip().upper() == hsds.NATIONAL_EXTENT or name.strip().lower() in (
                "norge",
                "noreg",
                "norway",
            ):
                national = True
                continue
            number = next((m[1] for t in texts if (m := MUNICIPALITY_NUMBER.search(t))), None)
            if number is None:
                record.problem(path, "needs a municipality number in 'extent' or 'description'")
                continue
            if ident and str(area.get("id")) == hsds.derived_id(ident, "owner-area", number):
                continue  # the owner's own municipality, listed for readers only
            municipality = record.municipality(number, f"{path}.extent")
            if municipality and municipality not in areas:
                areas.append(municipality)
        return areas, national

    def _phones(self, record: Record, data: dict, ident) -> list[Phone]:
        phones = []
        for index, item in enumerate(record.items(data, "phones", "phones")):
            path = f"phones[{index}]"
            phone = Phone(
                id=record.uuid(item, "id", f"{path}.id"),
                number=record.text(item, "number", f"{path}.number", required=True),
                description=record.text(item, "description", f"{path}.description"),
            )
            kind = item.get("type") or "voice"
            if kind not in PHONE_KINDS:
                record.problem(f"{path}.type", f"must be one of: {', '.join(PHONE_KINDS)}")
            phone.kind = PHONE_KINDS.get(kind, Phone.Kind.VOICE)
            phone.is_free = self.vern_values(record, item, path).values.get("free_to_call", True)
            self._check(record, phone, path, PHONE_PATHS)
            phones.append(phone)
        return phones

    def _schedules(self, record: Record, data: dict, ident) -> list[Schedule]:
        schedules = []
        seen = set()
        for index, item in enumerate(record.items(data, "schedules", "schedules")):
            path = f"schedules[{index}]"
            schedule_id = record.uuid(item, "id", f"{path}.id")
            if ident and str(schedule_id) == hsds.derived_id(ident, hsds.OPEN_24_7_SCHEDULE):
                continue  # stands for open_24_7, which the attributes carry
            freq = item.get("freq") or "WEEKLY"
            if freq != "WEEKLY":
                self.report.warnings.append(
                    f"record {record.number} ({record.label}): {path}.freq: only weekly opening "
                    f"hours are kept; this {str(freq)[:20]} schedule was left out"
                )
                continue
            days = [d.strip().upper() for d in str(item.get("byday") or "").split(",") if d.strip()]
            if not days or any(d not in hsds.WEEKDAYS for d in days):
                record.problem(f"{path}.byday", "must list weekdays as MO,TU,WE,TH,FR,SA,SU")
                continue
            opens = record.time_value(item, "opens_at", f"{path}.opens_at")
            closes = record.time_value(item, "closes_at", f"{path}.closes_at")
            if opens is None or closes is None:
                continue
            if closes <= opens:
                record.problem(f"{path}.closes_at", "must be after opens_at")
                continue
            for position, day in enumerate(days):
                weekday = hsds.WEEKDAYS.index(day) + 1
                key = (weekday, opens, closes)
                if key in seen:
                    continue
                seen.add(key)
                row_id = schedule_id if position == 0 else hsds.derived_id(schedule_id, day)
                schedules.append(
                    Schedule(
                        id=uuid.UUID(str(row_id)) if row_id else None,
                        weekday=weekday,
                        opens_at=opens,
                        closes_at=closes,
                    )
                )
        return schedules

    def _languages(self, record: Record, data: dict, ident) -> list[ServiceLanguage]:
        languages = []
        codes = set()
        for index, item in enumerate(record.items(data, "languages", "languages")):
            path = f"languages[{index}]"
            language = ServiceLanguage(
                id=record.uuid(item, "id", f"{path}.id"),
                code=record.text(item, "code", f"{path}.code", required=True),
                note=record.text(item, "note", f"{path}.note"),
            )
            if language.code in codes:
                record.problem(f"{path}.code", "is listed twice")
            codes.add(language.code)
            self._check(record, language, path, {})
            languages.append(language)
        return languages

    def _translations(self, record: Record, data: dict) -> list[ServiceTranslation]:
        translations = []
        seen = set()
        for index, item in enumerate(record.items(data, "translations", "translations")):
            path = f"translations[{index}]"
            translation = ServiceTranslation(
                language=record.text(item, "language", f"{path}.language", required=True)
            )
            for name in TRANSLATION_FIELDS:
                setattr(translation, name, record.text(item, name, f"{path}.{name}"))
            if translation.language in seen:
                record.problem(f"{path}.language", "is listed twice")
            seen.add(translation.language)
            self._check(record, translation, path, {})
            translations.append(translation)
        return translations

    def _places(
        self, record: Record, data: dict, organization: Organization | None
    ) -> list[tuple[uuid.UUID, Location, str]]:
        places = []
        seen = set()
        for index, item in enumerate(
            record.items(data, "service_at_locations", "service_at_locations")
        ):
            path = f"service_at_locations[{index}]"
            sal_id = record.uuid(item, "id", f"{path}.id")
            nested = item.get("location")
            location_id = record.uuid(item, "location_id", f"{path}.location_id", required=False)
            if isinstance(nested, dict):
                loc = self.location(record, nested, f"{path}.location", organization)
            elif location_id:
                loc = (
                    self.locations.get(location_id)
                    or Location.objects.filter(pk=location_id).first()
                )
                if loc is None:
                    record.problem(f"{path}.location_id", "names no location in the file or here")
            else:
                record.problem(f"{path}.location", "is required")
                loc = None
            if loc is None or sal_id is None:
                continue
            if loc.pk in seen:
                record.problem(f"{path}.location_id", "is listed twice")
            seen.add(loc.pk)
            places.append((sal_id, loc, record.text(item, "description", f"{path}.description")))
        return places

    def _check(self, record: Record, instance, path: str, paths: dict[str, str]) -> None:
        try:
            # Ids and the per-service uniqueness are checked against the file itself;
            # the rows stored now are about to be replaced.
            instance.full_clean(
                exclude=["service", "id"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            record.validation(error, path, paths)

    def _save_related(
        self,
        record: Record,
        service: Service,
        *,
        areas,
        terms,
        phones,
        schedules,
        languages,
        translations,
        places,
        editors,
    ) -> None:
        service.areas.set(areas)
        service.terms.set(terms)
        if editors is not None:
            service.editors.set(editors)
        for model, rows in (
            (Phone, phones),
            (Schedule, schedules),
            (ServiceLanguage, languages),
        ):
            model.objects.filter(service=service).exclude(pk__in=[r.pk for r in rows]).delete()
            # An id may have belonged to another service before: it moves here.
            stored = set(
                model.objects.filter(pk__in=[r.pk for r in rows]).values_list("pk", flat=True)
            )
            for row in rows:
                row.service = service
                row._state.adding = row.pk not in stored
                row.save()
        ServiceTranslation.objects.filter(service=service).exclude(
            language__in=[t.language for t in translations]
        ).delete()
        for translation in translations:
            ServiceTranslation.objects.update_or_create(
                service=service,
                language=translation.language,
                defaults={name: getattr(translation, name) for name in TRANSLATION_FIELDS},
            )
        ServiceAtLocation.objects.filter(service=service).exclude(
            pk__in=[sal_id for sal_id, _loc, _d in places]
        ).delete()
        for sal_id, loc, description in places:
            ServiceAtLocation.objects.filter(service=service, location=loc).exclude(
                pk=sal_id
            ).delete()
            ServiceAtLocation.objects.update_or_create(
                id=sal_id,
                defaults={"service": service, "location": loc, "description": description},
            )


def related_state(service: Service) -> dict[str, list[str]]:
    """The rows around a service, as text, for the history of an import."""
    return {
        "areas": sorted(m.number for m in service.areas.all()),
        "terms": sorted(
            f"{t.taxonomy.code}:{t.code}" for t in service.terms.select_related("taxonomy")
        ),
        "editors": sorted(u.email for u in service.editors.all()),
        "phones": sorted(
            f"{p.number} ({p.kind}) {p.description}{'' if p.is_free else ' [not free]'}".strip()
            for p in service.phones.all()
        ),
        "schedules": sorted(
            f"{s.weekday} {s.opens_at:%H:%M:%S}-{s.closes_at:%H:%M:%S}"
            for s in service.schedules.all()
        ),
        "languages": sorted(f"{x.code} {x.note}".strip() for x in service.languages.all()),
        "translations": sorted(t.language for t in service.translations.all()),
        "locations": sorted(
            sal.location.name for sal in service.service_at_locations.select_related("location")
        ),
    }


def _last_revision_id(service: Service) -> int | None:
    return ServiceRevision.objects.filter(service=service).values_list("pk", flat=True).first()


def _record_related_changes(service: Service, before: dict, last_revision: int | None) -> None:
    """Add what the import changed around the service to the history.

    ``service_save`` saw the service's own fields; the rows around it were
    replaced afterwards, so their changes join the revision it just made (or
    a new one, when its own fields did not change).
    """
    after = related_state(service)
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    if not changes:
        return
    revision = ServiceRevision.objects.filter(service=service).first()
    if revision is not None and revision.pk != last_revision:
        revision.changes = {**revision.changes, **changes}
        revision.save(update_fields=["changes"])
    else:
        ServiceRevision.objects.create(service=service, summary="Imported", changes=changes)


def import_data(
    data: Any, *, dry_run: bool = False, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Import a parsed HSDS document in one transaction; nothing is saved on any problem."""
    importer = Importer(progress=progress)
    importer.report.dry_run = dry_run
    with transaction.atomic():
        importer.run(data)
        report = importer.report
        if report.problems or dry_run:
            transaction.set_rollback(True)
        else:
            log_action(
                actor=None,
                action="update",
                code="directory.import",
                object_type="directory.service",
                detail={
                    "created": report.created,
                    "updated": report.updated,
                },
            )
            report.saved = True
    if not report.saved:
        # Search's snapshot may have seen rows that were rolled back.
        from vern.directory.snapshot import snapshot

        snapshot.clear()
    return report
