"""Create (or bring up to date) the PostgreSQL role the web and worker processes use.

Run it as the role that owns the tables (the one that runs `migrate`), after each
release's migrations:

    python manage.py create_app_role portal_app

The role may read and write the portal's tables, but on the audit trail only INSERT
and SELECT, and it owns nothing: it cannot UPDATE, DELETE or TRUNCATE audit events,
nor disable their triggers. Give the web and worker processes a DATABASE_URL with this
role; keep the owner's for `migrate` only. The password is read from the environment
variable named by --password-env (default APP_ROLE_PASSWORD); without one the role can
only sign in where pg_hba.conf trusts it.
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

AUDIT_TABLE = "audit_auditevent"


class Command(BaseCommand):
    help = "Create the restricted database role for the web and worker processes."

    def add_arguments(self, parser):
        parser.add_argument("role", help="name of the role, e.g. portal_app")
        parser.add_argument(
            "--password-env",
            default="APP_ROLE_PASSWORD",
            help="environment variable holding the role's password",
        )

    def handle(self, *args, role, password_env, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are a PostgreSQL feature.")
        password = os.environ.get(password_env, "")
        name = sql.Identifier(role)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE ROLE {} LOGIN").format(name))
            if password:
                cursor.execute(
                    sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                        name, sql.Literal(password)
                    )
                )
            for statement in grants(connection.settings_dict["NAME"]):
                cursor.execute(sql.SQL(statement).format(role=name))
        self.stdout.write(
            f"Role {role} may use the portal's tables; audit: insert, read."
        )


def grants(database):
    db = sql.Identifier(database).as_string(connection.connection)
    return [
        f"GRANT CONNECT ON DATABASE {db} TO {{role}}",
        "GRANT USAGE ON SCHEMA public TO {role}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE ALL ON {AUDIT_TABLE} FROM {{role}}",
        f"GRANT SELECT, INSERT ON {AUDIT_TABLE} TO {{role}}",
        # Migrations are not the app's job.
        "REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {role}",
    ]
