"""On PostgreSQL, make double booking impossible at the database: no two live sessions
of one therapist, one room or one patient may overlap in time (btree_gist exclusion
constraints). The booking service also locks rows, which is what keeps the embedded
SQLite mode safe."""

from django.db import migrations

LIVE = "('booked', 'attended', 'late_seen', 'late_not_seen', 'dna')"

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""ALTER TABLE therapy_session ADD CONSTRAINT session_therapist_no_overlap
        EXCLUDE USING gist (therapist_id WITH =, tstzrange(start, "end") WITH &&)
        WHERE (status IN {LIVE})""",
    f"""ALTER TABLE therapy_session ADD CONSTRAINT session_room_no_overlap
        EXCLUDE USING gist (room_id WITH =, tstzrange(start, "end") WITH &&)
        WHERE (status IN {LIVE} AND room_id IS NOT NULL)""",
    f"""ALTER TABLE therapy_session ADD CONSTRAINT session_patient_no_overlap
        EXCLUDE USING gist (patient_id WITH =, tstzrange(start, "end") WITH &&)
        WHERE (status IN {LIVE})""",
]

DROP = [
    "ALTER TABLE therapy_session DROP CONSTRAINT IF EXISTS session_therapist_no_overlap",
    "ALTER TABLE therapy_session DROP CONSTRAINT IF EXISTS session_room_no_overlap",
    "ALTER TABLE therapy_session DROP CONSTRAINT IF EXISTS session_patient_no_overlap",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("therapy", "0002_room_clinic_booking_window_days_and_more")]
    operations = [migrations.RunPython(forwards, backwards)]
