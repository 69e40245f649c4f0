"""Redis outages during bookings, with real processes: a Redis of the test's own that
is killed and started again on the same port, and a worker as `make run` runs it (the
prefork pool, under scripts/supervise.py).

Bookings made while Redis is down succeed; afterwards the worker is running (having
reconnected, or been started again by its supervisor: the test kills it once during
an outage, as the reported kombu crash did) and every message that fell due is sent
exactly once, once the dispatcher (beat's task, run here by the test) hands out again
what the broker lost."""

import datetime
import os
import signal
import time
from pathlib import Path

import pytest
from django.utils import timezone

from messaging import outbox
from messaging.models import Message
from therapy.models import Course

from .factories import PatientFactory, book_course, working_week
from .servers import OwnRedis
from .worker import broker, emails, start_worker, stop_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
# OUTAGE_ROUNDS=13 (the most the week's 40 slots allow) tries harder for a rare crash.
OUTAGES = int(os.environ.get("OUTAGE_ROUNDS", 3))
BOOKED_WHILE_DOWN = 2
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def redis_server(tmp_path):
    server = OwnRedis(tmp_path / "redis", start=False)
    server.start()
    yield server
    server.stop()


def child_pids(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def running(pid):
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(") ")[-1][0] not in "ZX"


def replaced(supervisor, crashed):
    children = child_pids(supervisor.pid)
    return children and crashed not in children and all(map(running, children))


def sent_counts(mail_dir):
    counts = {}
    for row, _ in emails(mail_dir):
        counts[row] = counts.get(row, 0) + 1
    return counts


def due_by(moment):
    return list(Message.objects.filter(due_at__lte=moment).values_list("pk", flat=True))


def all_sent(mail_dir, moment):
    """Beat's dispatch, as it runs every minute, then: has everything due by
    `moment` been sent? (The clock is moved past outbox.REQUEUE_AFTER, when rows
    handed to the Redis that died are handed out again.)"""
    outbox.dispatch(now=moment)
    counts = sent_counts(mail_dir)
    return all(counts.get(pk, 0) >= 1 for pk in due_by(moment))


def test_bookings_through_redis_outages_succeed_and_every_welcome_goes_once(
    clinic,
    therapist,
    room,
    redis_server,
    tmp_path,
):
    working_week(therapist)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    # A weekly slot of its own for each course: Monday to Friday, 9:00 to 16:00.
    slots = iter(
        (weekday, datetime.time(hour, 0))
        for hour in range(9, 17)
        for weekday in range(5)
    )

    def book():
        weekday, at = next(slots)
        patient = PatientFactory(therapist=therapist)
        started = time.monotonic()
        course = book_course(patient, therapist, weekday=weekday, at=at, room=room)
        return course, time.monotonic() - started

    url = redis_server.url
    with broker(url) as queue:
        worker = start_worker(
            queue, mail_dir, broker_url=url, pool="prefork", supervised=True
        )
        log = Path(worker.log_path)
        try:
            assert wait_for(lambda: " ready." in log.read_text(), timeout=60)
            for outage in range(OUTAGES):
                book()  # handed to the worker just before Redis goes
                # A crash (SIGKILL) and a clean stop (SIGTERM): either loses the queue.
                redis_server.stop(signal.SIGKILL if outage % 2 else signal.SIGTERM)
                for _ in range(BOOKED_WHILE_DOWN):
                    course, took = book()
                    assert course.sessions.count() == clinic.course_sessions
                    assert took < 5, f"a booking waited {took:.1f}s on the broker"
                time.sleep(1)  # the worker notices the outage
                if outage == 1:
                    # The reported crash, in effect: the worker dies mid-outage. Its
                    # supervisor starts another, which waits for Redis.
                    (crashed,) = child_pids(worker.pid)
                    os.kill(crashed, signal.SIGKILL)
                    refused = log.read_text().count("Cannot connect to")
                    assert wait_for(lambda crashed=crashed: replaced(worker, crashed))
                    # ... and it starts while Redis is still down, and keeps trying.
                    assert wait_for(
                        lambda refused=refused: (
                            log.read_text().count("Cannot connect to") > refused
                        ),
                        timeout=60,
                    )
                redis_server.start()
                later = timezone.now() + outbox.REQUEUE_AFTER + (outage + 1) * MINUTE
                assert wait_for(
                    lambda later=later: all_sent(mail_dir, later),
                    timeout=120,
                    interval=1,
                ), f"outage {outage + 1}: due messages not sent; see {log}"
            # The worker is running afterwards, and still takes work.
            assert worker.poll() is None
            celery = child_pids(worker.pid)
            assert celery and all(running(pid) for pid in celery)
            time.sleep(3)  # anything sent twice would have arrived by now
            outbox.dispatch(now=later + MINUTE)
            time.sleep(2)
        finally:
            stop_worker(worker)

    bookings = OUTAGES * (1 + BOOKED_WHILE_DOWN)
    assert Course.objects.count() == bookings
    welcomes = Message.objects.filter(kind="welcome")
    assert welcomes.count() == bookings
    assert set(welcomes.values_list("status", flat=True)) == {"sent"}
    counts = sent_counts(mail_dir)
    due = due_by(later)
    assert {pk: counts.get(pk, 0) for pk in due} == dict.fromkeys(due, 1)
    text = log.read_text()
    # The one crash the test caused was logged and followed by a restart; the record
    # (with -s) says whether an outage itself crashed a worker.
    assert "supervise worker: was stopped by SIGKILL" in text
    print(
        f"worker restarts: {text.count('starting it again')}, "
        f"unrecoverable errors: {text.count('Unrecoverable error')}"
    )
