"""How the directory tells its readers that something changed.

The public guide (``vern.guide``) keeps per-process values derived from the
whole directory. The directory never imports it: its writes ``announce`` what
they touched, and once the transaction commits ``directory_changed`` is sent
with the ids of the services changed (or ``everything`` for an import or a
reindex). The guide connects to it at start-up. Ids announced in one
transaction go out together, in one signal.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

# Sent after a commit: services=frozenset of service ids, everything=bool.
directory_changed = Signal()
# Sent when a write was rolled back after reading rows inside its transaction
# (an import's dry run or its problems): a reader in this process may have seen them.
directory_rolled_back = Signal()

_PENDING = "_vern_directory_changes"


def announce(*, services: Iterable = (), everything: bool = False) -> None:
    """Say, after the current transaction commits, that these services changed
    (or that anything may have).

    The ids gather on the connection; the first callback to run after a commit
    sends them all, later ones find nothing. One callback is queued per
    savepoint, not per call (a reindex announces every service). Ids from a
    rolled-back savepoint go out with the next commit (if a send is still queued;
    if none is, all of them were rolled back and are dropped): a reader reads such a
    service again and finds it as it was, which costs little."""
    connection = transaction.get_connection()
    pending = getattr(connection, _PENDING, None)
    queued = any(func is _send for _sids, func, _robust in connection.run_on_commit)
    if pending is None or not queued:
        # Nothing queued to send them: what is pending was announced by work that was
        # rolled back (its callbacks went with it), and must not go out with this one.
        pending = {"services": set(), "everything": False}
        setattr(connection, _PENDING, pending)
    pending["services"].update(services)
    pending["everything"] |= everything
    here = set(connection.savepoint_ids)
    if connection.in_atomic_block and any(
        func is _send and sids == here for sids, func, _robust in connection.run_on_commit
    ):
        return
    # robust: the change is saved; a reader that fails to hear of it is logged,
    # and the readers' own check finds the change within a second.
    transaction.on_commit(_send, robust=True)


def _send() -> None:
    connection = transaction.get_connection()
    pending = getattr(connection, _PENDING, None)
    setattr(connection, _PENDING, None)
    if pending and (pending["services"] or pending["everything"]):
        directory_changed.send(
            sender=None,
            services=frozenset(pending["services"]),
            everything=pending["everything"],
        )


def rolled_back() -> None:
    directory_rolled_back.send(sender=None)
