"""Process-local values derived from the whole directory, rebuilt when it changes.

The guide's search needs a few things that depend on every entry: its index
(``guide_index``), the words that occur (for typo correction), the synonym
list, the languages offered and the municipalities. Reading them on every request costs more than
the search itself, so each process keeps them and checks with one query
whether the directory has changed since (the newest ``updated_at`` of
services, organisations (their names are in the search text), synonyms and
municipalities, how many there are of each but organisations, so that a
deletion counts too, and the sum of the services' ``updated_at``, so that a
change committed after a later one counts as well). The check runs at
most once per ``VERN_SNAPSHOT_SECONDS`` (1 s) per process, so a change reaches
the search within about a second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection


class Snapshot:
    def __init__(self) -> None:
        self._key: tuple | None = None
        self._checked_at = float("-inf")
        self._values: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._building = threading.RLock()  # a build may ask for another value

    def _version(self) -> tuple:
        from vern.core.models import Municipality
        from vern.directory.models import Organization, Service, Synonym

        services, synonyms = Service._meta.db_table, Synonym._meta.db_table
        organizations, municipalities = Organization._meta.db_table, Municipality._meta.db_table
        # MAX(updated_at) misses a change whose transaction began before, and
        # committed after, a later one; the sum of every timestamp does not.
        if connection.vendor == "postgresql":
            stamps = f"(SELECT SUM(EXTRACT(EPOCH FROM updated_at)) FROM {services})"  # noqa: S608
        else:  # whole milliseconds since 2023, so that the sum stays an integer
            stamps = (
                f"(SELECT SUM(CAST((julianday(updated_at) - 2460000.5) * 86400000 AS INTEGER)) "  # noqa: S608
                f"FROM {services})"
            )
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT (SELECT MAX(updated_at) FROM {services}), {stamps}, "  # noqa: S608 (table names)
                f"(SELECT MAX(updated_at) FROM {organizations}), "
                f"(SELECT MAX(updated_at) FROM {synonyms}), (SELECT COUNT(*) FROM {synonyms}), "
                f"(SELECT COUNT(*) FROM {services}), "
                f"(SELECT MAX(updated_at) FROM {municipalities}), "
                f"(SELECT COUNT(*) FROM {municipalities})"
            )
            return tuple(cursor.fetchone())

    def check(self) -> None:
        """Drop every value if the directory changed since they were built."""
        now = time.monotonic()
        if now - self._checked_at < settings.VERN_SNAPSHOT_SECONDS:
            return
        key = self._version()
        self._checked_at = now
        if key != self._key:
            with self._lock:
                self._values = {}
                self._key = key

    def get(self, name: str, build: Callable[[], Any]) -> Any:
        """The value called ``name``, built now if this snapshot lacks it.

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
                values[name] = build()
            return values[name]

    def clear(self) -> None:
        """Forget everything (after a rolled-back import, and between tests)."""
        with self._lock:
            self._values = {}
            self._key = None
            self._checked_at = float("-inf")


snapshot = Snapshot()
