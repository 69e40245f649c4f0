"""Patient search (patients/search.py) finds people by part of their name or email
address, in any case: `UPPER(col) LIKE UPPER('%term%')`, which no B-tree index can
serve. On PostgreSQL, pg_trgm's GIN indexes on the same expressions can, so a search
of 10,000 patients reads a few index pages instead of every row (bench/search.py).

SQLite (the embedded demo, a few patients) has neither and needs none."""

from django.db import migrations

PG_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm;",
    "CREATE INDEX IF NOT EXISTS user_name_trgm ON accounts_user "
    "USING gin (UPPER(full_name) gin_trgm_ops);",
    "CREATE INDEX IF NOT EXISTS user_email_trgm ON accounts_user "
    "USING gin (UPPER(email) gin_trgm_ops);",
]
PG_DROP = [
    "DROP INDEX IF EXISTS user_name_trgm;",
    "DROP INDEX IF EXISTS user_email_trgm;",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_email_change")]

    operations = [migrations.RunPython(forwards, backwards)]
