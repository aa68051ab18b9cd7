"""The full-text index: a GIN index with the norwegian configuration on
PostgreSQL, an FTS5 table of stemmed words on SQLite (see directory/search.py)."""

from django.db import migrations

PG_CREATE = (
    "CREATE INDEX directory_service_search ON directory_service "
    "USING gin (to_tsvector('norwegian'::regconfig, search_document))"
)
PG_DROP = "DROP INDEX IF EXISTS directory_service_search"
SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS directory_service_fts USING fts5("
    "service_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 0')"
)
SQLITE_DROP = "DROP TABLE IF EXISTS directory_service_fts"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_CREATE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
