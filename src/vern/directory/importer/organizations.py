"""Organisations and their locations, with their editors."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from vern.directory.importer.authority import IMPORT
from vern.directory.importer.compare import field_values
from vern.directory.importer.records import Record
from vern.directory.models import Location, Organization

# HSDS paths of model fields, for problems found by model validation.
LOCATION_PATHS = {
    "public_contact_point": "description",
    "directions": "transportation",
    "address": "addresses[0].address_1",
    "postal_code": "addresses[0].postal_code",
    "city": "addresses[0].city",
    "accessibility": "accessibility[0].description",
    "municipality": "attributes.municipality",
}


class OrganizationImport:
    """The organisation part of ``Importer``; it fills ``organizations`` and ``locations``."""

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
        stored_owner = None if created else org.owner_id
        stored = None if created else field_values(org)
        org = org or Organization(id=ident)
        for name in ("name", "alternate_name", "description", "email"):
            setattr(org, name, record.text(data, name, f"{base}{name}"))
        org.website = record.text(data, "website", f"{base}website")
        org.owner = vern.values.get("owner_municipality", self.authority.default_owner)
        self.check_owner(
            record,
            f"{base}attributes" if created or stored_owner == org.owner_id else f"{base}id",
            kind="organisation",
            created=created,
            stored=stored_owner,
            new=org.owner_id,
        )
        try:
            org.full_clean()
        except ValidationError as error:
            record.validation(error, path, {"website": "website", "owner": "attributes"})
        if len(self.report.problems) > problems_before:
            self.organizations[ident] = None
            return None
        editors = None
        if self.authoritative:
            editors = [u for u in (self._editor(record, email) for email in vern.editors) if u]
        if stored is not None and stored == field_values(org):
            have = set(org.editors.values_list("user_id", flat=True))
            if editors is None or have == {user.pk for user in editors}:
                self.report.count("organizations", False, changed=False)
                self.organizations[ident] = org
                return org
        try:
            with transaction.atomic():
                org.save()
                if editors is not None:
                    self._set_org_editors(org, editors)
                self.audit(
                    actor=None,
                    action="create" if created else "update",
                    code="directory.organization.import",
                    target=org,
                )
        except DatabaseError as error:
            record.problem(path, f"could not be saved: {error}")
            self.organizations[ident] = None
            return None
        self.report.count("organizations", created)
        self.organizations[ident] = org
        return org

    def _set_org_editors(self, org: Organization, users: list) -> None:
        dropped = org.editors.exclude(user__in=users)
        if org.owner_id is not None:
            # Checked once the whole file is read (``drop_unused_org_editor_roles``).
            self.dropped_editors.update(
                (user, org.owner_id) for user in dropped.values_list("user", flat=True)
            )
        dropped.delete()
        for user in users:
            org.editors.get_or_create(user=user)

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
        # The import's owner check (``check_owner``) decides what it may change.
        loc = (
            Location.objects.for_system(reason=IMPORT)
            .filter(pk=ident)
            .select_related("organization")
            .first()
        )
        created = loc is None
        if created:
            self.check_owner(
                record, f"{path}.id", kind="location", created=True, stored=None, new=org.owner_id
            )
        elif loc.organization_id != org.id and self.authority.may_own(loc.organization.owner_id):
            record.problem(
                f"{path}.id",
                "this location belongs to another organisation; an import does not move it",
            )
        else:
            owner = loc.organization.owner_id
            self.check_owner(
                record, f"{path}.id", kind="location", created=False, stored=owner, new=owner
            )
        stored = None if created else field_values(loc)
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
        if stored is not None and stored == field_values(loc):
            self.report.count("locations", False, changed=False)
            self.locations[ident] = loc
            return loc
        try:
            with transaction.atomic():
                loc.save()
                self.audit(
                    actor=None,
                    action="create" if created else "update",
                    code="directory.location.import",
                    target=loc,
                )
        except DatabaseError as error:
            record.problem(path, f"could not be saved: {error}")
            self.locations[ident] = None
            return None
        self.report.count("locations", created)
        self.locations[ident] = loc
        return loc
