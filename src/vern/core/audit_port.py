"""core's way into the audit log, without importing the audit app.

The audit app builds on core: its entries are tenant-scoped personal data
(``PersonalData``), its pages are staff views, its menu entry is in the staff
shell. core writes entries too (role changes, ``staff_view`` reads, routine
steps, retention, access lists), but importing ``vern.audit`` from core would
make the two a cycle, which the ``acyclic-apps`` import contract refuses. So
imports point one way, audit -> core, and core calls the functions below;
``AuditConfig.ready()`` fills them in with audit's own (``install``).

Each function has the signature of the audit function it stands for
(``vern.audit.services.log_action``, ``vern.audit.codes.register`` ...); the
docstrings are there. Feature apps import audit directly, as before.

A call before ``install`` (Django set up without the audit app) raises
``ImproperlyConfigured``: an audited change must never pass unrecorded.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

# The audit functions core uses, by name. ``install`` must provide every one.
NAMES = frozenset(
    {
        "log_action",
        "log_actions",
        "lock_chain",
        "label",
        "is_registered",
        "read_code",
        "register",
        "register_detail_key",
        "record_reads",
    }
)

_impl: dict[str, Callable[..., Any]] = {}


def install(**functions: Callable[..., Any]) -> None:
    """Give core the audit app's functions (``AuditConfig.ready()`` calls this)."""
    missing, unknown = NAMES - functions.keys(), functions.keys() - NAMES
    if missing or unknown:
        raise ImproperlyConfigured(
            f"audit_port.install: missing {sorted(missing)}, unknown {sorted(unknown)}"
        )
    _impl.update(functions)


def _call(name: str, *args: Any, **kwargs: Any) -> Any:
    try:
        function = _impl[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"core needs the audit log ({name}), but vern.audit is not installed or not ready"
        ) from None
    return function(*args, **kwargs)


def log_action(**kwargs: Any) -> Any:
    """Append an audit entry (``vern.audit.services.log_action``)."""
    return _call("log_action", **kwargs)


def log_actions(entries: list[dict[str, Any]]) -> int:
    """Append many audit entries in one go (``vern.audit.services.log_actions``)."""
    return _call("log_actions", entries)


def label(code: str) -> Any:
    """An audit code's human label (``vern.audit.codes.label``)."""
    return _call("label", code)


def lock_chain(**kwargs: Any) -> None:
    """Take the audit chain's lock until the transaction ends (``audit.services``)."""
    return _call("lock_chain", **kwargs)


def audited_transaction[F: Callable[..., Any]](func: F) -> F:
    """``transaction.atomic`` whose first step is ``lock_chain``.

    Defined here, not in audit, so that a decorated core service needs the
    audit app only when it runs; ``vern.audit.services`` re-exports it.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with transaction.atomic():
            lock_chain()
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def is_registered(code: str) -> bool:
    return _call("is_registered", code)


def read_code(model_label: str) -> str:
    return _call("read_code", model_label)


def register(code: str, label: Any, *, reads: str = "") -> None:
    _call("register", code, label, reads=reads)


def register_detail_key(key: str, label: Any, *, kind: str = "text") -> None:
    _call("register_detail_key", key, label, kind=kind)


def record_reads(*, user, municipality, record_type: str, record_id) -> Any:
    """The audited reads of one record as ``user`` may see them, newest first:
    a queryset of audit entries (``vern.audit.selectors.record_reads``)."""
    return _call(
        "record_reads",
        user=user,
        municipality=municipality,
        record_type=record_type,
        record_id=record_id,
    )
