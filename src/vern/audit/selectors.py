"""Reading the audit log: the admin's filtered list and the chain check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from vern.audit import signing
from vern.audit.models import GENESIS_HASH, AuditEntry
from vern.core.versioning import Saved

# Checking the chain reads every entry, whatever its municipality.
CHAIN = "vern audit verify walks the whole chain"


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    reason: str
    # The chain the entry is in (AuditEntry.chain): a municipality's id, 0 for
    # national and system entries, None for entries from before chains per
    # municipality.
    chain: int | None = None

    def chain_name(self) -> str:
        if self.chain is None:
            return "the chain from before chains per municipality"
        if self.chain == 0:
            return "the chain of national and system entries"
        return f"the chain of municipality id {self.chain}"


@dataclass
class _Chain:
    expected_prev: str = GENESIS_HASH
    previous_time: object = None
    signed_seen: bool = False


def verify_chain(*, batch_size: int = 2000) -> tuple[int, ChainProblem | None]:
    """Walk every chain, in one pass over the log in id order.

    Each municipality's entries form a chain, national and system entries one
    more, and entries from before chains per municipality one more
    (``AuditEntry.chain``); each is followed on its own.

    Returns the number of entries checked and the first problem found: an entry
    whose stored hash does not match its content (it was changed), whose
    ``prev_hash`` does not match the entry before it in its chain (something
    before it was removed or changed), whose time is before the entry it
    follows (entries are only ever appended, so a backdated one was put there
    some other way), whose chain is not its municipality's (moved), or whose
    MAC is missing or wrong (it was not written by Vern with a key from
    ``VERN_AUDIT_KEYS``).

    Entries without a MAC are accepted only in the old single chain, before
    its first signed entry: those are the ones written before signing was
    introduced (``unsigned_legacy_entries`` counts them). After that, and in
    every chain per municipality, a missing MAC is as bad as a wrong one. No
    entry may join the old chain once chains per municipality have begun.
    """
    chains: dict[int | None, _Chain] = {}
    per_municipality_began = False
    checked = 0
    last_id = 0
    while True:
        batch = list(
            AuditEntry.objects.for_system(reason=CHAIN)
            .filter(id__gt=last_id)
            .order_by("id")[:batch_size]
        )
        if not batch:
            return checked, None
        for entry in batch:
            chain = chains.setdefault(entry.chain, _Chain())
            problem = _entry_problem(entry, chain, per_municipality_began=per_municipality_began)
            if problem:
                return checked, ChainProblem(entry.pk, problem, entry.chain)
            per_municipality_began = per_municipality_began or entry.chain is not None
            chain.signed_seen = chain.signed_seen or bool(entry.mac)
            chain.expected_prev = entry.hash
            chain.previous_time = entry.created_at
            checked += 1
            last_id = entry.pk


def chains_in_log() -> int:
    """How many chains the log holds (verify checks each)."""
    return AuditEntry.objects.for_system(reason=CHAIN).values("chain").distinct().count()


def _entry_problem(entry, chain: _Chain, *, per_municipality_began: bool) -> str | None:
    if entry.chain is None and per_municipality_began:
        return "it joins the old single chain after chains per municipality began (forged)"
    if entry.prev_hash != chain.expected_prev:
        return "it does not link to the entry before it (an entry was removed or changed)"
    entry_hash = entry.compute_hash()
    if entry_hash != entry.hash:
        return "its content does not match its hash (it was changed)"
    if entry.chain is not None and entry.chain != AuditEntry.chain_of(entry.municipality_id):
        return "it is in another municipality's chain than its own (it was moved)"
    if chain.previous_time is not None and entry.created_at < chain.previous_time:
        return "its time is before the entry it follows (it was not appended by Vern)"
    if not entry.mac:
        if entry.chain is not None:
            return "it has no MAC (it was not written by Vern)"
        if chain.signed_seen:
            return "it has no MAC, but entries before it are signed (it was not written by Vern)"
        return None
    valid = signing.check(entry_hash=entry_hash, entry_key_id=entry.key_id, mac=entry.mac)
    if valid is None:
        return (
            f"it is signed with key id {entry.key_id}, which is not in VERN_AUDIT_KEYS "
            "(an old key was removed too early, or the entry is forged)"
        )
    if not valid:
        return "its MAC is wrong (it was not written by Vern, or with another key)"
    return None


def unsigned_legacy_entries() -> int:
    """Entries from before signing began (no MAC). Meaningful once the chain verifies."""
    return AuditEntry.objects.for_system(reason=CHAIN).filter(mac="").count()


def audit_entries_for_admin(
    *,
    user,
    municipality,
    action: str = "",
    code: str = "",
    person: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """The entries of one municipality that an admin may browse, newest first.

    ``person`` finds entries made by anyone whose name or e-mail address
    contains it. Logins are in the log of every municipality the person
    belonged to when they logged in (``core.services.record_login``).
    """
    entries = AuditEntry.objects.for_user(user, municipality=municipality).select_related(
        "actor", "municipality"
    )
    if action:
        entries = entries.filter(action=action)
    if code:
        entries = entries.filter(code=code)
    if person:
        entries = entries.filter(
            Q(actor__full_name__icontains=person) | Q(actor__email__icontains=person)
        )
    if date_from:
        entries = entries.filter(created_at__date__gte=date_from)
    if date_to:
        entries = entries.filter(created_at__date__lte=date_to)
    return entries.order_by("-id")


def saves_after(*, object_type: str, object_id, version: int, limit: int = 50) -> list[Saved]:
    """The saves of one versioned record after ``version``, from its audit entries.

    A write service of a ``VersionedRecord`` logs the version it saved in the
    entry's detail (``{"fields": [...], "version": n}``); this reads them back
    for ``versioning.check_version``, which names who changed a field and when.
    Only the newest ``limit`` entries of the record are read.
    """
    entries = (
        AuditEntry.objects.for_system(reason="the saves of one record its writer holds")
        .filter(
            object_type=object_type,
            object_id=str(object_id),
            action__in=[AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE],
        )
        .select_related("actor")
        .order_by("-id")[:limit]
    )
    saves = []
    for entry in entries:
        saved = entry.detail.get("version")
        if not isinstance(saved, int) or saved <= version:
            continue
        actor = entry.actor
        saves.append(
            Saved(
                version=saved,
                by=(actor.full_name or actor.email) if actor else "",
                at=entry.created_at,
                fields=frozenset(entry.detail.get("fields") or ()),
            )
        )
    return saves


def record_reads(*, user, municipality, record_type: str, record_id) -> QuerySet[AuditEntry]:
    """Every audited read of one record that ``user`` may see, newest first.

    core's "who has opened this" list (``record_access.record_openers``) reads
    it through ``core.audit_port``.
    """
    return (
        AuditEntry.objects.for_user(user, municipality=municipality)
        .filter(action="read", object_type=record_type, object_id=str(record_id))
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
