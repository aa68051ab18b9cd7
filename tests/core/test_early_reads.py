"""A read sent to PostgreSQL early and collected later (``core.early_reads``): it
gives its rows, and the connection stays usable whatever happens in between."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext

from vern.core import early_reads
from vern.core.early_reads import EarlyRead
from vern.core.models import Municipality


@pytest.fixture(autouse=True)
def postgresql_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: reads are sent early only there (SQLite runs in-process)")
    _one()  # the test's transaction begins on the server with its first query


def _one() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0]


def test_its_rows_come_back_as_text_with_none_for_null():
    sent = EarlyRead("SELECT $1::text, NULL, 42 UNION ALL SELECT 'æøå ✓', 'b', 7", ["første"])

    assert sent.rows() == [("første", None, "42"), ("æøå ✓", "b", "7")]
    assert _one() == 1


def test_a_query_while_it_is_out_waits_for_its_answer_first():
    count = Municipality.objects.count()
    sent = EarlyRead("SELECT count(*) FROM core_municipality WHERE number <> $1", ["0000"])

    # Through Django, as a template or a kept value would ask: no "another command
    # is already in progress".
    assert Municipality.objects.count() == count
    assert sent.rows() == [(str(count),)]
    assert _one() == 1


def test_a_failed_query_raises_and_leaves_the_connection_usable():
    sent = EarlyRead("SELECT 1 / $1::int", ["0"])

    with pytest.raises(DatabaseError, match="division by zero"):
        sent.rows()
    sent.close()
    # Outside a test's transaction the connection is simply idle; inside one, the
    # failure spoils the transaction as any failed query does.
    with pytest.raises(DatabaseError):
        _one()


def test_an_answer_never_read_is_collected_on_close():
    sent = EarlyRead("SELECT pg_sleep(0.05), $1", ["x"])
    sent.close()

    assert _one() == 1
    assert sent.rows() == [("", "x")]


def test_it_is_counted_where_django_counts_queries():
    with CaptureQueriesContext(connection) as captured:
        EarlyRead("SELECT $1", ["x"]).rows()

    assert [query["sql"] for query in captured] == ["SELECT $1"]


def test_not_in_a_transaction_the_server_has_not_begun_yet(transactional_db):
    assert early_reads.available()  # autocommit
    with transaction.atomic():
        # psycopg sends BEGIN with the first query it runs: one sent early would run
        # outside the transaction.
        assert not early_reads.available()
        with pytest.raises(RuntimeError):
            EarlyRead("SELECT 1", [])
        _one()
        assert early_reads.available()
        assert EarlyRead("SELECT $1", ["x"]).rows() == [("x",)]


def test_a_connection_lost_while_it_is_out_is_a_django_error_and_is_closed_after(
    transactional_db,
):
    import psycopg

    _one()
    pid = connection.connection.info.backend_pid
    sent = EarlyRead("SELECT pg_sleep(2), $1", ["x"])
    with psycopg.connect(connection.connection.info.dsn, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])

    with pytest.raises(OperationalError):
        sent.rows()
    sent.close()  # quiet: the caller's own error is the one to see
    assert connection.errors_occurred  # so Django closes it at the end of the request
    connection.close_if_unusable_or_obsolete()
    assert _one() == 1  # a new connection
