"""The clinic always keeps one active clinic admin, or nobody could run it from the
portal. The staff service refuses to deactivate (or change the role of) the last
one, locking the admins' rows so two admins cannot remove each other at once; this
trigger refuses it at the database too, whoever writes: an UPDATE or DELETE that
leaves no active clinic admin, where there was one, fails at commit. Deferred, so a
transaction may swap one admin for another; and a backstop for one writer at a
time (two concurrent transactions each see the other's admin still active, which is
why the service locks).

SQLite (the embedded demo): the service's check only."""

from django.db import migrations

PG_CREATE = """
CREATE FUNCTION user_keeps_an_admin() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM accounts_user WHERE role = 'clinic_admin' AND is_active
    ) THEN
        RAISE EXCEPTION 'the last active clinic admin cannot be removed'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER user_keeps_an_admin
    AFTER UPDATE OF role, is_active OR DELETE ON accounts_user
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    WHEN (OLD.role = 'clinic_admin' AND OLD.is_active)
    EXECUTE FUNCTION user_keeps_an_admin();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS user_keeps_an_admin ON accounts_user;
DROP FUNCTION IF EXISTS user_keeps_an_admin();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DROP)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_search_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
