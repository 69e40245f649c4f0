"""The therapist hears the patient's answer to the focus, and the caseload lists what
is waiting for them: risk flags, focus replies, notes to sign, attendance to record
and questionnaires not sent, in a fixed number of queries."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from messaging import channels
from messaging.models import Message
from questionnaires.models import Assignment
from therapy.ending import focus
from therapy.models import Session
from therapy.notes import services as notes
from therapy.scheduling.todo import todo

from .factories import (
    PatientFactory,
    UserFactory,
    book_course,
    phq9_answers,
    send_measure,
)
from .focus_helpers import begin_session, focus_data


def _talk(course, comment="Can we talk about work?"):
    shared = focus.share_focus(
        focus.save_focus_draft(course, by=course.therapist, data=focus_data()),
        by=course.therapist,
    )
    return focus.respond_to_focus(shared, agree=False, comment=comment)


def test_the_therapist_hears_the_patient_answered_the_focus(
    therapist_client, course, clinic, clock
):
    begin_session(clock, course, 5)
    _talk(course)
    message = Message.objects.get(kind=Message.Kind.FOCUS_REPLY)
    assert message.recipient == course.therapist
    words = channels.compose(message, clinic)
    assert "Something in the portal needs your attention." in words.text
    assert "talk" not in words.text and "work" not in words.text

    html = therapist_client.get(reverse("caseload")).content.decode()
    assert "Focus replies" in html
    assert "would like to talk about the focus (they left a comment)" in html
    assert reverse("focus_history", args=[course.public_id]) in html


def test_agreeing_tells_the_therapist_too_but_leaves_nothing_to_do(course, clock):
    begin_session(clock, course, 5)
    shared = focus.share_focus(
        focus.save_focus_draft(course, by=course.therapist, data=focus_data()),
        by=course.therapist,
    )
    focus.respond_to_focus(shared, agree=True)
    assert Message.objects.filter(kind=Message.Kind.FOCUS_REPLY).count() == 1
    assert todo(course.therapist).focus_replies == []


def _busy_week(course, clock):
    """Sessions 1 to 3 are over: 1 attended with a draft note, 2 and 3 not recorded;
    a PHQ-9 for session 2 was assigned and never sent; session 1's raised a flag."""
    send_measure(course.sessions.get(number=1), "phq9", phq9_answers(12, item9=1))
    second = course.sessions.get(number=2)
    Assignment.objects.create(
        course=course, session=second, patient=course.patient, code="phq9"
    )
    begin_session(clock, course, 3)
    clock.move_to(course.sessions.get(number=3).end + datetime.timedelta(hours=1))
    Session.objects.filter(course=course, number=1).update(status="attended")
    first = course.sessions.get(number=1)
    notes.start_note(first, by=course.therapist, relationships="R", patterns="")


def test_the_caseload_lists_what_is_waiting(therapist_client, course, clock):
    _busy_week(course, clock)
    page = todo(course.therapist)
    assert [n.session.number for n in page.notes_to_sign] == [1]
    assert [s.number for s in page.attendance_to_record] == [2, 3]
    assert [(a.code, a.session.number) for a in page.overdue_questionnaires] == [
        ("phq9", 2)
    ]
    assert len(page.risk_flags) == 1

    html = therapist_client.get(reverse("caseload")).content.decode()
    for words in (
        "Risk flags to acknowledge",
        "Notes to sign",
        "Alice Patient, session 1</a>",
        "Attendance to record",
        "Questionnaires not sent",
        "PHQ-9 before session 2",
    ):
        assert words in html, words
    assert "Nothing is waiting for you." not in html


def test_a_full_copy_waits_on_the_list_until_it_is_reviewed(
    therapist_client, course, clinic, clinic_admin
):
    """A clinic admin asks for a full copy (notes included): the patient's therapist
    sees it waiting for their review, and no longer once they have reviewed it."""
    from patients import subject_access

    copy = subject_access.request_full_copy(
        course.patient, by=clinic_admin, clinic=clinic
    )
    html = therapist_client.get(reverse("caseload")).content.decode()
    assert "Copies to review</dt>" in html
    assert f"{course.patient.full_name}</a>: a full copy of their information" in html
    subject_access.mark_reviewed(copy, by=course.therapist)
    html = therapist_client.get(reverse("caseload")).content.decode()
    assert "Copies to review</dt>" not in html
    assert "Nothing is waiting for you." in html


def test_an_empty_list_says_so(therapist_client, course):
    html = therapist_client.get(reverse("caseload")).content.decode()
    assert "Nothing is waiting for you." in html


def test_the_list_takes_the_same_queries_for_a_bigger_caseload(course, clock):
    _busy_week(course, clock)
    with CaptureQueriesContext(connection) as one:
        todo(course.therapist)
    # A second patient with the same things waiting.
    user = UserFactory(full_name="Bob Patient", email="bob@example.test")
    bob = PatientFactory(user=user, therapist=course.therapist)
    clock.move_to(course.sessions.get(number=1).start - datetime.timedelta(days=8))
    other = book_course(
        bob,
        course.therapist,
        start=course.sessions.get(number=1).start.date() + datetime.timedelta(days=1),
        weekday=1,
    )
    _busy_week(other, clock)
    _talk(other)
    with CaptureQueriesContext(connection) as two:
        page = todo(course.therapist)
    assert len(page.attendance_to_record) == 4
    assert len(page.risk_flags) == 2
    assert len(two) == len(one) == 5


def test_the_caseload_page_takes_the_same_queries_with_more_waiting(
    client, course, clock
):
    """The page, not only the list: what it shows of each thing waiting (names,
    numbers, dates, links) comes with the list's queries, none per row."""
    _busy_week(course, clock)
    _talk(course)
    client.force_login(course.therapist)
    client.get(reverse("caseload"))  # the first request of a session also saves it
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("caseload"))
    user = UserFactory(full_name="Bob Patient", email="bob@example.test")
    bob = PatientFactory(user=user, therapist=course.therapist)
    clock.move_to(course.sessions.get(number=1).start - datetime.timedelta(days=8))
    other = book_course(
        bob,
        course.therapist,
        start=course.sessions.get(number=1).start.date() + datetime.timedelta(days=1),
        weekday=1,
    )
    _busy_week(other, clock)
    _talk(other)
    client.force_login(course.therapist)
    client.get(reverse("caseload"))
    with CaptureQueriesContext(connection) as two:
        html = client.get(reverse("caseload")).content.decode()
    assert html.count("would like to talk about the focus") == 2
    assert (
        "Bob Patient, session 1</a>" in html and "Alice Patient, session 1</a>" in html
    )
    assert len(two) == len(one)
