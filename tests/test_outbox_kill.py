"""A real Celery worker killed with SIGKILL at random points of 400 due reminders
(sent in batches of MESSAGE_SEND_BATCH), three times, restarted each time, then
everything drained.

Every reminder goes out exactly once, except one whose handover had begun when its
worker died: that one may have arrived, so it is not sent again but shown to admins
as failed, "it may have arrived" (at most one per kill: while a batch is being
sent, one of its messages is always between its mark and its outcome). The rest of
the batch the worker had claimed provably never left: the dispatcher's sweep puts
it back and the next worker sends it, once."""

import datetime
import random
import time
from collections import Counter

import pytest
from django.utils import timezone

from messaging import outbox
from messaging.models import Message
from therapy.models import Course, Session

from .worker import broker, emails, start_worker, wait_for, worker

pytestmark = pytest.mark.django_db(transaction=True)
COUNT, KILLS = 400, 3
SECOND = datetime.timedelta(seconds=1)


def due_reminders(patient, therapist, count):
    """`count` sessions an hour apart from three hours on, each with its 2-hour
    reminder already due: the worst minute the dispatcher could meet."""
    now = timezone.now()
    course = Course.objects.create(patient=patient, therapist=therapist)
    start = now + datetime.timedelta(hours=3)
    sessions = Session.objects.bulk_create(
        Session(
            course=course,
            number=i + 1,
            therapist=therapist,
            patient=patient,
            start=start + datetime.timedelta(hours=i),
            end=start + datetime.timedelta(hours=i, minutes=50),
        )
        for i in range(count)
    )
    rows = Message.objects.bulk_create(
        Message(
            kind="reminder",
            recipient=patient.user,
            course=course,
            session=session,
            lead_hours=2,
            due_at=now - datetime.timedelta(minutes=1),
        )
        for session in sessions
    )
    return [row.pk for row in rows]


class Beat:
    """Beat's minute, every few seconds of the test: a row whose task the dead
    worker took with it is handed out again once REQUEUE_AFTER has passed (the clock
    is moved for that), as beat would do five minutes on. The claim by hand-out keeps
    the old task, should the broker still bring it back, from sending it again."""

    def __init__(self, every=5):
        self.every, self.last = every, time.monotonic()

    def tick(self):
        if time.monotonic() - self.last >= self.every:
            self.last = time.monotonic()
            outbox.dispatch(now=timezone.now() + outbox.REQUEUE_AFTER + SECOND)
        return False


def sent_so_far(pks):
    return Message.objects.filter(pk__in=pks, status="sent").count()


def test_a_worker_killed_mid_batch_loses_no_reminder_and_sends_none_twice(
    clinic, patient, therapist, tmp_path
):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    pks = due_reminders(patient, therapist, COUNT)
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    print(f"kill points from seed {seed}")  # shown if the test fails
    targets = sorted(rng.sample(range(10, COUNT - 40), KILLS))
    interrupted = Counter()
    handed_over = set()
    with broker() as queue:
        for target in targets:
            process = start_worker(queue, mail_dir)
            outbox.dispatch()  # beat's minute: hands out what is pending
            assert wait_for(lambda t=target: sent_so_far(pks) >= t, timeout=120), (
                f"the worker stalled: see {process.log_path}"
            )
            time.sleep(rng.uniform(0, 0.1))  # anywhere in a send's cycle
            process.kill()  # SIGKILL: no cleanup, no acknowledgement
            process.wait()
            # The worker was sending a batch, one commit a message: at most one row
            # of it is handed over and not recorded (it may have arrived); the rest
            # it claimed is "sending" without the mark and provably never left.
            left = dict(
                Message.objects.filter(pk__in=pks, status="sending")
                .exclude(pk__in=handed_over)
                .values_list("pk", "handed_over_at")
            )
            marked = {pk for pk, mark in left.items() if mark}
            assert len(marked) <= 1
            interrupted["may have left"] += len(marked)
            interrupted["never left"] += len(left) - len(marked)
            handed_over |= marked
            # Beat, a few minutes on: the sweep finds what never left.
            outbox.sweep_stuck(now=timezone.now() + outbox.NEVER_LEFT_AFTER + SECOND)
        # Restarted, as two workers so the drain is quicker: the rest are still in
        # the queue (the dead workers' unacknowledged tasks come back by themselves)
        # and what never left is handed out again.
        with worker(queue, mail_dir), worker(queue, mail_dir):
            outbox.dispatch()
            beat = Beat()
            assert wait_for(
                lambda: (
                    beat.tick()
                    or not Message.objects.filter(pk__in=pks, status="pending").exists()
                ),
                timeout=180,
            )
            assert wait_for(
                lambda: (
                    Message.objects.filter(pk__in=pks, status="sending").count()
                    == interrupted["may have left"]
                )
            )
    print(f"interrupted: {dict(interrupted)}")
    # A quarter of an hour on, the dispatcher shows what may have arrived.
    outbox.sweep_stuck(now=timezone.now() + outbox.STUCK_AFTER + SECOND)
    rows = {row.pk: row for row in Message.objects.filter(pk__in=pks)}
    per_row = Counter(pk for pk, _ in emails(mail_dir))
    sent = [pk for pk, row in rows.items() if row.status == "sent"]
    failed = [pk for pk, row in rows.items() if row.status == "failed"]
    assert len(sent) + len(failed) == COUNT
    assert all(per_row[pk] == 1 for pk in sent), "a reminder went twice, or none"
    assert set(failed) == handed_over and len(failed) <= KILLS
    for pk in failed:
        assert rows[pk].last_error == outbox.STUCK_NOTE  # "it may have arrived"
        assert rows[pk].handed_over_at is not None
        assert per_row[pk] <= 1
    assert set(per_row) <= set(pks)
