# The outbox moved to the messaging app. Its table, constraints and indexes stay as
# they are (messaging.Message keeps db_table "therapy_message"): this migration only
# drops the model from the therapy app's state, after messaging/0001 took it on.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("therapy", "0007_outbox_delivery"),
        ("messaging", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Message")],
            database_operations=[],
        ),
    ]
