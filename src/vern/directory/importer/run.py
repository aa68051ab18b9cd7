"""Running an import: one transaction over the whole document, progress and report."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from vern.audit.services import lock_chain, log_action
from vern.core.models import Municipality
from vern.directory import search, signals
from vern.directory.importer.attributes import AttributeImport
from vern.directory.importer.authority import Authority, owner_text
from vern.directory.importer.document import is_service
from vern.directory.importer.organizations import OrganizationImport
from vern.directory.importer.records import Problem, Record
from vern.directory.importer.service import ServiceImport
from vern.directory.importer.service_rows import ServiceRowsImport
from vern.directory.importer.taxonomies import TaxonomyImport
from vern.directory.models import Location, Organization, Service, Taxonomy, TaxonomyTerm
from vern.directory.services import org_editor_role_drop_if_unused


@dataclass
class ImportReport:
    """What an import did: records created, updated and found unchanged,
    problems and warnings."""

    dry_run: bool = False
    saved: bool = False
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def count(self, kind: str, created: bool, *, changed: bool = True) -> None:
        target = self.created if created else self.updated if changed else self.unchanged
        target[kind] = target.get(kind, 0) + 1

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return ", ".join(
            f"{kind}: {self.created.get(kind, 0)} new, {self.updated.get(kind, 0)} updated, "
            f"{self.unchanged.get(kind, 0)} unchanged"
            for kind in kinds
        )


class Importer(
    TaxonomyImport, AttributeImport, OrganizationImport, ServiceImport, ServiceRowsImport
):
    """Reads a document record by record, saving each one that has no problem."""

    def __init__(self, *, authority: Authority, progress: Callable[[int], None] | None = None):
        self.authority = authority
        self.report = ImportReport()
        self.number = 0
        self.progress = progress
        self.services_done = 0
        self.authoritative = False
        self._municipalities: dict[str, Municipality | None] = {}
        self.taxonomies: dict[str, Taxonomy] = {}
        self.terms: dict[str, TaxonomyTerm] = {}
        self.renamed_terms: set[uuid.UUID] = set()
        self.organizations: dict[uuid.UUID, Organization | None] = {}  # None: failed
        self.locations: dict[uuid.UUID, Location | None] = {}
        self.seen_services: set[uuid.UUID] = set()
        # (user id, municipality id) of organisation editors the file dropped.
        self.dropped_editors: set[tuple[int, int]] = set()

    # --- lookups ---

    def municipality(self, number: str) -> Municipality | None:
        if number not in self._municipalities:
            self._municipalities[number] = Municipality.objects.filter(number=number).first()
        return self._municipalities[number]

    def user(self, email: str):
        return get_user_model().objects.filter(email__iexact=email).first()

    def check_owner(
        self, record: Record, path: str, *, kind: str, created: bool, stored, new
    ) -> None:
        """Refuse a record this import may not create or change (by owner ids).

        ``stored`` is the owner now (for a record that exists), ``new`` the
        owner the file gives it.
        """
        if not created and not self.authority.may_own(stored):
            record.problem(
                path,
                f"this {kind} belongs to {owner_text(stored)}; "
                f"an import for {self.authority} may not change it",
            )
        elif not created and new != stored:
            record.problem(
                path,
                f"would move this {kind} from {owner_text(stored)} to {owner_text(new)}; "
                "an import never changes who owns a record",
            )
        elif created and not self.authority.may_own(new):
            record.problem(
                path,
                f"this {kind} would belong to {owner_text(new)}; "
                f"an import for {self.authority} may only create its own records",
            )

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
            organizations = [item for item in data if not is_service(item)]
            services = [item for item in data if is_service(item)]
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
        self.refresh_renamed_terms()
        self.drop_unused_org_editor_roles()

    def drop_unused_org_editor_roles(self) -> None:
        """A person the file left with none of a municipality's organisations
        loses the organisation editor role there, as when an administrator
        removes them: the role must not show them more than their organisations."""
        for user_id, municipality_id in sorted(self.dropped_editors):
            org_editor_role_drop_if_unused(
                user=get_user_model().objects.get(pk=user_id),
                municipality_id=municipality_id,
                actor=None,
            )

    def refresh_renamed_terms(self) -> None:
        """Services that name a renamed term get their search text and card again,
        and a new ``updated_at``, so that the stored cards' check and every process's guide
        (``vern.guide.snapshot``) notice."""
        if not self.renamed_terms:
            return
        ids = list(
            Service.objects.filter(terms__in=self.renamed_terms)
            .values_list("pk", flat=True)
            .distinct()
        )
        Service.objects.filter(pk__in=ids).update(updated_at=timezone.now())
        search.reindex_all(Service.objects.filter(pk__in=ids))

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


def import_data(
    data: Any,
    *,
    authority: Authority,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a parsed HSDS document in one transaction; nothing is saved on any problem.

    Only records ``authority`` owns are created or changed (see ``authority``).
    """
    importer = Importer(authority=authority, progress=progress)
    importer.report.dry_run = dry_run
    with transaction.atomic():
        lock_chain()  # before any row lock (audit/services.py, "lock order")
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
                municipality=authority.municipality,
                detail={
                    "for": str(authority),
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                },
            )
            report.saved = True
            if any(report.created.values()) or any(report.updated.values()):
                # Terms, organisations and taxonomies may have changed too: the
                # guide builds what it keeps again, after the commit.
                signals.announce(everything=True)
    if not report.saved:
        # The guide's per-process values may have seen rows that were rolled back.
        signals.rolled_back()
    return report
