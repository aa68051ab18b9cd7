"""A read sent to PostgreSQL now and collected later, so that a page can be rendered
while the database answers.

The public results page asks the database one thing per search (its stored cards,
checked against the entries' status). Asked and waited for, that question cost
about as much as rendering the page around it (0.6–0.9 ms on our 2-core machine,
most of it the round trip and waking the database's process). Sent before the
rendering and collected after, it costs about 0.15 ms (bench/README.md).

Only libpq's documented calls are used (``psycopg.pq``): the query goes out with
``PQsendQueryParams``; ``rows()`` reads the answer. Until then the connection is
busy, so any other query through Django first collects this one (an execute
wrapper), and ``close()`` collects it if nobody did. Text in, text out: the
caller's SQL uses ``$1``-style parameters, passes strings and gets rows of
``str`` (or None for NULL).
"""

from __future__ import annotations

import contextlib
import select
import time

from django.db import DatabaseError, OperationalError, connection
from psycopg import pq

_TUPLES_OK = 2  # libpq's PGRES_TUPLES_OK


def _wait(socket: int, *, write: bool = False) -> None:
    """Until the socket can be written to or read from (poll: no limit on the fd)."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(socket, select.POLLOUT if write else select.POLLIN)
        poller.poll()
    else:  # Windows
        select.select([] if write else [socket], [socket] if write else [], [])


def available() -> bool:
    """Whether a read can be sent early on the default connection now: on
    PostgreSQL, unless a transaction is open in Django but not yet begun on
    the server (psycopg begins it with the first query it sends itself; one
    sent past it would run outside the transaction)."""
    if connection.vendor != "postgresql":
        return False
    connection.ensure_connection()
    if connection.get_autocommit():
        return True
    return connection.connection.pgconn.transaction_status != pq.TransactionStatus.IDLE


class EarlyRead:
    """One query on the default connection, sent at once and read by ``rows()``."""

    def __init__(self, sql: str, params: list[str]) -> None:
        if not available():
            raise RuntimeError("an early read needs PostgreSQL and a begun transaction, if any")
        self._sql = sql
        self._pgconn = connection.connection.pgconn
        self._rows: list[tuple] = []
        self._error: str | None = None
        self._collected = False
        self._started = time.perf_counter()
        # As Django's own queries: a lost connection is a Django error, and marks the
        # connection for closing at the end of the request.
        with connection.wrap_database_errors:
            self._pgconn.send_query_params(
                sql.encode(), [p.encode() for p in params], result_format=0
            )
            while self._pgconn.flush():  # the connection is non-blocking: send it all
                _wait(self._pgconn.socket, write=True)
        connection.execute_wrappers.append(self._before_other_queries)

    def _before_other_queries(self, execute, sql, params, many, context):
        self._collect()
        return execute(sql, params, many, context)

    def _collect(self) -> None:
        if self._collected:
            return
        self._collected = True  # once, even if reading fails: a lost connection stays lost
        with contextlib.suppress(ValueError):  # popped by an execute_wrapper block that ended
            connection.execute_wrappers.remove(self._before_other_queries)
        pgconn, rows = self._pgconn, self._rows
        try:
            with connection.wrap_database_errors:
                while True:
                    pgconn.consume_input()
                    if not pgconn.is_busy():
                        break
                    _wait(pgconn.socket)
                # Every result is read, so that the connection is free again after an error too.
                while (result := pgconn.get_result()) is not None:
                    if result.status != _TUPLES_OK:
                        self._error = (result.error_message or b"").decode(errors="replace")
                        continue
                    width = result.nfields
                    for row in range(result.ntuples):
                        rows.append(
                            tuple(
                                None if (v := result.get_value(row, col)) is None else v.decode()
                                for col in range(width)
                            )
                        )
        except DatabaseError as error:
            self._error = str(error)
            raise
        if connection.queries_logged:  # as Django logs its own (DEBUG, tests counting queries)
            elapsed = time.perf_counter() - self._started
            connection.queries_log.append({"sql": self._sql, "time": f"{elapsed:.3f}"})

    def rows(self) -> list[tuple]:
        """The answer's rows; raises ``DatabaseError`` if the query failed."""
        self._collect()
        if self._error is not None:
            if self._pgconn.status != pq.ConnStatus.OK:  # libpq tells a lost server so
                connection.errors_occurred = True  # closed at the end of the request
                raise OperationalError(self._error)
            raise DatabaseError(self._error)
        return self._rows

    def close(self) -> None:
        """Collect the answer if it was not read (an error on the way): the
        connection must be free for the next query. Quiet about a connection lost
        meanwhile (it is closed at the end of the request), so as not to hide the
        error that brought the caller here."""
        with contextlib.suppress(DatabaseError):
            self._collect()
