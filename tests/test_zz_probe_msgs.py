import datetime
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from therapy import outbox, services, focus, channels
from therapy.models import Message, GoodbyeLetter, Clinic
from .focus_helpers import begin_session

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)
LETTER = {"focus": "F", "changes": "C", "still_to_work_on": "S"}


def test_letter_waiting_not_moved_with_session(course, clinic_admin, patient):
    begin_session(course, 13)
    letter = focus.save_letter(course, by=course.therapist, data=LETTER)
    s15 = course.sessions.get(number=15)
    letter = focus.share_letter(letter, by=course.therapist, session=s15)
    msg = Message.objects.get(kind="waiting", key=f"letter:{letter.public_id}")
    old_start = s15.start
    assert msg.due_at == old_start
    # Move session 15 a day later (Tuesday same time)
    from therapy.services import at_wall_time, local
    day = local(s15.start).date() + datetime.timedelta(days=1)
    while day.weekday() > 4:
        day += datetime.timedelta(days=1)
    s15 = services.move_session(s15, at_wall_time(day, datetime.time(11, 0)), by=clinic_admin, reason="x")
    msg.refresh_from_db()
    print("msg due", msg.due_at, "old", old_start, "new", s15.start)
    assert msg.due_at == old_start  # not moved with the session
    at = old_start + datetime.timedelta(minutes=1)
    assert msg.pk in list(outbox.claim_due(at))
    visible = GoodbyeLetter.objects.visible_to(patient.user, now=at)
    assert not visible.exists()  # told "something is waiting" but nothing there


def test_letter_waiting_after_cancel(course, clinic_admin, patient):
    begin_session(course, 13)
    letter = focus.save_letter(course, by=course.therapist, data=LETTER)
    s15 = course.sessions.get(number=15)
    letter = focus.share_letter(letter, by=course.therapist, session=s15)
    msg = Message.objects.get(kind="waiting", key=f"letter:{letter.public_id}")
    services.cancel_session(s15, by=clinic_admin, reason="closed")
    msg.refresh_from_db()
    print("after cancel status", msg.status, msg.due_at)
    assert msg.status == "pending"


def test_resend_failed_reminder_after_move_500(course, clinic_admin_client, clinic_admin):
    session = course.sessions.order_by("start").first()
    row = Message.objects.get(session=session, kind="reminder", lead_hours=48)
    Message.objects.filter(pk=row.pk).update(status="failed", attempts=5, last_error="x")
    services.move_session(session, session.start + HOUR, by=clinic_admin, reason="x")
    assert Message.objects.filter(session=session, kind="reminder", lead_hours=48, status="pending").exists()
    clinic_admin_client.raise_request_exception = False
    r = clinic_admin_client.post(reverse("message_resend", args=[row.pk]))
    print("resend status", r.status_code)
    assert r.status_code == 500


def test_resend_huge_pk(clinic_admin_client, course):
    clinic_admin_client.raise_request_exception = False
    r = clinic_admin_client.post("/clinic/messages/99999999999999999999/resend/")
    print("huge pk", r.status_code)
    r = clinic_admin_client.get(reverse("message_log"), {"page": "-1", "status": "x'"})
    print("page", r.status_code)
    assert r.status_code == 200


def test_claim_ignores_due_at(course):
    row = Message.objects.filter(course=course, kind="reminder").order_by("-due_at").first()
    assert row.due_at > timezone.now() + 24 * HOUR
    assert outbox.send(row.pk) == "sent"  # a stray task sends weeks early


def test_backoff_bypassed_by_duplicate_task(course, monkeypatch):
    welcome = Message.objects.get(course=course, kind="welcome")
    def boom(*a, **k):
        raise ConnectionError("x")
    monkeypatch.setitem(channels.SENDERS, "email", boom)
    assert outbox.send(welcome.pk) == "retry"
    assert outbox.send(welcome.pk) == "retry"  # second (dup) task: no backoff
    welcome.refresh_from_db()
    print("attempts", welcome.attempts, welcome.due_at - timezone.now())
    assert welcome.attempts == 2


def test_sms_and_html_words(course, clinic):
    row = Message.objects.filter(course=course, kind="reminder").first()
    row = Message.objects.select_related("session__room").get(pk=row.pk)
    composed = channels.compose(row, clinic, timezone.now())
    text = channels.sms_text(composed, clinic)
    print(repr(text))
    assert "calendar file attached" in text
    assert "Therapies" in text
    outbox.send(row.pk)
    html = mail.outbox[-1].alternatives[0].content
    body_start = html.split("<body", 1)[1]
    import re
    first_text = re.sub(r"<[^>]+>", " ", body_start.split(">", 1)[1]).split()
    print("first words of html", first_text[:6])
    assert "Therapies" in " ".join(first_text[:4])


def test_moved_notice_after_cancel(course, clinic_admin):
    session = course.sessions.order_by("start").first()
    services.move_session(session, session.start + HOUR, by=clinic_admin, reason="x")
    services.cancel_session(session, by=clinic_admin, reason="y")
    moved = Message.objects.get(session=session, kind="moved", recipient=session.patient.user)
    assert outbox.send(moved.pk) == "sent"
    m = [x for x in mail.outbox if x.extra_headers["X-Portal-Message"] == str(moved.pk)][0]
    print(m.subject, m.body[:200])
