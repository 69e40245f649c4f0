"""Edges of sending found in review: stale or stray tasks, a resend that a newer
message has replaced, notices overtaken by later changes, a letter's notice following
its session, and what an inbox preview or a lock screen shows."""

import datetime

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dit_portal.core import timefmt
from messaging import channels, outbox
from messaging.models import Message
from therapy.ending import letter as letters
from therapy.scheduling import services

from .focus_helpers import begin_session

HOUR = datetime.timedelta(hours=1)
LETTER = {"focus": "F", "changes": "C", "still_to_work_on": "S"}


def _reminder(course, lead=48):
    session = course.sessions.order_by("start").first()
    return Message.objects.get(session=session, kind="reminder", lead_hours=lead)


def test_a_stray_task_does_not_send_a_reminder_early(course):
    row = _reminder(course)
    assert outbox.send(row.pk) == "skipped"  # due in weeks, no hand-out
    assert outbox.send(row.pk, handed_out=timezone.now()) == "skipped"  # not its own
    row.refresh_from_db()
    assert row.status == "pending" and row.attempts == 0
    assert not mail.outbox


def test_only_the_latest_hand_out_can_send(course):
    row = _reminder(course)
    outbox.dispatch(now=row.due_at)
    row.refresh_from_db()
    stale = row.enqueued_at
    outbox.dispatch(now=row.due_at + outbox.REQUEUE_AFTER * 2)  # handed out again
    assert outbox.send(row.pk, handed_out=stale.isoformat()) == "skipped"
    row.refresh_from_db()
    assert outbox.send(row.pk, handed_out=row.enqueued_at.isoformat()) == "sent"
    assert len(mail.outbox) == 1


def test_a_retry_waits_for_its_time(course, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "tests.mail_backends.Refusing",
            "OPTIONS": {"file_path": "/nonexistent"},
        }
    }
    welcome = Message.objects.get(course=course, kind="welcome")
    welcome.refresh_from_db()
    assert outbox.send(welcome.pk, handed_out=welcome.enqueued_at) == "retry"
    # A second copy of the task, straight away, does not skip the wait.
    assert outbox.send(welcome.pk, handed_out=welcome.enqueued_at) == "skipped"
    assert outbox.send(welcome.pk) == "skipped"
    welcome.refresh_from_db()
    assert welcome.attempts == 1 and welcome.due_at > timezone.now()


def test_resend_refused_when_a_newer_reminder_replaced_it(
    clinic_admin_client, clinic_admin, course
):
    row = _reminder(course)
    Message.objects.filter(pk=row.pk).update(status="failed", last_error="x")
    session = row.session
    services.move_session(session, session.start + HOUR, by=clinic_admin, reason="x")
    response = clinic_admin_client.post(
        reverse("message_resend", args=[row.pk]), follow=True
    )
    assert response.status_code == 200
    assert "A newer message of the same kind has replaced this one" in (
        response.content.decode()
    )
    row.refresh_from_db()
    assert row.status == "failed"


def test_a_move_notice_overtaken_by_a_cancellation_is_not_sent(
    course, clinic_admin, patient
):
    session = course.sessions.order_by("start").first()
    # Say the broker was down: none of the notices has gone yet.
    notices = Message.objects.filter(session=session, recipient=patient.user)
    services.move_session(session, session.start + HOUR, by=clinic_admin, reason="a")
    services.move_session(
        session, session.start + 2 * HOUR, by=clinic_admin, reason="b"
    )
    services.cancel_session(session, by=clinic_admin, reason="c")
    mail.outbox.clear()
    for row in notices.filter(status="pending"):
        outbox.send(row.pk, now=max(row.due_at, timezone.now()))
    subjects = [m.subject for m in mail.outbox]
    assert subjects == ["Patient portal: your appointment has been cancelled"]


def test_a_letters_notice_follows_its_session(course, clinic_admin, client, clock):
    begin_session(clock, course, 13)
    course.therapist.availability.all().delete()
    for day in range(7):
        course.therapist.availability.create(
            weekday=day, start_time=datetime.time(0, 0), end_time=datetime.time(23, 59)
        )
    letter = letters.save_letter(course, by=course.therapist, data=LETTER)
    at = course.sessions.get(number=15)
    letters.share_letter(letter, by=course.therapist, session=at)
    notice = Message.objects.get(key=f"letter:{letter.public_id}")
    assert notice.due_at == at.start

    # An hour later (or earlier), on the same day, so no closure can be in the way.
    late = timefmt.local(at.start).hour >= 22
    new_start = at.start - HOUR if late else at.start + HOUR
    at = services.move_session(at, new_start, by=clinic_admin, reason="x")
    notice.refresh_from_db()
    assert notice.due_at == at.start  # not the old time, when there is nothing to read

    services.cancel_session(at, by=clinic_admin, reason="Therapist unwell")
    notice.refresh_from_db()
    assert notice.due_at <= timezone.now()  # it goes now, and the letter is readable
    client.force_login(course.patient.user)
    assert (
        client.get(reverse("letter_detail", args=[letter.public_id])).status_code == 200
    )


def test_previews_and_texts_name_the_portal_not_the_service(course, clinic, patient):
    row = _reminder(course, lead=2)
    composed = channels.compose(row, clinic)
    sms = composed.sms
    assert clinic.name not in sms and clinic.portal_name in sms
    assert "calendar file" not in sms  # a text has no attachment
    outbox.send(row.pk, now=row.due_at)
    email = mail.outbox[-1]
    html = email.alternatives[0].content
    body_start = html.split("<body", 1)[1]
    assert body_start.index(clinic.portal_name) < body_start.index("Hello")
    assert clinic.name not in body_start.split("Hello", 1)[0]
    assert "calendar file attached" in email.body  # the email still says so


def test_a_number_notify_will_never_accept_fails_at_once(course, patient, settings):
    from .notify_standin import API_KEY, TEMPLATE_ID, notify_standin

    patient.email_reminders, patient.sms_reminders = False, True
    patient.phone = "07700 900982"
    patient.save()
    row = _reminder(course, lead=2)
    with notify_standin(status=400) as notify:
        settings.NOTIFY_API_KEY = API_KEY
        settings.NOTIFY_SMS_TEMPLATE_ID = TEMPLATE_ID
        settings.NOTIFY_BASE_URL = notify.url
        assert outbox.send(row.pk, now=row.due_at) == "failed"
        notify.status = 500  # a server error, by contrast, is tried again
        other = _reminder(course, lead=48)
        assert outbox.send(other.pk, now=other.due_at) == "retry"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (
        "failed",
        1,
        "sms: HTTPError 400",
    )


def test_after_an_outage_a_session_gets_one_reminder_not_two(course):
    early, late = _reminder(course, lead=48), _reminder(course, lead=2)
    back = late.due_at + datetime.timedelta(minutes=5)  # workers were down till now
    assert outbox.send(early.pk, now=back) == "not needed"
    assert outbox.send(late.pk, now=back) == "sent"
    assert len(mail.outbox) == 1
    early.refresh_from_db()
    assert early.last_error == "A later reminder for this session replaces it."
