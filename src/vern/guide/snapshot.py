"""Process-local values derived from the whole directory, kept up to date by what changed.

The guide's search needs a few things that depend on every entry: its index
(``index.py``), the words that occur (for typo correction), the synonym list,
the taxonomy terms, the languages offered and the municipalities. Reading them
on every request costs more than the search itself, so each process keeps them.

There is one way to read them, ``snapshot.get``, and it checks first (no view
can forget to): at most every ``VERN_SNAPSHOT_SECONDS`` (1 s) one query reads
the change log's newest id (``GuideChange``, written after each commit that
touched services, ``hooks.py``) and the newest ``updated_at`` of services,
organisations, synonyms, municipalities and locations. Then:

- services named in the log are brought up to date one by one: each value says
  how (``update``: the index reads those services again, the vocabulary adds
  the index's new words), is kept (``services=False``: terms, synonyms,
  municipalities) or is dropped and built again when next asked for;
- a log entry naming no service (an import, ``vern directory reindex``)
  drops every value;
- anything the log does not name (a synonym, an organisation, a municipality,
  a location, a write that skipped the hook: a newer ``updated_at`` with no new entry, or,
  every ``VERN_SNAPSHOT_FULL_SECONDS`` (30 s), a new count or sum of the
  services' timestamps with none) drops every value too, except that the index
  is refreshed (it compares every service's ``updated_at``) rather than built.

``stats`` counts builds, updates and refreshes per value, for tests and the bench.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection

# Log entries read at once; more than this behind and every value is built again.
LOG_LIMIT = 2000
# In what ``_version`` reads: the services' newest, the log's newest, then the rest
# up to here (organisations, synonyms, municipalities, locations), then the full check's.
REST_END = 8


def _in_transaction() -> bool:
    """In a transaction the code opened (not the one a test runs in)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _select(expression: str, table: str) -> str:
    return f"(SELECT {expression} FROM {table})"  # noqa: S608 (model table names)


@dataclass(frozen=True, slots=True)
class _Kind:
    refresh: Callable[[Any], Any] | None
    update: Callable[[Any, frozenset | None], Any] | None
    services: bool


# What a pending value waits for: these services read again, None for "compare
# all", EVERYTHING for a refresh (or a build) after a change to anything.
EVERYTHING = object()
# A log entry that names no service (an import, a reindex): build everything again.
REBUILD = object()


class Snapshot:
    def __init__(self) -> None:
        self._seen: tuple | None = None  # (services' newest, log's newest, the rest)
        self._full: tuple | None = None  # (count, sum) of services at the last full check
        self._log_at_full: int | None = None  # the log's newest id then
        self._checked_at = self._full_checked_at = float("-inf")
        self._values: dict[str, Any] = {}
        self._pending: dict[str, tuple[Any, Any]] = {}  # name -> (value, what changed)
        self._kinds: dict[str, _Kind] = {}
        self._lock = threading.RLock()
        self._local = threading.local()
        self.stats: Counter = Counter()  # ("built" | "updated" | "refreshed", name)

    # --- reading ------------------------------------------------------------------

    def get(
        self,
        name: str,
        build: Callable[[], Any],
        *,
        refresh: Callable[[Any], Any] | None = None,
        update: Callable[[Any, frozenset | None], Any] | None = None,
        services: bool = True,
    ) -> Any:
        """The value called ``name``, up to date within ``VERN_SNAPSHOT_SECONDS``.

        ``build`` makes it from nothing; ``refresh(old)`` brings an old one up
        to date after any change; ``update(old, ids)`` after a change to these
        services (``ids`` None: to some services, compare them all);
        ``services=False`` says it does not depend on services at all.
        One thread builds while others wait for it (the index takes about a
        second at 20,000 services).
        """
        # Not from inside another value's build, nor inside a write's transaction
        # (a card stored by an edit reads the terms): there a check would see rows
        # not yet committed, and take the edit for one the change log missed.
        if not getattr(self._local, "depth", 0) and not _in_transaction():
            self.check()
        values = self._values
        if name in values:
            return values[name]
        with self._lock:
            self._kinds.setdefault(name, _Kind(refresh, update, services))
            values = self._values
            if name in values:
                return values[name]
            self._local.depth = getattr(self._local, "depth", 0) + 1
            try:
                values[name] = self._make(name, build)
            finally:
                self._local.depth -= 1
            return values[name]

    def _make(self, name: str, build: Callable[[], Any]) -> Any:
        kind = self._kinds[name]
        pending = self._pending.pop(name, None)
        if pending is not None:
            old, changed = pending
            if changed is not EVERYTHING and kind.update is not None:
                self.stats["updated", name] += 1
                return kind.update(old, changed)
            if kind.refresh is not None:
                self.stats["refreshed", name] += 1
                return kind.refresh(old)
        self.stats["built", name] += 1
        return build()

    # --- noticing changes -------------------------------------------------------------

    def expire(self) -> None:
        """Look for changes on the next read (this process just committed one)."""
        self._checked_at = float("-inf")

    def _version(self, *, full: bool) -> tuple:
        from vern.core.models import Municipality
        from vern.directory.models import Location, Organization, Service, Synonym
        from vern.guide.models import GuideChange

        services, synonyms = Service._meta.db_table, Synonym._meta.db_table
        organizations, municipalities = Organization._meta.db_table, Municipality._meta.db_table
        parts = [
            _select("MAX(updated_at)", services),
            _select("MAX(id)", GuideChange._meta.db_table),
            _select("MAX(updated_at)", organizations),
            _select("MAX(updated_at)", synonyms),
            _select("COUNT(*)", synonyms),
            _select("MAX(updated_at)", municipalities),
            _select("COUNT(*)", municipalities),
            # A place's text is on its services' pages (``service_pages.py``).
            _select("MAX(updated_at)", Location._meta.db_table),
        ]
        if full:  # a deletion, or a change committed after a later one
            parts.append(_select("COUNT(*)", services))
            if connection.vendor == "postgresql":
                parts.append(
                    _select("SUM((date_part('epoch', updated_at) * 1000)::bigint)", services)
                )
            else:  # whole milliseconds since 2023, so that the sum stays an integer
                parts.append(
                    _select(
                        "SUM(CAST((julianday(updated_at) - 2460000.5) * 86400000 AS INTEGER))",
                        services,
                    )
                )
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts))  # table names only
            return tuple(cursor.fetchone())

    def check(self) -> None:
        """Bring the values in line with the directory (see the module's notes).

        The quick check is one query of indexed reads (0.3 ms); the full one,
        every ``VERN_SNAPSHOT_FULL_SECONDS``, passes over the services (9 ms on
        PostgreSQL at 20,000 services, 2 ms on SQLite)."""
        now = time.monotonic()
        if now - self._checked_at < settings.VERN_SNAPSHOT_SECONDS:
            return
        full = now - self._full_checked_at >= settings.VERN_SNAPSHOT_FULL_SECONDS
        found = self._version(full=full)
        newest, log, rest = found[0], found[1], found[2:REST_END]
        with self._lock:
            self._checked_at = now
            if full:
                self._full_checked_at = now
            previous = self._seen
            self._seen = (newest, log, rest)
            unexplained = False
            if full:
                # A changed count or sum of timestamps the log explains if it moved since.
                unexplained = (
                    self._full is not None
                    and found[REST_END:] != self._full
                    and log == self._log_at_full
                )
                self._full, self._log_at_full = found[REST_END:], log
            if previous is None:
                return  # the first look: nothing is kept yet
            old_newest, old_log, old_rest = previous
            if rest != old_rest or (newest != old_newest and log == old_log) or unexplained:
                # Something changed that the log does not name (a synonym, an
                # organisation, a municipality, a write that skipped the hook):
                # every value is dropped, the index refreshed from the timestamps.
                self._apply(EVERYTHING)
            elif log != old_log:
                self._apply(self._logged(old_log, log))

    @staticmethod
    def _logged(after: int | None, newest: int | None):
        """The services the log names after id ``after``; REBUILD for an entry
        that names none, or a log too far ahead to read."""
        from vern.guide.models import GuideChange

        if newest is None:  # the log was emptied
            return REBUILD
        if after is not None and newest - after > LOG_LIMIT:
            return REBUILD
        rows = list(
            GuideChange.objects.filter(id__gt=after or 0)
            .order_by("id")
            .values_list("service_id", flat=True)[: LOG_LIMIT + 1]
        )
        if len(rows) > LOG_LIMIT or any(pk is None for pk in rows):
            return REBUILD
        return frozenset(rows)

    def _apply(self, changed) -> None:
        """Mark every value for what ``changed`` (frozenset of ids, None,
        EVERYTHING or REBUILD)."""
        if isinstance(changed, frozenset) and not changed:
            return
        if changed is REBUILD:
            self._values, self._pending = {}, {}
            return
        current, self._values = self._values, {}
        # A value is either in use (nothing waiting) or waiting for a change.
        waiting = {name: (value, frozenset()) for name, value in current.items()}
        waiting.update(self._pending)
        self._pending = {}
        kept: dict[str, Any] = {}
        for name, (old, before) in waiting.items():
            kind = self._kinds[name]
            if changed is EVERYTHING or before is EVERYTHING:
                if kind.refresh is not None:  # else dropped
                    self._pending[name] = (old, EVERYTHING)
            elif not kind.services:
                kept[name] = old
            elif kind.update is not None or kind.refresh is not None:  # else dropped
                merged = None if changed is None or before is None else before | changed
                self._pending[name] = (old, merged)
        self._values = kept

    def clear(self) -> None:
        """Forget everything (after a rolled-back import, and between tests)."""
        with self._lock:
            self._values = {}
            self._pending = {}
            self._seen = self._full = self._log_at_full = None
            self._checked_at = self._full_checked_at = float("-inf")


snapshot = Snapshot()
