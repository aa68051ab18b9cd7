"""A service record: its own fields, then its rows, saved in a savepoint."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from vern.directory import hsds
from vern.directory.importer.compare import service_state
from vern.directory.importer.records import Record
from vern.directory.importer.related import (
    last_revision_id,
    record_related_changes,
    related_state,
    save_related,
)
from vern.directory.models import Organization, Service
from vern.directory.search import index_service
from vern.directory.services import service_save_audit_later

# HSDS paths of model fields, for problems found by model validation.
SERVICE_PATHS = {
    **{name: f"attributes.{name}" for name in [*hsds.SERVICE_TEXTS, *hsds.SERVICE_BOOLS]},
    "owner": "attributes.owner_municipality",
    "referral": "attributes.referral",
    "verification_days": "attributes.verification_days",
    "is_national": "service_areas",
    "is_free": "cost_options",
}


class _Rollback(Exception):
    """Undoes a service's savepoint when saving its rows found a problem."""


class _Unchanged(Exception):
    """Undoes a service's savepoint when the file changed nothing in it."""


class ServiceImport:
    """The service part of ``Importer``; ``ServiceRowsImport`` reads its rows."""

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
        stored_owner = None if created else service.owner_id
        service.owner = values.get("owner_municipality", self.authority.default_owner)
        self.check_owner(
            record,
            "attributes" if created or stored_owner == service.owner_id else "id",
            kind="service",
            created=created,
            stored=stored_owner,
            new=service.owner_id,
        )
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
        # What is stored now, to tell whether the file changes anything: the
        # service is saved in a savepoint, compared, and the savepoint undone
        # when nothing differs, so an unchanged record is left as it was.
        stored = None if created else service_state(service.pk)
        try:
            with self.audit_savepoint(), transaction.atomic():
                before = {} if created else related_state(service)
                last_revision = last_revision_id(service) if not created else None
                service_save_audit_later(
                    audit=self.audit,
                    service=service,
                    actor=None,
                    summary_code="directory.revision.imported",
                    index=False,
                )
                if internal_dates:
                    Service.objects.filter(pk=service.pk).update(**internal_dates)
                save_related(
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
                if stored is not None and service_state(service.pk) == stored:
                    raise _Unchanged
                index_service(service)
                if not created:
                    record_related_changes(service, before, last_revision)
        except _Rollback:
            return
        except _Unchanged:
            self.report.count("services", False, changed=False)
            return
        except ValidationError as error:
            record.validation(error, "", SERVICE_PATHS)
            return
        except DatabaseError as error:
            record.problem("", f"could not be saved: {error}")
            return
        self.report.count("services", created)
