"""Sending the outbox (messaging.models.Message): dispatch, claim, send.

- `dispatch(now)` runs from Celery beat about every minute. In short transactions it
  claims batches of due pending rows with SELECT ... FOR UPDATE SKIP LOCKED (so two
  dispatchers never take the same row), stamps them `enqueued_at`, and after commit
  hands them to workers, one task per MESSAGE_SEND_BATCH rows. Nothing waits in the
  broker for long: no ETA tasks. A message due at once (queueing.queue_message) or
  resent by an admin goes as a task of its own.
- `send_batch(pks)` (the task, acks_late) claims its rows with one conditional
  UPDATE pending -> sending. Only one task can win a row; a duplicate or redelivered
  task finds its rows no longer pending and does nothing.
- The send (messaging/sending.py) reads the batch with one joined select, re-checks
  each row is still wanted (a cancelled or moved session's reminder is not) and
  composes its words. Only then does it commit the row's handover mark
  (`handed_over_at`), and in the next transaction it locks the row again, sends by
  each channel not yet done and records the outcome, over one mail connection for
  the batch. A cancel or move waits for a send under way, or stops it before it
  starts.
- Failures go back to pending with a later `due_at` (1, 4, 9, 16 minutes...) until
  MESSAGE_MAX_ATTEMPTS, then the row is failed and shown to clinic admins, who can
  resend it. Retries live in the database, not in the broker.

Never left, or may have left. A worker that dies leaves the rows it claimed
"sending"; at most one of them has the mark and no outcome (messaging/sending.py
commits once a message). Without the handover mark, nothing was handed to a mail
server or Notify: after NEVER_LEFT_AFTER the dispatcher puts it back to pending and
hands it out again in the same run, to be sent once (the claim already counted the
attempt). With the mark, it may have arrived: it is never sent again automatically;
after STUCK_AFTER the dispatcher marks it failed with a note saying so, for an admin
to check before resending. We chose this over at-least-once because a duplicate
reminder to a mental-health patient is worse than a visible failure.

The window that remains: the mark is committed before the message is given to the
mail server (or the Notify request made), so a worker that dies after the mark but
before the server accepted the message is shown as "may have arrived" although it did
not. The mark cannot come later: the moment a server accepts a message is inside its
reply, and no commit can sit between that and the message having left. The window
holds only the row lock, the connection and the outcome; the checks and the composing
come before it.
"""

import datetime
import logging
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from dit_portal.audit import services as audit
from dit_portal.celery import app
from dit_portal.core.errors import MessageReplaced

from . import sending
from .models import Message

log = logging.getLogger(__name__)

# By name: tasks.py imports this module.
SEND_TASK = "messaging.tasks.send_message"
SEND_BATCH_TASK = "messaging.tasks.send_messages"
BATCH = 500  # rows claimed per dispatch transaction
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
    return _hand_out(SEND_TASK, pk, [pk], handed_out)


def enqueue_batch(pks, handed_out):
    """Hand a batch of rows to one worker task (sent over one mail connection)."""
    return _hand_out(SEND_BATCH_TASK, list(pks), pks, handed_out)


def _hand_out(task, argument, pks, handed_out):
    try:
        app.send_task(
            task,
            (argument, handed_out.isoformat()),
            queue=app.conf.task_default_queue,
            retry=False,
        )
    except Exception as error:  # noqa: BLE001 - any broker failure is handled the same
        log.warning(
            "Message(s) %s not handed to a worker (%s); dispatch will retry them",
            ", ".join(map(str, pks)),
            type(error).__name__,
        )
        # Not handed out after all: the next dispatch may hand them out at once.
        Message.objects.filter(pk__in=pks, enqueued_at=handed_out).update(
            enqueued_at=None
        )
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
    """Claim every due row in batches and enqueue, after commit, one send task per
    MESSAGE_SEND_BATCH rows. Returns how many rows were handed out. `now` is the
    clock for due times (tests move it); stuck sends are judged by the real clock, as
    workers stamp it."""
    now = now or timezone.now()
    sweep_stuck()
    total = 0
    size = settings.MESSAGE_SEND_BATCH
    while True:
        with transaction.atomic():
            ids = list(claim_due(now, batch))
            Message.objects.filter(pk__in=ids).update(enqueued_at=now)
            for start in range(0, len(ids), size):
                chunk = ids[start : start + size]
                transaction.on_commit(partial(enqueue_batch, chunk, now))
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
    """One row's claim (sending.claim): the claim's time for exactly one caller."""
    return sending.claim([pk], now, handed_out)


def send_batch(pks, now=None, handed_out=None):
    """Send the rows of one hand-out, each at most once (messaging/sending.py).
    Returns each row's outcome by id; "skipped" for a row this call did not claim
    (sent already, handed out again since, or not due)."""
    now = now or timezone.now()
    if isinstance(handed_out, str):
        handed_out = datetime.datetime.fromisoformat(handed_out)
    claimed = sending.claim(pks, now, handed_out)
    if claimed is None:
        log.info("Messages %s are not pending: nothing to send", list(pks))
        return dict.fromkeys(pks, "skipped")
    mine = set(sending.still_ours(pks, claimed).values_list("pk", flat=True))
    outcomes = {pk: "skipped" for pk in pks if pk not in mine}
    outcomes.update(sending.send_claimed(sorted(mine), now, claimed))
    return outcomes


def send(pk, now=None, handed_out=None):
    """Send one outbox row at most once. Returns what happened, for logs and tests."""
    return send_batch([pk], now, handed_out)[pk]


def send_claimed(pk, now=None, claimed=None):
    """The send proper of one row this worker claimed (at `claimed`)."""
    return sending.send_claimed([pk], now, claimed)[pk]


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
