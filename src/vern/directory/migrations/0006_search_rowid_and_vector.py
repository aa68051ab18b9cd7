"""Faster search on both databases.

SQLite: the FTS5 table gets a fixed rowid per service (derived from its UUID,
see ``search.fts_rowid``), so that updating one entry deletes by rowid instead
of scanning the whole table, and a search can look up only the candidate
services of one municipality.

PostgreSQL: the ``norwegian`` tsvector is stored in a generated column with
its GIN index, so ranking reads it instead of re-parsing every document.
"""

from django.db import migrations

PG_FORWARDS = [
    "ALTER TABLE directory_service ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('norwegian'::regconfig, search_document)) STORED",
    "CREATE INDEX directory_service_search_vector ON directory_service USING gin (search_vector)",
    "DROP INDEX IF EXISTS directory_service_search",
]
PG_BACKWARDS = [
    "CREATE INDEX IF NOT EXISTS directory_service_search ON directory_service "
    "USING gin (to_tsvector('norwegian'::regconfig, search_document))",
    "DROP INDEX IF EXISTS directory_service_search_vector",
    "ALTER TABLE directory_service DROP COLUMN IF EXISTS search_vector",
]
SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE {name} USING fts5("
    "service_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 0')"
)


def _rowid(hex_id: str) -> int:
    # As search.fts_rowid: the UUID's top 63 bits, a positive SQLite integer.
    return int(hex_id, 16) >> 65


def _rebuild_fts(schema_editor, *, with_rowid: bool) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT service_id, body FROM directory_service_fts")
        rows = cursor.fetchall()
        cursor.execute(SQLITE_CREATE.format(name="directory_service_fts_new"))
        if with_rowid:
            cursor.executemany(
                "INSERT INTO directory_service_fts_new (rowid, service_id, body) VALUES (%s, %s, %s)",
                [(_rowid(service_id), service_id, body) for service_id, body in rows],
            )
        else:
            cursor.executemany(
                "INSERT INTO directory_service_fts_new (service_id, body) VALUES (%s, %s)", rows
            )
        cursor.execute("DROP TABLE directory_service_fts")
        cursor.execute("ALTER TABLE directory_service_fts_new RENAME TO directory_service_fts")


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in PG_FORWARDS:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        _rebuild_fts(schema_editor, with_rowid=True)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in PG_BACKWARDS:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        _rebuild_fts(schema_editor, with_rowid=False)


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_synonyms")]
    operations = [migrations.RunPython(forwards, backwards)]
