"""The database cache's table (settings.CACHES): sign-in rate limits and the TOTP
replay guard live there, so they work whenever the database does. createcachetable
makes only the tables of the database caches configured, and only once, so this is
a no-op in embedded mode (file cache) and when the table exists."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command(
        "createcachetable", database=schema_editor.connection.alias, verbosity=0
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
