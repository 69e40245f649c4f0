"""Sending a batch of claimed outbox rows (messaging/outbox.py claims them).

A batch is read with one joined select (recipient, patient, session, room,
course), checked with one query for the reminders a shorter-lead one overtakes, and
sent over one mail connection and one Notify client (channels.Transport), with the
clinic loaded once. What a batch cannot share is the handover mark: each message
commits its own before it goes (see outbox.py, "Never left, or may have left").

One commit a message. The transaction that sends message i locks its row (a cancel
or move waits for a send under way, or stops it before it starts), records how it
went, then composes message i+1 and carries its handover mark:

    mark 1 | lock 1, send 1, record 1, mark 2 | lock 2, send 2, record 2, mark 3 | ...

(Statements holds these three statements' SQL, built once a batch.)

A worker killed anywhere leaves at most one row marked and not recorded (it may
have arrived: never sent again by itself); the batch's other rows are recorded, or
not marked (they provably never left: the sweep hands them out again). Recording the
outcomes in one bulk update at the end would leave every message sent before a kill
marked and unrecorded, each a "may have arrived" for an admin to check, so the bulk
updates are kept to what cannot have left: the claim and the rows not needed.
"""

import logging
from collections import defaultdict

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from . import channels
from .models import Message

log = logging.getLogger(__name__)

NO_CHANNEL = "No channel: the person's preferences."
# What the send transaction writes: the outcome and each channel's time.
OUTCOME_FIELDS = [
    "status",
    "sent_at",
    "last_error",
    "due_at",
    "enqueued_at",
    "handed_over_at",
    "email_sent_at",
    "sms_sent_at",
]


class Statements:
    """The three statements every message runs (mark, lock, outcome) as SQL built
    once a batch: building them with the ORM took about 1.5 ms of CPU a message, a
    quarter of all a message took. Each applies only while the row is "sending"
    under this worker's claim (any claim if `claimed` is None). Values go through
    the fields' own conversion, as the ORM's would (SQLite stores times as text)."""

    # S608: the names come from the model's _meta, the values are parameters.
    def __init__(self, claimed):
        table = Message._meta.db_table
        ours = "id = %s AND status = %s" + (" AND claimed_at = %s" if claimed else "")
        self.claim_params = [Message.Status.SENDING.value]
        if claimed:
            self.claim_params.append(self.prep("claimed_at", claimed))
        column = {f: Message._meta.get_field(f).column for f in OUTCOME_FIELDS}
        assignments = ", ".join(f"{column[field]} = %s" for field in OUTCOME_FIELDS)
        marks = "channels = %s, handed_over_at = %s"
        self.mark_sql = f"UPDATE {table} SET {marks} WHERE {ours}"  # noqa: S608
        self.lock_sql = f"SELECT 1 FROM {table} WHERE {ours}"  # noqa: S608
        if connection.features.has_select_for_update:  # not on SQLite (embedded)
            self.lock_sql += " FOR UPDATE"
        sql = f"UPDATE {table} SET {assignments} WHERE {ours}"  # noqa: S608
        self.outcome_sql = sql

    @staticmethod
    def prep(field, value):
        return Message._meta.get_field(field).get_db_prep_value(value, connection)

    def _run(self, sql, message, values=()):
        """How many rows an UPDATE touched."""
        with connection.cursor() as cursor:
            cursor.execute(sql, [*values, message.pk, *self.claim_params])
            return cursor.rowcount

    def mark(self, message):
        """The handover mark, written only if the row is still ours."""
        values = [message.channels, self.prep("handed_over_at", message.handed_over_at)]
        return self._run(self.mark_sql, message, values) == 1

    def lock(self, message):
        """The row lock a cancel or move waits for; False if it is not ours now."""
        with connection.cursor() as cursor:
            cursor.execute(self.lock_sql, [message.pk, *self.claim_params])
            return cursor.fetchone() is not None  # (sqlite3 counts no SELECT rows)

    def record(self, message):
        values = [self.prep(f, getattr(message, f)) for f in OUTCOME_FIELDS]
        return self._run(self.outcome_sql, message, values) == 1


def claim(pks, now, handed_out=None):
    """Pending -> sending, in one UPDATE, for the rows of `pks` still pending, and
    only by the task of their latest hand-out (`handed_out`, the rows' `enqueued_at`)
    or, without one, only once due: a duplicate, stale or stray task neither sends
    early nor skips a retry's wait. Returns the claim's time, the worker's token (a
    row swept back and claimed again is no longer this worker's), or None if it won
    no row."""
    rows = Message.objects.filter(pk__in=pks, status=Message.Status.PENDING)
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


def still_ours(pks, claimed=None):
    """The rows of `pks` while they are "sending" under this worker's claim."""
    rows = Message.objects.filter(pk__in=pks, status=Message.Status.SENDING)
    return rows if claimed is None else rows.filter(claimed_at=claimed)


def overtaken(messages, now):
    """(session id, lead hours) of the reminders a shorter-lead one, already due,
    overtakes: late after an outage, a session gets one reminder, not two. One
    query for the batch."""
    reminders = [m for m in messages if m.kind == Message.Kind.REMINDER]
    if not reminders:
        return set()
    shortest = defaultdict(lambda: None)
    for session_id, lead in Message.objects.filter(
        session_id__in={m.session_id for m in reminders},
        kind=Message.Kind.REMINDER,
        due_at__lte=now,
        status__in=Message.LIVE_STATUSES,
    ).values_list("session_id", "lead_hours"):
        if shortest[session_id] is None or (lead or 0) < shortest[session_id]:
            shortest[session_id] = lead or 0
    return {
        (m.session_id, m.lead_hours)
        for m in reminders
        if shortest[m.session_id] is not None
        and shortest[m.session_id] < (m.lead_hours or 0)
    }


def not_needed(message, now, overtaken_pairs):
    """Why a claimed message should not go out any more, or ''."""
    session = message.session
    if message.kind == Message.Kind.REMINDER:
        if session is None or not session.is_booked:
            return "The session is no longer booked."
        if session.start <= now:
            return "The session has already started."
        if (message.session_id, message.lead_hours) in overtaken_pairs:
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
        if later.exists():  # rare (notices are few): one query each is fine
            return "A later notice about this session replaces it."
    if message.to_patient and not hasattr(message.recipient, "patient"):
        return "The recipient has no patient record."
    return ""


def load(pks, claimed):
    """The batch's rows with everything composing reads, in one joined select."""
    return list(
        still_ours(pks, claimed)
        .select_related(
            "recipient__patient", "session__room", "session__course", "course"
        )
        .order_by("pk")
    )


def send_claimed(pks, now=None, claimed=None):
    """Send the rows of `pks` this worker claimed (at `claimed`). Returns each row's
    outcome by id: sent, retry, failed, not needed or cancelled."""
    now = now or timezone.now()
    messages = load(pks, claimed)
    outcomes = {pk: "cancelled" for pk in pks}  # not ours any more, unless below
    skipped, to_send = defaultdict(list), []
    pairs = overtaken(messages, now)
    for message in messages:
        reason = not_needed(message, now, pairs)
        wanted = channels.channels_for(message) if not reason else []
        if wanted:
            to_send.append((message, wanted))
        else:
            skipped[reason or NO_CHANNEL].append(message.pk)
    for reason, ids in skipped.items():
        done = still_ours(ids, claimed).update(
            status=Message.Status.CANCELLED, last_error=reason
        )
        if done:  # else cancelled since the claim
            outcomes.update(dict.fromkeys(ids, "not needed"))
    if to_send:
        clinic = channels.clinic()
        with channels.Transport() as transport:
            outcomes.update(send_each(to_send, claimed, clinic, transport, now))
    for pk, outcome in outcomes.items():
        log.info("Message %s: %s", pk, outcome)
    return outcomes


def send_each(to_send, claimed, clinic, transport, now):
    """The pipeline in this module's docstring: one commit a message. The next
    message is composed inside the transaction after the send, so a worker that
    dies while composing it leaves the one just sent marked (it has left) and the
    next unmarked (it has not)."""
    outcomes = {}
    queue = iter(to_send)
    rows = Statements(claimed)
    with transaction.atomic():
        current = mark_next(queue, rows, clinic, now, outcomes)
    while current is not None:
        with transaction.atomic():
            message, wanted, composed = current
            outcomes[message.pk] = send_one(
                message, wanted, composed, rows, clinic, transport
            )
            current = mark_next(queue, rows, clinic, now, outcomes)
    return outcomes


def mark_next(queue, rows, clinic, now, outcomes):
    """Compose the next message still ours and write its handover mark into the
    current transaction. Returns (message, channels, composed), or None at the end.
    A message that cannot be composed is tried again later, like a failed send; a
    database error stops the batch (the sweep then finds the rows not marked)."""
    for message, wanted in queue:
        try:
            composed = channels.compose(message, clinic, now)
        except DatabaseError:
            raise
        except Exception as error:  # noqa: BLE001 - one bad row must not stop the rest
            log.warning(
                "Message %s could not be composed (%s)",
                message.pk,
                type(error).__name__,
            )
            outcomes[message.pk] = retry_later(message, rows, error)
            continue
        message.channels = ", ".join(wanted)
        message.handed_over_at = timezone.now()
        if rows.mark(message):
            return message, wanted, composed
        outcomes[message.pk] = "cancelled"  # since the claim: nothing was marked
    return None


def retry_later(message, rows, error):
    outcome = record_outcome(message, [f"compose: {type(error).__name__}"])
    return outcome if rows.record(message) else "cancelled"


def send_one(message, wanted, composed, rows, clinic, transport):
    """Lock the row, send it by each channel not yet done, record the outcome."""
    if not rows.lock(message):  # cancelled between the mark and the send: never left
        return "cancelled"
    errors, permanent = [], False
    for channel in wanted:
        done_field = f"{channel}_sent_at"
        if getattr(message, done_field):
            continue
        try:
            channels.SENDERS[channel](message, composed, clinic, transport)
        except Exception as error:  # noqa: BLE001 - any failure is recorded
            errors.append(channels.safe_error(channel, error))
            permanent = permanent or channels.is_permanent(error)
            transport.failed(channel)
        else:
            setattr(message, done_field, timezone.now())
    outcome = record_outcome(message, errors, permanent)
    rows.record(message)  # the row is locked: it is still ours
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
