"""Running an import: transactions of a batch of services each, progress and report.

A real import commits every ``BATCH_SIZE`` services. Each batch is one
transaction that takes the audit log's lock only at its end, to write the
entries it gathered (one per organisation and place, and a summary of the
batch), so staff whose reads write an audit entry wait milliseconds rather than
the whole run. Batches saved stay saved: once a record has a problem, that
batch and every later one are only checked and rolled back, and the report says
how many services were saved. The run is resumable: records are matched by id,
so importing the corrected file again brings the saved ones back unchanged and
saves the rest. A dry run is still one transaction, rolled back.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from vern.audit.services import lock_chain, log_action, log_actions
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
    saved: bool = False  # every batch saved
    batches_saved: int = 0
    services_saved: int = 0  # services read in the batches saved (with a problem: the first ones)
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

    def __init__(
        self,
        *,
        authority: Authority,
        progress: Callable[[int], None] | None = None,
        batch_size: int | None = None,
    ):
        self.authority = authority
        self.batch_size = batch_size  # None: one transaction (a dry run)
        self._atomic = None
        self._pending_audit: list[dict] = []
        self._batch_start: dict = {}
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

    # --- batches ---

    def audit(self, **entry) -> None:
        """An audit entry, written when the batch commits (``log_action``'s arguments).

        Written then, not now, so that the batch holds the audit log's lock only
        for its last moments."""
        self._pending_audit.append(entry)

    @contextmanager
    def audit_savepoint(self):
        """Entries gathered inside are dropped if it fails, as its savepoint's rows are."""
        mark = len(self._pending_audit)
        try:
            yield
        except BaseException:
            del self._pending_audit[mark:]
            raise

    def _batch_counts(self) -> dict:
        return {
            name: dict(getattr(self.report, name)) for name in ("created", "updated", "unchanged")
        }

    def begin_batch(self) -> None:
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._pending_audit = []
        self._batch_start = self._batch_counts()
        if self.batch_size is None:
            lock_chain()  # one transaction: the lock first, as the lock order asks

    def end_batch(self, *, error: BaseException | None = None) -> None:
        """Commit the batch with its audit entries, or roll it back (an error, a
        problem in this or an earlier batch, or a dry run)."""
        atomic, self._atomic = self._atomic, None
        if atomic is None:
            return
        keep = error is None and not self.report.problems and not self.report.dry_run
        try:
            if keep:
                self._write_audit()
            else:
                transaction.set_rollback(True)
        except BaseException as failure:
            atomic.__exit__(type(failure), failure, failure.__traceback__)
            raise
        if error is not None:
            atomic.__exit__(type(error), error, error.__traceback__)
        else:
            atomic.__exit__(None, None, None)
        if keep:
            self.report.batches_saved += 1
            self.report.services_saved = self.services_done

    def _write_audit(self) -> None:
        # Rows are locked by now; a staff edit holding the audit lock that waits
        # for one of them is a deadlock PostgreSQL breaks by failing one side
        # (rare: the same record edited during its batch). A failed batch is
        # rolled back and the run reports what was saved before it.
        lock_chain()
        log_actions(self._pending_audit)
        before = self._batch_start
        counts = {
            name: _difference(getattr(self.report, name), before[name])
            for name in ("created", "updated", "unchanged")
        }
        if self.report.batches_saved and not any(counts.values()):
            return  # the empty batch after a full one
        log_action(
            actor=None,
            action="update",
            code="directory.import",
            object_type="directory.service",
            municipality=self.authority.municipality,
            detail={
                "for": str(self.authority),
                "batch": self.report.batches_saved + 1,
                **counts,
            },
        )
        self._pending_audit = []

    def _maybe_next_batch(self) -> None:
        if self.batch_size and self.services_done % self.batch_size == 0:
            self.end_batch()
            self.begin_batch()

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
        self._maybe_next_batch()


def _difference(now: dict, before: dict) -> dict:
    return {kind: n - before.get(kind, 0) for kind, n in now.items() if n - before.get(kind, 0)}


# Services per transaction. The audit entries of a batch (about two per service) are
# written under the audit lock at its end: a smaller batch keeps that moment short.
BATCH_SIZE = 100


def import_data(
    data: Any,
    *,
    authority: Authority,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import a parsed HSDS document, committing every ``batch_size`` services.

    Nothing is saved from the first batch with a problem on (see the module's
    note); a dry run saves nothing. Only records ``authority`` owns are created
    or changed (see ``authority``).
    """
    importer = Importer(
        authority=authority, progress=progress, batch_size=None if dry_run else batch_size
    )
    importer.report.dry_run = dry_run
    importer.begin_batch()
    try:
        importer.run(data)
    except BaseException as error:
        importer.end_batch(error=error)
        # The guide's per-process values may have seen rows that were rolled back.
        signals.rolled_back()
        raise
    importer.end_batch()
    report = importer.report
    report.saved = not report.problems and not dry_run
    if report.batches_saved and (any(report.created.values()) or any(report.updated.values())):
        # Terms, organisations and taxonomies may have changed too: the guide builds
        # what it keeps again (each service saved was announced by itself already).
        signals.announce(everything=True)
    if not report.saved:
        signals.rolled_back()
    return report
