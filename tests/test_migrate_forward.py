"""Upgrading a database made before the outbox moved to the messaging app: every row
stays, with its constraints, and the model's content type moves with it."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("therapy", "0007_outbox_delivery"), ("messaging", None)]


def migrate(targets, state_at=None):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(state_at or targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_message_row_survives_the_move_with_its_constraints():
    old = migrate(BEFORE, state_at=[BEFORE[0]])
    try:
        User = old.get_model("accounts", "User")
        OldMessage = old.get_model("therapy", "Message")
        ContentType = old.get_model("contenttypes", "ContentType")
        ContentType.objects.get_or_create(app_label="therapy", model="message")
        user = User.objects.create(email="old@example.test", full_name="Old Row")
        due = timezone.now() + datetime.timedelta(hours=1)
        row = OldMessage.objects.create(
            kind="waiting", recipient=user, due_at=due, key="letter:before-the-move"
        )

        new = migrate(latest())
        Message = new.get_model("messaging", "Message")
        moved = Message.objects.get(pk=row.pk)
        assert (moved.kind, moved.key, moved.recipient_id, moved.status) == (
            "waiting",
            "letter:before-the-move",
            user.pk,
            "pending",
        )
        # The event-key constraint still refuses a second live row for the event.
        with pytest.raises(IntegrityError), transaction.atomic():
            Message.objects.create(
                kind="waiting",
                recipient_id=user.pk,
                due_at=due,
                key="letter:before-the-move",
            )
        NewContentType = new.get_model("contenttypes", "ContentType")
        assert NewContentType.objects.filter(
            app_label="messaging", model="message"
        ).exists()
        assert not NewContentType.objects.filter(
            app_label="therapy", model="message"
        ).exists()
    finally:
        migrate(latest())
