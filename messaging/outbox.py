"""Sending the outbox (messaging.models.Message): dispatch, claim, send.

- `dispatch(now)` runs from Celery beat about every minute. In short transactions it
  claims batches of due pending rows with SELECT ... FOR UPDATE SKIP LOCKED (so two
  dispatchers never take the same row), stamps them `enqueued_at`, and hands each to a
  worker after commit. Nothing waits in the broker for long: no ETA tasks.
- `send(pk)` (one Celery task per row, acks_late) claims its row with a conditional
  UPDATE pending -> sending. Only one task can win; a duplicate or redelivered task
  finds the row no longer pending and does nothing.
- The send then locks the row, re-checks it is still wanted (a cancelled or moved
  session's reminder is not) and composes the words. Only then does it commit the
  handover mark (`handed_over_at`), and in a second transaction it locks the row
  again, sends by each channel not yet done and records the outcome. A cancel or
  move waits for a send under way, or stops it before it starts.
- Failures go back to pending with a later `due_at` (1, 4, 9, 16 minutes...) until
  MESSAGE_MAX_ATTEMPTS, then the row is failed and shown to clinic admins, who can
  resend it. Retries live in the database, not in the broker.

Never left, or may have left. A worker that dies leaves its row "sending". Without
the handover mark, nothing was handed to a mail server or Notify: after
NEVER_LEFT_AFTER the dispatcher puts it back to pending and hands it out again in
the same run, to be sent once (the claim already counted the attempt). With the mark, it may have arrived: it
is never sent again automatically; after STUCK_AFTER the dispatcher marks it failed
with a note saying so, for an admin to check before resending. We chose this over
at-least-once because a duplicate reminder to a mental-health patient is worse than
a visible failure.

The window that remains: the mark is committed before the SMTP connection is opened
(or the Notify request made), so a worker that dies after the mark but before the
server accepted the message is shown as "may have arrived" although it did not. The
mark cannot come later: the moment a server accepts a message is inside its reply,
and no commit can sit between that and the message having left. The window holds
only the row lock, the connection and the outcome; the checks and the composing
come before it.
"""

import datetime
import logging
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from dit_portal.audit import services as audit
from dit_portal.celery import app
from dit_portal.core.errors import MessageReplaced

from . import channels
from .models import Message

log = logging.getLogger(__name__)

SEND_TASK = "messaging.tasks.send_message"  # by name: tasks.py imports this module
BATCH = 500
REQUEUE_AFTER = datetime.timedelta(minutes=5)  # handed to a broker that lost it?
NEVER_LEFT_AFTER = datetime.timedelta(minutes=2)  # a worker died before the handover
STUCK_AFTER = datetime.timedelta(minutes=15)  # a worker died mid-send
STUCK_NOTE = "Interrupted while sending: it may have arrived. Check before resending."
NEVER_LEFT_NOTE = "Interrupted before it was handed over: it did not leave."


# Dispatch -----------------------------------------------------------------------------


def enqueue(pk, handed_out):
    """Hand one row to a worker, with the time it was handed out (the row's
    `enqueued_at`): only that hand-out can claim it, so a duplicate or an older task
    does nothing. A broker that is down is logged (no personal data) and otherwise
    ignored: the row stays pending and the next dispatch retries it."""
    try:
        app.send_task(
            SEND_TASK,
            (pk, handed_out.isoformat()),
            queue=app.conf.task_default_queue,
            retry=False,
        )
    except Exception as error:  # noqa: BLE001 - any broker failure is handled the same
        log.warning(
            "Message %s not handed to a worker (%s); dispatch will retry it",
            pk,
            type(error).__name__,
        )
        # Not handed out after all: the next dispatch may hand it out at once.
        Message.objects.filter(pk=pk, enqueued_at=handed_out).update(enqueued_at=None)
        return False
    return True


def enqueue_on_commit(pk, handed_out):
    transaction.on_commit(partial(enqueue, pk, handed_out))


def claim_due(now, batch=BATCH):
    """The periodic claim query: due pending rows not handed out recently."""
    return (
        Message.objects.due(now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REQUEUE_AFTER))
        .order_by("due_at")
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:batch]
    )


def dispatch(now=None, batch=BATCH):
    """Claim every due row in batches and enqueue one send per row after commit.
    Returns how many rows were handed out. `now` is the clock for due times (tests
    move it); stuck sends are judged by the real clock, as workers stamp it."""
    now = now or timezone.now()
    sweep_stuck()
    total = 0
    while True:
        with transaction.atomic():
            ids = list(claim_due(now, batch))
            Message.objects.filter(pk__in=ids).update(enqueued_at=now)
            for pk in ids:
                enqueue_on_commit(pk, now)
        total += len(ids)
        if len(ids) < batch:
            return total


def sweep_stuck(now=None):
    """Rows left "sending" by a worker that died. Not handed over after
    NEVER_LEFT_AFTER: back to pending, due as before, so this dispatch sends it again
    (the claim counted the attempt; a row that keeps killing its worker fails after
    MESSAGE_MAX_ATTEMPTS). Handed over, after STUCK_AFTER: failed, never re-sent by
    itself. A row locked by a send in progress is skipped."""
    now = now or timezone.now()
    sending = Message.objects.filter(status=Message.Status.SENDING)
    with transaction.atomic():
        never_left = list(
            sending.filter(
                handed_over_at__isnull=True, claimed_at__lt=now - NEVER_LEFT_AFTER
            )
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        stuck = list(
            sending.filter(
                handed_over_at__isnull=False, claimed_at__lt=now - STUCK_AFTER
            )
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        rows = Message.objects.filter(pk__in=never_left)
        rows.filter(attempts__lt=settings.MESSAGE_MAX_ATTEMPTS).update(
            status=Message.Status.PENDING,
            enqueued_at=None,
            claimed_at=None,
            last_error=NEVER_LEFT_NOTE,
        )
        rows.filter(status=Message.Status.SENDING).update(
            status=Message.Status.FAILED, last_error=NEVER_LEFT_NOTE
        )
        Message.objects.filter(pk__in=stuck).update(
            status=Message.Status.FAILED, last_error=STUCK_NOTE
        )
    if never_left:
        log.warning(
            "%s message(s) interrupted before the handover: sending again",
            len(never_left),
        )
    if stuck:
        log.warning("%s message(s) interrupted while sending", len(stuck))
    return len(never_left) + len(stuck)


# Send ---------------------------------------------------------------------------------


def claim(pk, now, handed_out=None):
    """Pending -> sending, only if it is still pending, and only by the task of its
    latest hand-out (`handed_out`, the row's `enqueued_at`), or, without one, only
    once it is due: a duplicate, stale or stray task neither sends early nor skips a
    retry's wait. Returns the claim's time (the worker's token: a row swept back and
    claimed again is no longer this worker's) for exactly one caller, else None."""
    rows = Message.objects.filter(pk=pk, status=Message.Status.PENDING)
    if handed_out is not None:
        rows = rows.filter(enqueued_at=handed_out)
    else:
        rows = rows.filter(due_at__lte=now)
    claimed = timezone.now()  # the real clock, as the sweep reads it
    won = rows.update(
        status=Message.Status.SENDING,
        attempts=F("attempts") + 1,
        claimed_at=claimed,
        handed_over_at=None,
    )
    return claimed if won else None


def not_needed(message, now):
    """Why a claimed message should not go out any more, or ''."""
    session = message.session
    if message.kind == Message.Kind.REMINDER:
        if session is None or not session.is_booked:
            return "The session is no longer booked."
        if session.start <= now:
            return "The session has already started."
        overtaken = Message.objects.filter(
            session=session,
            kind=Message.Kind.REMINDER,
            lead_hours__lt=message.lead_hours or 0,
            due_at__lte=now,
            status__in=Message.LIVE_STATUSES,
        )
        if overtaken.exists():  # late (after an outage): one reminder, not two
            return "A later reminder for this session replaces it."
    if message.kind == Message.Kind.SESSION_MOVED and session is not None:
        if not session.is_booked:
            return "The session is no longer booked."
        later = Message.objects.filter(
            session=session,
            recipient_id=message.recipient_id,
            kind__in=[Message.Kind.SESSION_MOVED, Message.Kind.SESSION_CANCELLED],
            pk__gt=message.pk,
        ).exclude(status=Message.Status.CANCELLED)
        if later.exists():
            return "A later notice about this session replaces it."
    if message.to_patient and not hasattr(message.recipient, "patient"):
        return "The recipient has no patient record."
    return ""


def send(pk, now=None, handed_out=None):
    """Send one outbox row at most once. Returns what happened, for logs and tests."""
    now = now or timezone.now()
    if isinstance(handed_out, str):
        handed_out = datetime.datetime.fromisoformat(handed_out)
    claimed = claim(pk, now, handed_out)
    if claimed is None:
        log.info("Message %s is not pending: nothing to send", pk)
        return "skipped"
    return send_claimed(pk, now, claimed)


def still_ours(pk, claimed=None):
    """Rows matching `pk` only while it is "sending" under this worker's claim."""
    rows = Message.objects.filter(pk=pk, status=Message.Status.SENDING)
    return rows if claimed is None else rows.filter(claimed_at=claimed)


def send_claimed(pk, now=None, claimed=None):
    """The send proper, for a row this worker claimed (at `claimed`): check and
    compose, commit the handover mark, then send and record the outcome."""
    now = now or timezone.now()
    clinic = channels.clinic()
    with transaction.atomic():
        message = (
            still_ours(pk, claimed)
            .select_for_update(of=("self",))
            .select_related(
                "recipient__patient", "session__room", "session__course", "course"
            )
            .first()
        )
        if message is None:  # cancelled (or swept back) since we claimed it
            return "cancelled"
        reason = not_needed(message, now)
        wanted = channels.channels_for(message) if not reason else []
        if not wanted:
            message.status = Message.Status.CANCELLED
            message.last_error = reason or "No channel: the person's preferences."
            message.save(update_fields=["status", "last_error"])
            return "not needed"
        composed = channels.compose(message, clinic, now)
        # The mark commits here, before any connection to a mail server or Notify.
        message.channels = ", ".join(wanted)
        message.handed_over_at = timezone.now()
        message.save(update_fields=["channels", "handed_over_at"])
    with transaction.atomic():
        # The lock a cancel or move waits for; only the status can have changed.
        locked = still_ours(pk, claimed).select_for_update().values_list("pk")
        if not locked.first():  # cancelled between the mark and the send: never left
            return "cancelled"
        errors, permanent = [], False
        for channel in wanted:
            done_field = f"{channel}_sent_at"
            if getattr(message, done_field):
                continue
            try:
                channels.SENDERS[channel](message, composed, clinic)
            except Exception as error:  # noqa: BLE001 - any failure is recorded
                errors.append(channels.safe_error(channel, error))
                permanent = permanent or channels.is_permanent(error)
            else:
                setattr(message, done_field, timezone.now())
        outcome = record_outcome(message, errors, permanent)
        message.save()
    log.info("Message %s (%s): %s", pk, message.kind, outcome)
    return outcome


def record_outcome(message, errors, permanent=False):
    if not errors:
        message.status = Message.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        return "sent"
    message.last_error = "; ".join(errors)[:500]
    if permanent or message.attempts >= settings.MESSAGE_MAX_ATTEMPTS:
        message.status = Message.Status.FAILED
        return "failed"
    message.status = Message.Status.PENDING
    message.due_at = timezone.now() + channels.backoff(message.attempts)
    message.enqueued_at = None
    message.handed_over_at = None  # it is known how this attempt ended
    return "retry"


# Admin --------------------------------------------------------------------------------


def resend(message, *, by, ip=None):
    """A clinic admin sends a failed message again: back to pending, due now, with a
    fresh count of attempts, audited as their change. Only failed rows; True if this
    call reset it. MessageReplaced if a newer message of the kind took its place."""
    try:
        with transaction.atomic():
            now = timezone.now()
            reset = Message.objects.filter(
                pk=message.pk, status=Message.Status.FAILED
            ).update(
                status=Message.Status.PENDING,
                due_at=now,
                attempts=0,
                enqueued_at=now,
                claimed_at=None,
                handed_over_at=None,
            )
            if reset:
                audit.record_change(by, audit.Action.CHANGE, message, ip=ip)
                enqueue_on_commit(message.pk, now)
    except IntegrityError:  # a newer message of the same kind has replaced it
        raise MessageReplaced(
            "A newer message of the same kind has replaced this one, so it cannot "
            "be sent again."
        ) from None
    return bool(reset)
