"""Putting messages in the outbox, in the caller's transaction.

Services of the other apps call these when something happens (a booking, a move, a
shared letter); the outbox sends the rows later. Nothing here sends anything."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import outbox
from .models import Message


def queue_message(
    kind,
    recipient,
    *,
    course=None,
    session=None,
    due_at=None,
    lead=None,
    key="",
    moved_from=None,
):
    """Write one outbox row in the caller's transaction; messaging/outbox.py sends it.

    The database keeps messages unique (see Message.Meta.constraints): queueing one
    that already exists returns the existing row instead of a second one. A message
    due now is also handed to a worker once the transaction commits (if the broker is
    down, the periodic dispatch sends it later)."""
    now = timezone.now()
    due_at = due_at or now
    if moved_from is not None:
        moved_from = _last_told(session, recipient, moved_from)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                kind=kind,
                recipient=recipient,
                course=course,
                session=session,
                due_at=due_at,
                lead_hours=lead,
                key=key,
                moved_from=moved_from,
                # Handed to a worker on commit below: the periodic dispatch leaves
                # it alone unless that hand-over is lost.
                enqueued_at=now if due_at <= now else None,
            )
    except IntegrityError:
        existing = (
            Message.objects.filter(
                kind=kind, recipient=recipient, status__in=Message.LIVE_STATUSES
            )
            .filter(course=course, session=session, key=key, lead_hours=lead)
            .first()
        )
        if existing is None:
            raise
        return existing
    if due_at <= now:
        outbox.enqueue_on_commit(message.pk, now)
    return message


def _last_told(session, recipient, moved_from):
    """The time the person last heard of: a move notice not yet sent is replaced by
    the next one (outbox.unwanted_reason), which must then name the time before it."""
    earlier = (
        Message.objects.filter(
            session=session,
            recipient=recipient,
            kind=Message.Kind.SESSION_MOVED,
            status=Message.Status.PENDING,
            moved_from__isnull=False,
        )
        .order_by("pk")
        .values_list("moved_from", flat=True)
        .first()
    )
    return earlier or moved_from


def queue_reminders(session, clinic):
    """One reminder per lead time that is still in the future."""
    now = timezone.now()
    for lead in clinic.reminder_leads:
        due = session.start - datetime.timedelta(hours=lead)
        if due > now:
            queue_message(
                Message.Kind.REMINDER,
                session.patient.user,
                course=session.course,
                session=session,
                due_at=due,
                lead=lead,
            )


def drop_reminders(session):
    """The session moved or will not happen: its reminders not yet sent never will.

    Rows a worker is sending are cancelled too; the worker checks the status under a
    row lock just before sending (messaging/outbox.py), so a cancel either waits for a
    send already under way or stops it."""
    Message.objects.outstanding().filter(
        session=session, kind=Message.Kind.REMINDER
    ).update(status=Message.Status.CANCELLED, last_error="")


def retime_waiting(session):
    """A "something is waiting" message timed to a session (a goodbye letter shared
    at it) follows the session: due at its new start when it moves, due now when it
    will not happen (the letter is then readable at once)."""
    now = timezone.now()
    due = session.start if session.is_booked else now
    Message.objects.pending().filter(session=session, kind=Message.Kind.WAITING).update(
        due_at=max(due, now), enqueued_at=None
    )
