"""Process-local values derived from the whole directory, rebuilt when it changes.

The guide's search needs a few things that depend on every entry: its index
(``guide_index``), the words that occur (for typo correction), the synonym
list, the languages offered and the municipalities. Reading them on every
request costs more than the search itself, so each process keeps them and
checks with one query whether the directory has changed since: every
``VERN_SNAPSHOT_SECONDS`` (1 s) the newest ``updated_at`` of services,
organisations (their names are in the search text), synonyms and
municipalities and how many synonyms and municipalities there are; every
``VERN_SNAPSHOT_FULL_SECONDS`` (30 s) also the number of services (a
deletion) and the sum of their ``updated_at`` (a change committed after a
later one). On a change the values are dropped and built again when next
asked for, except those given a ``refresh`` (the guide's index), which are
brought up to date from their previous value.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection


def _select(expression: str, table: str) -> str:
    return f"(SELECT {expression} FROM {table})"  # noqa: S608 (model table names)


class Snapshot:
    def __init__(self) -> None:
        self._key: tuple | None = None
        self._checked_at = self._full_checked_at = float("-inf")
        self._values: dict[str, Any] = {}
        self._previous: dict[str, Any] = {}  # the values before the last change
        self._refreshable: set[str] = set()
        self._lock = threading.Lock()
        self._building = threading.RLock()  # a build may ask for another value

    def _version(self, *, full: bool) -> tuple:
        """The newest changes (a few indexed reads); with ``full``, also what
        needs a pass over the services: their number (a deletion) and the sum of
        their timestamps (a change whose transaction began before, and committed
        after, a later one, which the newest timestamp misses)."""
        from vern.core.models import Municipality
        from vern.directory.models import Organization, Service, Synonym

        services, synonyms = Service._meta.db_table, Synonym._meta.db_table
        organizations, municipalities = Organization._meta.db_table, Municipality._meta.db_table
        parts = [
            _select("MAX(updated_at)", services),
            _select("MAX(updated_at)", organizations),
            _select("MAX(updated_at)", synonyms),
            _select("COUNT(*)", synonyms),
            _select("MAX(updated_at)", municipalities),
            _select("COUNT(*)", municipalities),
        ]
        if full:
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
        """Drop every value if the directory changed since they were built.

        The newest changes are looked at every ``VERN_SNAPSHOT_SECONDS``
        (1 s), the rest every ``VERN_SNAPSHOT_FULL_SECONDS`` (30 s; at 20,000
        services it took 9 ms on PostgreSQL, 2 ms on SQLite; the quick check 0.3 ms).
        """
        now = time.monotonic()
        if now - self._checked_at < settings.VERN_SNAPSHOT_SECONDS:
            return
        full = now - self._full_checked_at >= settings.VERN_SNAPSHOT_FULL_SECONDS
        found = self._version(full=full)
        if full:
            self._full_checked_at = now
            key = found
        else:
            key = found + (self._key or ())[len(found) :]
        self._checked_at = now
        if key != self._key:
            with self._lock:
                # Kept only for values that can be refreshed, until they are.
                self._previous = {
                    name: value for name, value in self._values.items() if name in self._refreshable
                }
                self._values = {}
                self._key = key

    def get(
        self, name: str, build: Callable[[], Any], refresh: Callable[[Any], Any] | None = None
    ) -> Any:
        """The value called ``name``, built now if this snapshot lacks it; with
        ``refresh``, the value from before the last change is brought up to
        date instead, when there is one.

        One thread builds while others wait for it (the guide's index takes
        about a second at 20,000 services). The value goes into the dict it
        was missing from: if a check dropped that dict meanwhile, a value
        built from older rows is dropped with it.
        """
        values = self._values
        if name in values:
            return values[name]
        with self._building:
            if name not in values:
                previous = None
                if refresh is not None:
                    self._refreshable.add(name)
                    previous = self._previous.pop(name, None)
                values[name] = build() if previous is None else refresh(previous)
            return values[name]

    def clear(self) -> None:
        """Forget everything (after a rolled-back import, and between tests)."""
        with self._lock:
            self._values = {}
            self._previous = {}
            self._key = None
            self._checked_at = self._full_checked_at = float("-inf")


snapshot = Snapshot()
