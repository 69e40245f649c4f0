"""Celery tasks for the outbox; the work itself is in messaging/outbox.py."""

from celery import shared_task

from . import outbox


@shared_task(acks_late=True, ignore_result=True)
def dispatch_messages():
    """Beat, about every minute: hand due messages to workers."""
    return outbox.dispatch()


@shared_task(acks_late=True, ignore_result=True)
def send_message(message_id, handed_out=None):
    """Send one outbox row. Safe to deliver twice: the row is claimed before sending
    (by this hand-out only), and retries are the outbox's (a later due time), not the
    broker's."""
    return outbox.send(message_id, handed_out=handed_out)


@shared_task(acks_late=True, ignore_result=True)
def send_messages(message_ids, handed_out=None):
    """Send a batch of outbox rows handed out together (by dispatch): claimed in one
    update, sent over one mail connection, each still at most once
    (messaging/sending.py). A redelivered copy claims nothing."""
    outcomes = outbox.send_batch(message_ids, handed_out=handed_out)
    return len(outcomes)


# The names these tasks had in the therapy app. Tasks queued before an upgrade still
# carry them, so they stay registered for one release and do the same work.
@shared_task(name="therapy.tasks.dispatch_messages", acks_late=True, ignore_result=True)
def dispatch_messages_old_name():
    return outbox.dispatch()


@shared_task(name="therapy.tasks.send_message", acks_late=True, ignore_result=True)
def send_message_old_name(message_id, handed_out=None):
    return outbox.send(message_id, handed_out=handed_out)
