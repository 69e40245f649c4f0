"""Clinical notes and addenda. On PostgreSQL, triggers refuse any change to a signed
note (or its deletion) and any change to an addendum, even from a raw query."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


CREATE = """
CREATE FUNCTION clinical_note_signed_is_locked() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'a signed clinical note cannot be changed';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER clinical_note_signed_is_locked
    BEFORE UPDATE OR DELETE ON therapy_clinicalnote
    FOR EACH ROW EXECUTE FUNCTION clinical_note_signed_is_locked();
CREATE FUNCTION clinical_note_addendum_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'clinical note addenda are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER clinical_note_addendum_append_only
    BEFORE UPDATE OR DELETE ON therapy_clinicalnoteaddendum
    FOR EACH ROW EXECUTE FUNCTION clinical_note_addendum_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS clinical_note_addendum_append_only ON therapy_clinicalnoteaddendum;
DROP FUNCTION IF EXISTS clinical_note_addendum_append_only();
DROP TRIGGER IF EXISTS clinical_note_signed_is_locked ON therapy_clinicalnote;
DROP FUNCTION IF EXISTS clinical_note_signed_is_locked();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("therapy", "0004_message_kinds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ClinicalNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "public_id",
                    models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
                ),
                (
                    "relationships",
                    models.TextField(blank=True, verbose_name="relationships explored"),
                ),
                (
                    "patterns",
                    models.TextField(blank=True, verbose_name="patterns emerging"),
                ),
                ("risk", models.TextField(blank=True, verbose_name="risk")),
                ("other", models.TextField(blank=True, verbose_name="other notes")),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("signed", "Signed")],
                        default="draft",
                        max_length=10,
                    ),
                ),
                ("signed_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "session",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="note",
                        to="therapy.session",
                    ),
                ),
                (
                    "signed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="ClinicalNoteAddendum",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("text", models.TextField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "note",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="addenda",
                        to="therapy.clinicalnote",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "clinical note addenda",
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.AddConstraint(
            model_name="clinicalnote",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("signed_at__isnull", True),
                        ("signed_by__isnull", True),
                        ("status", "draft"),
                    ),
                    models.Q(
                        ("signed_at__isnull", False),
                        ("signed_by__isnull", False),
                        ("status", "signed"),
                    ),
                    _connector="OR",
                ),
                name="clinical_note_signed_has_signer_and_time",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
