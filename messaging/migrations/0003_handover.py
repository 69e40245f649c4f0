"""The handover mark (Message.handed_over_at). The table keeps its name."""

from django.db import migrations, models


def mark_rows_already_sending(apps, schema_editor):
    """Rows "sending" when this runs were claimed by the old code, which had no mark:
    they may have left, so they keep the old rule (failed after 15 minutes, never
    re-sent by themselves) rather than being taken for never-left."""
    Message = apps.get_model("messaging", "Message")
    Message.objects.filter(status="sending").update(
        handed_over_at=models.F("claimed_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0002_staff_message_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="handed_over_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(mark_rows_already_sending, migrations.RunPython.noop),
    ]
