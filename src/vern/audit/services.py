"""Writing to the audit log.

``log_action`` is the only way entries are made. It must be called inside the
transaction of the change it records, so the entry and the change land
together or not at all.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from vern.audit import codes, signing
from vern.audit.models import GENESIS_HASH, AuditEntry
from vern.core.audit_port import audited_transaction
from vern.core.models.scoping import tenant_of

__all__ = ["audited_transaction", "lock_chain", "log_action", "log_actions"]

# Advisory lock keys on PostgreSQL, two int4: (_PG_CHAIN_LOCK, chain) for one
# chain, (_PG_CHAIN_LOCK, _ALL_CHAINS) for the whole log. Any constant works; it
# only has to be the same for every writer.
_PG_CHAIN_LOCK = 7_301_994
_ALL_CHAINS = -1

logger = logging.getLogger(__name__)

_MASKED_KEYS = {"password", "token", "secret", "otp", "key"}


def _secret_key(key: Any) -> bool:
    return isinstance(key, str) and any(word in key.lower() for word in _MASKED_KEYS)


def _mask(value: Any) -> Any:
    """The value with every secret-looking key's value replaced, at any depth.

    Dicts are masked inside lists, tuples and other dicts too (a ``before`` and
    ``after`` of a change, a list of changed fields), so nesting hides nothing.
    """
    if isinstance(value, dict):
        return {key: "***" if _secret_key(key) else _mask(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_mask(inner) for inner in value]
    return value


def log_action(
    *,
    actor,
    action: str,
    code: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    municipality=None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain.

    ``target`` fills object type and id from a model instance, and the
    municipality from the target's tenant column as its model declares it
    (``TenantQuerySet.tenant_field``: ``municipality``, the directory's
    ``owner``, or a path such as ``service__owner``); a national entry has
    none. Pass ``municipality`` only when there is no target, or the target
    has no tenant column (a user, for a login); passing one that differs from
    the target's is a ``ValueError``.

    Each municipality has its own chain, and national and system entries one
    more (``AuditEntry.chain``); the entry links to the one before it in its
    chain. Writers of a chain are serialised (an advisory lock on PostgreSQL,
    IMMEDIATE transactions on SQLite). A call on its own (a staff view's read
    entry, in autocommit) locks only its chain, so offices of different
    municipalities do not wait for each other; a call inside a larger
    transaction takes the whole log's lock, as ``lock_chain`` does (see the
    lock order note below).

    ``code`` must be registered (``audit/codes.py``): with
    ``VERN_AUDIT_STRICT_CODES`` on an unregistered code raises
    ``UnknownCodeError``; otherwise the entry is written and an error logged.
    """
    if not codes.is_registered(code):
        if getattr(settings, "VERN_AUDIT_STRICT_CODES", False):
            raise codes.UnknownCodeError(
                f"The audit code {code!r} is not registered: add it to the app's audit_codes.py"
            )
        logger.error("Unregistered audit code %r written", code)
    municipality_id = getattr(municipality, "pk", municipality)
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or target.pk
        has_tenant, tenant_id = tenant_of(target)
        if has_tenant:
            if municipality is not None and municipality_id != tenant_id:
                raise ValueError(
                    f"log_action: municipality {municipality_id} given for a "
                    f"{target._meta.label} of municipality {tenant_id}; leave it out."
                )
            municipality_id = tenant_id
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    chain = AuditEntry.chain_of(municipality_id)
    on_its_own = not connection.in_atomic_block

    with transaction.atomic():
        if connection.vendor == "postgresql":
            _lock(chain if on_its_own else None)
        last = (
            AuditEntry.objects.for_system(reason="the entry the new one links to")
            .filter(chain=chain)
            .order_by("-id")
            .values_list("hash", "created_at")
            .first()
        )
        last_hash, last_time = last or (GENESIS_HASH, None)
        now = timezone.now()
        entry = AuditEntry(
            # Never before the entry it follows (verify checks this), even if
            # the clock was set back.
            created_at=max(now, last_time) if last_time else now,
            actor_id=actor_id,
            action=action,
            code=code,
            object_type=object_type,
            object_id=str(object_id) if object_id != "" else "",
            municipality_id=municipality_id,
            chain=chain,
            reason=reason,
            detail=_mask(detail or {}),
            prev_hash=last_hash,
        )
        entry.hash = entry.compute_hash()
        entry.key_id, entry.mac = signing.sign(entry.hash)
        entry.save(force_insert=True)
    return entry


def log_actions(entries: list[dict[str, Any]]) -> int:
    """Append many entries at once, each as ``log_action(**entry)`` would.

    For jobs that record hundreds of notices in one transaction (``vern tick``'s
    digests): one look-up of each chain's last entry and one bulk insert, not two
    queries per entry. It must run inside a transaction that has taken the whole
    log's lock (``lock_chain``), so no other writer can slip between the entries.
    Returns how many were written.
    """
    if not entries:
        return 0
    if not connection.in_atomic_block:
        raise RuntimeError("log_actions must run inside a transaction that took lock_chain")
    if connection.vendor == "postgresql":
        _lock(None)
    rows = []
    for spec in entries:
        code = spec["code"]
        if not codes.is_registered(code):
            if getattr(settings, "VERN_AUDIT_STRICT_CODES", False):
                raise codes.UnknownCodeError(f"The audit code {code!r} is not registered")
            logger.error("Unregistered audit code %r written", code)
        target = spec.get("target")
        municipality = spec.get("municipality")
        municipality_id = getattr(municipality, "pk", municipality)
        object_type, object_id = spec.get("object_type", ""), spec.get("object_id", "")
        if target is not None:
            object_type = object_type or target._meta.label_lower
            object_id = object_id or target.pk
            has_tenant, tenant_id = tenant_of(target)
            if has_tenant:
                if municipality is not None and municipality_id != tenant_id:
                    raise ValueError(
                        f"log_actions: municipality {municipality_id} given for a "
                        f"{target._meta.label} of municipality {tenant_id}; leave it out."
                    )
                municipality_id = tenant_id
        actor = spec.get("actor")
        rows.append(
            AuditEntry(
                actor_id=actor.pk if getattr(actor, "is_authenticated", False) else None,
                action=spec["action"],
                code=code,
                object_type=object_type,
                object_id=str(object_id) if object_id != "" else "",
                municipality_id=municipality_id,
                chain=AuditEntry.chain_of(municipality_id),
                reason=spec.get("reason", ""),
                detail=_mask(spec.get("detail") or {}),
            )
        )
    scope = AuditEntry.objects.for_system(reason="the entries the new ones link to")
    last: dict[int, tuple[str, Any]] = {}
    for chain in {row.chain for row in rows}:
        found = scope.filter(chain=chain).order_by("-id").values_list("hash", "created_at").first()
        last[chain] = found or (GENESIS_HASH, None)
    now = timezone.now()
    for row in rows:
        prev_hash, prev_time = last[row.chain]
        row.created_at = max(now, prev_time) if prev_time else now
        row.prev_hash = prev_hash
        row.hash = row.compute_hash()
        row.key_id, row.mac = signing.sign(row.hash)
        last[row.chain] = (row.hash, row.created_at)
    # Ids follow the list's order, as the chains' prev_hash links do.
    AuditEntry.objects.bulk_create(rows, batch_size=500)
    return len(rows)


# --- lock order --------------------------------------------------------------
#
# ``log_action`` holds the chain lock until the transaction ends. A transaction
# that writes rows after its first entry (a new organisation, then the
# service) would hold the chain lock while it waits for a row lock, and one
# that locked the row first would wait for the chain lock: a deadlock. So a
# write that records an audit entry takes the chain lock before any row lock,
# through ``lock_chain`` or ``audited_transaction``. On SQLite a writer holds
# the whole database already, so there is nothing to order.
#
# Such a transaction may log to several chains (a national entry and a
# municipality's), and two taking one chain each and then the other's would
# deadlock too; so it takes the whole log's lock (exclusive). Only a
# ``log_action`` on its own, which writes one entry and commits, takes its
# chain alone: the whole log's lock shared, then its chain's, so it waits for
# transactions holding the whole log and for nothing else.


def _lock(chain: int | None) -> None:
    """Take the lock of one chain (``chain``), or of the whole log (``None``)."""
    with connection.cursor() as cursor:
        if chain is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_PG_CHAIN_LOCK, _ALL_CHAINS])
        else:
            cursor.execute(
                "SELECT pg_advisory_xact_lock_shared(%s, %s), pg_advisory_xact_lock(%s, %s)",
                [_PG_CHAIN_LOCK, _ALL_CHAINS, _PG_CHAIN_LOCK, chain],
            )


def lock_chain() -> None:
    """Take the audit log's lock now, until the current transaction ends.

    Call it first in a transaction that will log, before touching any row. It
    covers every chain, and may be taken again (``log_action`` does); the lock
    is re-entrant.
    """
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        _lock(None)


# ``audited_transaction`` (``transaction.atomic`` whose first step is ``lock_chain``)
# lives in ``core.audit_port`` so core's services can use it; it is imported above.
