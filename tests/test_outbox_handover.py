"""The handover mark: a send that died before it (while composing, say) provably
never left and goes out again within minutes, once; one that died after it may have
arrived and is shown to admins as such, never sent again by itself."""

import datetime

import pytest
from django.core import mail

from messaging import channels, outbox
from messaging.models import Message

MINUTE = datetime.timedelta(minutes=1)


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing after it runs, no `except Exception` catches it."""


def die(*args, **kwargs):
    raise WorkerKilled


def _reminder(course):
    session = course.sessions.order_by("start").first()
    return Message.objects.get(session=session, kind="reminder", lead_hours=48)


def emails_for(row):
    return [
        m for m in mail.outbox if m.extra_headers["X-Portal-Message"] == str(row.pk)
    ]


def died_while_composing(row, monkeypatch):
    """A worker claims the row and dies while composing its words."""
    with monkeypatch.context() as patch:
        patch.setattr(channels, "compose", die)
        with pytest.raises(WorkerKilled):
            outbox.send(row.pk, now=row.due_at)
    return Message.objects.get(pk=row.pk)


def test_died_before_the_handover_is_sent_again_within_minutes_once(
    course, monkeypatch
):
    row = died_while_composing(_reminder(course), monkeypatch)
    assert (row.status, row.handed_over_at, row.attempts) == ("sending", None, 1)
    # A minute on, the worker might only be slow: left alone.
    outbox.sweep_stuck(now=row.claimed_at + MINUTE)
    assert Message.objects.get(pk=row.pk).status == "sending"
    # After NEVER_LEFT_AFTER it is known never to have left: pending, due as before,
    # for the next hand-out; the interrupted claim counted once, not again.
    outbox.sweep_stuck(now=row.claimed_at + outbox.NEVER_LEFT_AFTER + MINUTE)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.enqueued_at) == ("pending", 1, None)
    assert row.last_error == outbox.NEVER_LEFT_NOTE
    assert row.pk in list(outbox.claim_due(row.due_at))  # handed out at once
    assert outbox.send(row.pk, now=row.due_at) == "sent"
    assert outbox.send(row.pk, now=row.due_at) == "skipped"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert len(emails_for(row)) == 1


def test_a_slow_worker_whose_row_was_swept_back_does_not_send_it_too(course):
    row = _reminder(course)
    slow = outbox.claim(row.pk, row.due_at)  # then stalls for minutes
    outbox.sweep_stuck(now=slow + outbox.NEVER_LEFT_AFTER + MINUTE)
    assert outbox.send(row.pk, now=row.due_at) == "sent"  # another worker
    # The slow worker wakes up: the row is no longer its claim.
    assert outbox.send_claimed(row.pk, row.due_at, claimed=slow) == "cancelled"
    assert len(emails_for(row)) == 1


def test_died_after_the_handover_may_have_arrived_and_is_not_sent_again(
    course, monkeypatch
):
    row = _reminder(course)
    with monkeypatch.context() as patch:
        patch.setitem(channels.SENDERS, channels.EMAIL, die)  # inside the send
        with pytest.raises(WorkerKilled):
            outbox.send(row.pk, now=row.due_at)
    row.refresh_from_db()
    assert row.status == "sending" and row.handed_over_at is not None
    outbox.sweep_stuck(now=row.claimed_at + outbox.NEVER_LEFT_AFTER + MINUTE)
    assert Message.objects.get(pk=row.pk).status == "sending"  # not put back
    assert outbox.send(row.pk, now=row.due_at) == "skipped"
    outbox.sweep_stuck(now=row.claimed_at + outbox.STUCK_AFTER + MINUTE)
    row.refresh_from_db()
    assert (row.status, row.last_error) == ("failed", outbox.STUCK_NOTE)
    assert "may have arrived" in row.last_error
    assert not emails_for(row)


def test_a_row_that_keeps_killing_its_worker_fails_after_the_attempts(
    course, monkeypatch, settings
):
    settings.MESSAGE_MAX_ATTEMPTS = 2
    row = _reminder(course)
    for attempt in (1, 2):
        row = died_while_composing(row, monkeypatch)
        assert row.attempts == attempt
        outbox.sweep_stuck(now=row.claimed_at + outbox.NEVER_LEFT_AFTER + MINUTE)
    row.refresh_from_db()
    assert (row.status, row.last_error) == ("failed", outbox.NEVER_LEFT_NOTE)
    assert not emails_for(row)


def test_cancelled_between_the_handover_and_the_send_never_leaves(
    course, clinic_admin, monkeypatch
):
    """The mark commits, then a cancel takes the row before the send locks it."""
    from therapy.scheduling import services

    row = _reminder(course)
    real_compose = channels.compose

    def compose_then_cancel(message, *args):
        composed = real_compose(message, *args)
        services.cancel_session(message.session, by=clinic_admin, reason="Closed")
        return composed

    monkeypatch.setattr(channels, "compose", compose_then_cancel)
    assert outbox.send(row.pk, now=row.due_at) == "cancelled"
    assert Message.objects.get(pk=row.pk).status == "cancelled"
    assert not emails_for(row)
