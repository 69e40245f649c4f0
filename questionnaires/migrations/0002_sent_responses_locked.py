"""On PostgreSQL, refuse any UPDATE of a response once it has been sent."""

from django.db import migrations

CREATE = """
CREATE FUNCTION questionnaire_response_locked() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a sent questionnaire response cannot be changed';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER questionnaire_response_locked
    BEFORE UPDATE ON questionnaires_response
    FOR EACH ROW WHEN (OLD.status = 'submitted')
    EXECUTE FUNCTION questionnaire_response_locked();
"""

DROP = """
DROP TRIGGER IF EXISTS questionnaire_response_locked ON questionnaires_response;
DROP FUNCTION IF EXISTS questionnaire_response_locked();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("questionnaires", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
