"""The outbox in one process: uniqueness, the words of every message, channels and
preferences, and the dispatcher's claim query. The worker tests are in
test_outbox_worker.py."""

import datetime
import email

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from dit_portal.celery import app
from messaging import outbox, queueing
from messaging.models import Message
from therapy.scheduling import services

from .worker import broker

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)
# Free text staff may type about a patient: none of it may reach a message.
SECRETS = ["SECRET-REASON-low mood", "SECRET-GP"]
# The clinic's address is no secret: messages give it where they name a room (issue
# 12), but never in a subject, which a lock screen shows.
CLINIC_ADDRESS = "Riverside Centre, 1 Mill Lane"


def reminders(course):
    return Message.objects.filter(course=course, kind="reminder")


def test_booking_queues_one_reminder_per_lead_time_per_session(course, clinic):
    for session in course.sessions.all():
        rows = reminders(course).filter(session=session).order_by("due_at")
        assert [r.lead_hours for r in rows] == [48, 2]
        assert [r.due_at for r in rows] == [
            session.start - 48 * HOUR,
            session.start - 2 * HOUR,
        ]
    assert Message.objects.filter(course=course, kind="welcome").count() == 1


def test_the_database_refuses_a_second_outstanding_reminder(course):
    row = reminders(course).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(
            kind="reminder",
            recipient=row.recipient,
            session=row.session,
            lead_hours=row.lead_hours,
            due_at=row.due_at + HOUR,
        )


def test_queueing_a_message_twice_returns_the_same_row(course):
    row = reminders(course).first()
    again = queueing.queue_message(
        "reminder",
        row.recipient,
        course=course,
        session=row.session,
        due_at=row.due_at,
        lead=row.lead_hours,
    )
    welcome = queueing.queue_message("welcome", row.recipient, course=course)
    assert again.pk == row.pk
    assert Message.objects.filter(course=course, kind="welcome").count() == 1
    assert welcome.status == "pending"
    first = queueing.queue_message("waiting", row.recipient, key="letter:1")
    second = queueing.queue_message("waiting", row.recipient, key="letter:1")
    assert first.pk == second.pk


def test_moving_back_to_a_time_already_reminded_does_not_remind_again(
    course, clinic_admin
):
    session = course.sessions.order_by("start").first()
    original = session.start
    early = reminders(course).get(session=session, lead_hours=48)
    assert send_due(early) == "sent"
    session = services.move_session(
        session, original + HOUR, by=clinic_admin, reason="x"
    )
    session = services.move_session(session, original, by=clinic_admin, reason="y")
    live = (
        reminders(course)
        .filter(session=session, lead_hours=48)
        .exclude(status="cancelled")
    )
    assert list(live) == [early]  # sent once for this time; not queued again


def test_cancelling_cancels_reminders_a_worker_has_claimed(course, clinic_admin):
    session = course.sessions.order_by("start").first()
    row = reminders(course).get(session=session, lead_hours=48)
    assert outbox.claim(row.pk, row.due_at)  # as a worker would, once it is due
    services.cancel_session(session, by=clinic_admin, reason="Closed")
    # The worker takes its lock only now: the row was cancelled under it.
    assert outbox.send_claimed(row.pk) == "cancelled"
    assert not [
        m for m in mail.outbox if m.extra_headers["X-Portal-Message"] == str(row.pk)
    ]


def send_due(row):
    """Send a row as the worker would once it falls due (time moved to its due)."""
    row = Message.objects.get(pk=row.pk)
    return outbox.send(row.pk, now=max(row.due_at, timezone.now()))


def send_all(**filters):
    for row in Message.objects.filter(status="pending", **filters):
        send_due(row)
    return {m.extra_headers["X-Portal-Message"]: m for m in mail.outbox}


def bodies(message):
    html = message.alternatives[0].content
    return message.subject, message.body, html


@pytest.fixture
def everything(course, clinic, clinic_admin, patient, therapist):
    """A message of every kind, to the patient and (where sent) the therapist."""
    patient.gp_practice = SECRETS[1]
    patient.save()
    clinic.address = CLINIC_ADDRESS
    clinic.save()
    sessions = list(course.sessions.order_by("start"))
    services.move_session(
        sessions[0], sessions[0].start + HOUR, by=patient.user, reason=SECRETS[0]
    )
    services.cancel_session(sessions[1], by=patient.user, reason=SECRETS[0])
    queueing.queue_message("waiting", patient.user, course=course, key="letter:1")
    queueing.queue_message("ended", patient.user, course=course)
    queueing.queue_message("offer", patient.user, course=course)
    queueing.queue_message("risk", therapist, course=course, key="risk:1")
    queueing.queue_message("focus_reply", therapist, course=course, key="focus:1")
    queueing.queue_message(
        "risk_escalated", clinic_admin, course=course, key="risk-escalated:1"
    )
    queueing.queue_message("mfa_reset", therapist)
    return course


# What each kind tells staff: only that something needs them (a risk flag: today;
# an escalation: that a flag awaits a clinician, never whose or what).
STAFF_WORDS = {
    "risk": "needs your response today",
    "risk_escalated": "A risk flag is waiting for a clinician's response",
    "mfa_reset": "A clinic admin has reset your two-factor sign-in.",
}


def test_every_message_ends_with_the_clinic_and_pals_and_says_nothing_clinical(
    everything, clinic, patient, therapist, clinic_admin
):
    sent = send_all()
    kinds = {
        (row.kind, row.recipient_id)
        for row in Message.objects.filter(pk__in=[int(pk) for pk in sent])
    }
    assert {kind for kind, _ in kinds} == set(Message.Kind.values)
    for pk, message in sent.items():
        row = Message.objects.get(pk=pk)
        subject, text, html = bodies(message)
        for secret in SECRETS + [patient.nhs_number, "low mood"]:
            assert secret not in text + html + subject
        assert CLINIC_ADDRESS not in subject
        assert "therap" not in subject.lower()
        if row.recipient == patient.user:
            for contact in (clinic.phone, clinic.pals_phone, clinic.pals_email):
                assert (
                    contact
                    in text.strip().splitlines()[-1] + text.strip().splitlines()[-2]
                )
                assert contact in html
            assert (
                text.strip().splitlines()[-1].startswith("Patient Advice and Liaison")
            )
        else:
            assert row.recipient == (
                clinic_admin if row.kind == "risk_escalated" else therapist
            )
            assert STAFF_WORDS.get(row.kind, "needs your attention") in text
            assert patient.full_name not in text + html + subject


def test_subjects_name_the_service_only_when_the_clinic_allows(course, clinic):
    welcome = Message.objects.get(course=course, kind="welcome")
    outbox.send(welcome.pk)
    assert mail.outbox[-1].subject.startswith(clinic.portal_name)
    clinic.subjects_name_service = True
    clinic.save()
    row = reminders(course).first()
    send_due(row)
    assert mail.outbox[-1].subject.startswith(clinic.name)


def test_a_reminder_shows_uk_time_and_carries_the_session_as_a_calendar_file(course):
    session = course.sessions.order_by("start").first()
    row = reminders(course).get(session=session, lead_hours=2)
    send_due(row)
    message = mail.outbox[-1]
    local = timezone.localtime(session.start)
    assert f"at 10am ({local.tzname()})" in message.body
    (name, ics, mimetype) = message.attachments[0]
    assert (name, mimetype) == ("appointment.ics", "text/calendar")
    assert f"DTSTART:{session.start.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}" in ics
    parsed = email.message_from_bytes(message.message().as_bytes())
    assert "text/calendar" in {p.get_content_type() for p in parsed.walk()}


def test_opting_out_of_reminders_is_respected_but_notices_still_come(
    course, patient, clinic_admin
):
    patient.reminders_opt_out = True
    patient.email_reminders = False
    patient.save()
    session = course.sessions.order_by("start").first()
    row = reminders(course).filter(session=session).first()
    assert send_due(row) == "not needed"
    row.refresh_from_db()
    assert row.status == "cancelled"
    services.cancel_session(session, by=clinic_admin, reason="Closed")
    notice = Message.objects.get(
        session=session, kind="cancelled", recipient=patient.user
    )
    assert outbox.send(notice.pk) == "sent"
    assert len(mail.outbox) == 1


def test_text_reminders_are_off_unless_notify_is_configured(course, patient):
    patient.email_reminders, patient.sms_reminders = False, True
    patient.phone = "07700 900982"
    patient.save()
    row = reminders(course).first()
    assert send_due(row) == "not needed"
    row.refresh_from_db()
    assert row.last_error.startswith("No channel")


def test_a_second_send_of_the_same_row_does_nothing(course):
    welcome = Message.objects.get(course=course, kind="welcome")
    assert outbox.send(welcome.pk) == "sent"
    assert outbox.send(welcome.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_a_broker_that_is_down_is_logged_without_personal_data(course, patient, caplog):
    welcome = Message.objects.get(course=course, kind="welcome")
    with broker("redis://127.0.0.1:9/0"):
        assert outbox.enqueue(welcome.pk, timezone.now()) is False
    assert str(welcome.pk) in caplog.text
    for personal in (patient.full_name, patient.user.email, patient.nhs_number):
        assert personal not in caplog.text


def test_dispatch_claims_only_due_rows_once(course):
    first = reminders(course).order_by("due_at").first()
    with broker("redis://127.0.0.1:9/0"):  # the hand-over fails; the claim stands
        minute = datetime.timedelta(minutes=1)
        # The welcome and the intake questionnaire's "waiting for you".
        assert outbox.dispatch(now=first.due_at - 2 * minute) == 2
        assert outbox.dispatch(now=first.due_at) == 1  # the first reminder
        assert outbox.dispatch(now=first.due_at + minute) == 0  # handed out already
        # A row handed to a broker that lost it is handed out again later.
        assert outbox.dispatch(now=first.due_at + outbox.REQUEUE_AFTER * 3) == 3


def test_the_claim_query_can_use_the_pending_due_index(course):
    query = outbox.claim_due(timezone.now())
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "message_pending_due" in plan or "status_due" in plan, plan


def test_beat_runs_the_dispatcher_every_minute():
    entries = [
        e
        for e in app.conf.beat_schedule.values()
        if e["task"] == "messaging.tasks.dispatch_messages"
    ]
    assert len(entries) == 1 and entries[0]["schedule"] <= 60
