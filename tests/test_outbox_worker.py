"""The outbox against the real Redis broker and real Celery worker processes.

Each test gets its own queue on Redis database 5; the worker subprocess reads the
test database; the test moves the clock by passing `now` to the dispatcher (the beat
task calls it with the real time)."""

import datetime
import time
from pathlib import Path

import pytest
from django.urls import reverse

from messaging import outbox
from messaging.models import Message
from therapy.scheduling import services

from .factories import book_course, working_week
from .notify_standin import API_KEY, TEMPLATE_ID, notify_standin
from .worker import broker, email_text, sent_count, wait_for, worker

pytestmark = pytest.mark.django_db(transaction=True)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def booked(clinic, patient, therapist, room):
    working_week(therapist)
    return book_course(patient, therapist, room=room)


def statuses(**filters):
    return list(Message.objects.filter(**filters).values_list("status", flat=True))


def settle(mail_dir, rows, timeout=40):
    """Wait until none of `rows` is pending or sending."""
    pks = [row.pk for row in rows]
    return wait_for(
        lambda: (
            not Message.objects.filter(
                pk__in=pks, status__in=Message.OUTSTANDING_STATUSES
            ).exists()
        ),
        timeout=timeout,
    )


def test_reminders_go_out_once_each_at_their_time(booked, mail_dir):
    first = booked.sessions.order_by("start").first()
    early, late = (
        Message.objects.filter(session=first, kind="reminder").order_by("due_at").all()
    )
    assert (early.lead_hours, late.lead_hours) == (48, 2)
    with broker() as queue, worker(queue, mail_dir):
        # Just before the 48-hour reminder is due: nothing for this session yet.
        outbox.dispatch(now=early.due_at - datetime.timedelta(minutes=1))
        time.sleep(2)
        assert sent_count(mail_dir, early.pk) == 0
        # Due: the 48-hour one goes, the 2-hour one waits.
        outbox.dispatch(now=early.due_at)
        assert wait_for(lambda: sent_count(mail_dir, early.pk) == 1)
        outbox.dispatch(now=early.due_at + datetime.timedelta(minutes=2))
        outbox.dispatch(now=late.due_at - datetime.timedelta(minutes=1))
        time.sleep(1)
        assert sent_count(mail_dir, late.pk) == 0
        outbox.dispatch(now=late.due_at)
        assert wait_for(lambda: sent_count(mail_dir, late.pk) == 1)
        # Beat keeps running: nothing goes twice.
        for minutes in range(1, 4):
            outbox.dispatch(now=late.due_at + minutes * datetime.timedelta(minutes=1))
        time.sleep(2)
    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.status, late.status) == ("sent", "sent")
    assert sent_count(mail_dir, early.pk) == sent_count(mail_dir, late.pk) == 1


def test_a_session_the_week_after_the_clock_change(
    clinic, patient, therapist, room, mail_dir
):
    """Tuesdays at 10:00 from 23 March 2027; the clocks go forward on 28 March.
    The second session is 10:00 BST (09:00 UTC); its reminders are due 48 and 2
    hours before that instant, and say 10am (BST)."""
    working_week(therapist)
    course = book_course(
        patient, therapist, weekday=1, start=datetime.date(2027, 3, 23), room=room
    )
    before, after = course.sessions.order_by("start")[:2]
    assert before.start == datetime.datetime(2027, 3, 23, 10, tzinfo=datetime.UTC)
    assert after.start == datetime.datetime(2027, 3, 30, 9, tzinfo=datetime.UTC)
    reminders = list(
        Message.objects.filter(session=after, kind="reminder").order_by("due_at")
    )
    assert [r.due_at for r in reminders] == [
        after.start - 48 * HOUR,
        after.start - 2 * HOUR,
    ]
    with broker() as queue, worker(queue, mail_dir):
        for reminder in reminders:
            outbox.dispatch(now=reminder.due_at - datetime.timedelta(seconds=30))
            outbox.dispatch(now=reminder.due_at)
            assert wait_for(lambda r=reminder: sent_count(mail_dir, r.pk) == 1)
        text = email_text(mail_dir, reminders[1].pk)
        first = Message.objects.get(session=before, kind="reminder", lead_hours=2)
        outbox.dispatch(now=first.due_at)  # long past by now: a no-op for sent rows
        assert wait_for(lambda: sent_count(mail_dir, first.pk) == 1)
        first_text = email_text(mail_dir, first.pk)
    assert "Tuesday 30 March 2027 at 10am (BST)" in text
    assert "Tuesday 23 March 2027 at 10am (GMT)" in first_text
    assert all(sent_count(mail_dir, r.pk) == 1 for r in reminders)


def test_the_send_task_delivered_twice_sends_one_email(booked, mail_dir):
    from messaging.tasks import send_message

    welcome = Message.objects.get(course=booked, kind="welcome")
    with broker() as queue, worker(queue, mail_dir) as process:
        send_message.apply_async((welcome.pk,), queue=queue)
        send_message.apply_async((welcome.pk,), queue=queue)
        outbox.dispatch()  # and the periodic task hands it out a third time
        assert wait_for(
            lambda: Path(process.log_path).read_text().count("succeeded") >= 2
        )
        time.sleep(1)
    assert sent_count(mail_dir, welcome.pk) == 1
    welcome.refresh_from_db()
    assert (welcome.status, welcome.attempts) == ("sent", 1)


def test_a_worker_killed_after_sending_before_acknowledging_does_not_send_again(
    booked, mail_dir
):
    welcome = Message.objects.get(course=booked, kind="welcome")
    with broker() as queue:
        dying = worker(queue, mail_dir, die_after_sending=True)
        with dying as process:
            outbox.enqueue(welcome.pk, welcome.enqueued_at)
            assert wait_for(lambda: process.poll() is not None), "worker did not die"
        assert sent_count(mail_dir, welcome.pk) == 1
        welcome.refresh_from_db()
        assert welcome.status == "sending"  # the outcome never committed
        # Redis gives the unacknowledged task to the next worker.
        with worker(queue, mail_dir) as process:
            assert wait_for(
                lambda: "not pending" in Path(process.log_path).read_text(), timeout=40
            ), "the task was not redelivered"
            time.sleep(1)
    assert sent_count(mail_dir, welcome.pk) == 1
    # The dispatcher later shows it to admins as failed, never re-sends it itself.
    outbox.sweep_stuck(
        now=welcome.claimed_at + outbox.STUCK_AFTER - datetime.timedelta(minutes=1)
    )
    assert Message.objects.get(pk=welcome.pk).status == "sending"
    outbox.sweep_stuck(now=welcome.claimed_at + outbox.STUCK_AFTER + HOUR)
    welcome.refresh_from_db()
    assert welcome.status == "failed"
    assert "may have arrived" in welcome.last_error


def test_cancelled_before_due_is_never_sent(booked, clinic_admin, mail_dir):
    session = booked.sessions.order_by("start").first()
    reminders = list(Message.objects.filter(session=session, kind="reminder"))
    services.cancel_session(session, by=clinic_admin, reason="Therapist unwell")
    with broker() as queue, worker(queue, mail_dir):
        for reminder in reminders:
            outbox.dispatch(now=reminder.due_at)
        notice = Message.objects.get(
            session=session, kind="cancelled", recipient=session.patient.user
        )
        assert wait_for(lambda: sent_count(mail_dir, notice.pk) == 1)
        time.sleep(1)
    assert all(sent_count(mail_dir, r.pk) == 0 for r in reminders)
    assert set(statuses(pk__in=[r.pk for r in reminders])) == {"cancelled"}


def test_moved_is_reminded_once_for_the_new_time_not_the_old(
    booked, clinic_admin, mail_dir
):
    session = booked.sessions.order_by("start").first()
    old = list(Message.objects.filter(session=session, kind="reminder"))
    new_start = session.start + datetime.timedelta(days=1, hours=2)  # Tuesday 12:00
    services.move_session(session, new_start, by=clinic_admin, reason="Room")
    new = list(
        Message.objects.filter(session=session, kind="reminder", status="pending")
    )
    assert sorted(r.due_at for r in new) == [
        new_start - 48 * HOUR,
        new_start - 2 * HOUR,
    ]
    with broker() as queue, worker(queue, mail_dir):
        for reminder in sorted(old + new, key=lambda r: r.due_at):
            outbox.dispatch(now=reminder.due_at)
        assert wait_for(lambda: all(sent_count(mail_dir, r.pk) == 1 for r in new))
        time.sleep(1)
        assert "Tuesday" in email_text(mail_dir, new[0].pk)
    assert all(sent_count(mail_dir, r.pk) == 0 for r in old)


def test_booking_with_the_broker_down_then_reminders_go_out_when_it_is_back(
    clinic, patient, therapist, room, mail_dir
):
    working_week(therapist)
    with broker("redis://127.0.0.1:9/0"):  # nothing listens on port 9
        started = time.monotonic()
        course = book_course(patient, therapist, room=room)
        assert time.monotonic() - started < 3  # publishing gives up quickly
    assert course.sessions.count() == clinic.course_sessions
    welcome = Message.objects.get(course=course, kind="welcome")
    assert welcome.status == "pending"
    first = course.sessions.order_by("start").first()
    reminders = Message.objects.filter(session=first, kind="reminder").order_by(
        "due_at"
    )
    with broker() as queue, worker(queue, mail_dir):
        outbox.dispatch()  # the periodic task, working from the database
        assert wait_for(lambda: sent_count(mail_dir, welcome.pk) == 1)
        for reminder in reminders:
            outbox.dispatch(now=reminder.due_at)
        assert wait_for(lambda: all(sent_count(mail_dir, r.pk) == 1 for r in reminders))


@pytest.fixture
def notify(settings):
    with notify_standin() as server:
        settings.NOTIFY_API_KEY = API_KEY
        settings.NOTIFY_SMS_TEMPLATE_ID = TEMPLATE_ID
        settings.NOTIFY_BASE_URL = server.url
        yield server


def text_only(patient):
    patient.email_reminders, patient.sms_reminders = False, True
    patient.phone = "07700 900982"
    patient.save()


def test_a_text_reminder_reaches_notify_with_the_template_and_personalisation(
    booked, patient, clinic, notify, mail_dir
):
    patient.sms_reminders, patient.phone = True, "07700 900982"
    patient.save()
    row = Message.objects.filter(course=booked, kind="reminder").order_by("due_at")[0]
    with broker() as queue, worker(queue, mail_dir):
        outbox.dispatch(now=row.due_at)
        assert wait_for(lambda: Message.objects.get(pk=row.pk).status == "sent")
    sms = [r for r in notify.requests if r["json"]["reference"] == f"message-{row.pk}"]
    assert len(sms) == 1
    request = sms[0]
    assert request["path"] == "/v2/notifications/sms"
    assert request["authorization"].startswith("Bearer ")
    assert request["json"]["template_id"] == TEMPLATE_ID
    assert request["json"]["phone_number"] == "07700 900982"
    body = request["json"]["personalisation"]["body"]
    assert "reminder of your appointment" in body
    assert clinic.pals_phone in body and clinic.phone in body
    assert sent_count(mail_dir, row.pk) == 1  # and by email, as she also chose
    row.refresh_from_db()
    assert row.channels == "email, sms"


def test_notify_errors_are_retried_then_shown_as_failed(
    booked, patient, notify, settings, mail_dir, clinic_admin_client
):
    settings.MESSAGE_MAX_ATTEMPTS = 3
    notify.status = 500
    text_only(patient)
    row = Message.objects.filter(course=booked, kind="reminder").order_by("due_at")[0]
    later = row.due_at
    with broker() as queue, worker(queue, mail_dir):
        for _ in range(3):
            later += HOUR  # past each back-off
            attempts = Message.objects.get(pk=row.pk).attempts
            outbox.dispatch(now=later)
            assert wait_for(
                lambda a=attempts: (
                    Message.objects.get(pk=row.pk).attempts == a + 1
                    and Message.objects.get(pk=row.pk).status != "sending"
                )
            )
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.last_error == "sms: HTTPError 500"
    assert (
        len(
            [
                r
                for r in notify.requests
                if r["json"]["reference"] == f"message-{row.pk}"
            ]
        )
        == 3
    )
    page = clinic_admin_client.get(reverse("message_log"), {"status": "failed"})
    assert b"sms: HTTPError 500" in page.content
    assert b"Send again" in page.content
