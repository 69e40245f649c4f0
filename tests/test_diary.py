"""The therapist's diary, attendance with the NHS codes, and the course timeline."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from dit_portal.audit.models import AuditEvent
from dit_portal.core import timefmt
from therapy.models import Course, Session
from therapy.scheduling import services

from .factories import PatientFactory, book_course, next_weekday, working_week
from .test_query_counts import count_queries

pytestmark = pytest.mark.django_db


def monday_of(moment):
    day = timefmt.local(moment).date()
    return day - datetime.timedelta(days=day.weekday())


def diary_url(week):
    return f"{reverse('diary')}?week={week.isoformat()}"


def put_in_the_past(clock, session, days=1):
    """Move the clock to `days` days after the session (attendance is recorded once
    a session has begun)."""
    clock.move_to(session.start + datetime.timedelta(days=days))
    session.refresh_from_db()
    assert session.start < timezone.now()
    return session


@pytest.fixture
def others_course(clinic, other_patient, other_therapist):
    working_week(other_therapist)
    return book_course(other_patient, other_therapist)


def test_therapist_sees_only_their_own_sessions(
    therapist_client, course, others_course
):
    first = course.sessions.get(number=1)
    response = therapist_client.get(diary_url(monday_of(first.start)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alice Patient" in html
    assert "Otto Outsider" not in html
    assert timefmt.local(first.start).strftime("%H:%M") in html
    assert "Room 1" in html
    assert reverse("patient_detail", args=[course.patient.public_id]) in html
    assert reverse("record_attendance", args=[first.public_id]) in html
    listed = [row.session for _, day in response.context["days"] for row in day]
    assert listed == [first]


def test_diary_shows_today(therapist_client, course, clock):
    session = course.sessions.get(number=16)
    clock.move_to(session.start - datetime.timedelta(hours=1))  # that morning
    response = therapist_client.get(reverse("diary"))
    assert [row.session for row in response.context["today_sessions"]] == [session]
    assert "You have no sessions today" not in response.content.decode()


def test_a_bad_week_is_a_form_error(therapist_client, course):
    for week in ["nonsense", "2027-13-40", "9999-12-31", "0001-01-01"]:
        response = therapist_client.get(f"{reverse('diary')}?week={week}")
        assert response.status_code == 200
        assert "nhsuk-error-summary" in response.content.decode()


def test_a_typed_date_goes_to_its_week(therapist_client, course):
    response = therapist_client.get(
        reverse("diary"), {"go_day": "10", "go_month": "12", "go_year": "2026"}
    )
    # Thursday 10 December 2026 is in the week starting Monday 7 December.
    assert response.status_code == 302
    assert response["Location"] == diary_url(datetime.date(2026, 12, 7))


def test_a_date_the_diary_cannot_read_is_an_error_not_this_week(
    therapist_client, course
):
    for typed, error in [
        ({"go_day": "7/12/2026", "go_month": "", "go_year": ""}, "Enter a day"),
        ({"go_day": "7/12", "go_month": "12", "go_year": "2026"}, "Enter a real"),
        ({"go_day": "31", "go_month": "2", "go_year": "2027"}, "Enter a real"),
    ]:
        response = therapist_client.get(reverse("diary"), typed)
        html = response.content.decode()
        assert response.status_code == 200
        assert "nhsuk-error-summary" in html and error in html
        assert '<details class="nhsuk-details" open>' in html
        assert "<title>Error: Diary" in html


def test_patients_and_admins_have_no_diary(patient_client, course):
    assert patient_client.get(reverse("diary")).status_code == 403


def test_the_menu_has_the_diary(therapist_client):
    html = therapist_client.get(reverse("caseload")).content.decode()
    assert 'href="/diary/"' in html


# Attendance -------------------------------------------------------------------------


@pytest.mark.parametrize("status", Session.ATTENDANCE_STATUSES)
def test_attendance_codes_are_recorded(therapist_client, course, status, clock):
    session = put_in_the_past(clock, course.sessions.get(number=1), days=6)
    url = reverse("record_attendance", args=[session.public_id])
    page = therapist_client.get(url).content.decode()
    for label in [
        "Attended",
        "Arrived late – seen",
        "Arrived late – not seen",
        "Cancelled by patient",
        "Cancelled by clinic",
        "Did not attend",
    ]:
        assert label in page
    response = therapist_client.post(url, {"status": status})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == status
    assert AuditEvent.objects.filter(
        action="change", object_id=str(session.public_id), patient=course.patient
    ).exists()


def test_future_attended_is_a_form_error(therapist_client, course):
    session = course.sessions.get(number=2)
    url = reverse("record_attendance", args=[session.public_id])
    response = therapist_client.post(url, {"status": Session.Status.ATTENDED})
    assert response.status_code == 200
    html = response.content.decode()
    assert "nhsuk-error-summary" in html
    assert "once the session has started" in html
    session.refresh_from_db()
    assert session.status == Session.Status.BOOKED


def test_a_bad_code_is_a_form_error(therapist_client, course, clock):
    session = put_in_the_past(clock, course.sessions.get(number=1), days=6)
    url = reverse("record_attendance", args=[session.public_id])
    for value in ["", "booked", "nonsense"]:
        response = therapist_client.post(url, {"status": value})
        assert response.status_code == 200
        assert "nhsuk-error-summary" in response.content.decode()


def test_the_therapist_is_told_about_a_replacement(
    therapist_client, course, clinic, clock
):
    clinic.missed_session_policy = "replaced"
    clinic.save()
    session = put_in_the_past(clock, course.sessions.get(number=1), days=6)
    url = reverse("record_attendance", args=[session.public_id])
    response = therapist_client.post(
        url, {"status": Session.Status.DID_NOT_ATTEND}, follow=True
    )
    assert "Session 17 has been added" in response.content.decode()
    replacement = course.sessions.get(number=17)
    assert replacement.replaces == session
    assert AuditEvent.objects.filter(
        action="create", object_id=str(replacement.public_id)
    ).exists()


def test_not_replaced_by_policy(therapist_client, course, clinic, clock):
    session = put_in_the_past(clock, course.sessions.get(number=1), days=6)
    url = reverse("record_attendance", args=[session.public_id])
    response = therapist_client.post(
        url, {"status": Session.Status.DID_NOT_ATTEND}, follow=True
    )
    assert "has been added" not in response.content.decode()
    assert course.sessions.count() == 16


# Course timeline --------------------------------------------------------------------


def test_course_timeline_shows_policy_and_replacements(
    therapist_client, course, clinic, therapist
):
    services.cancel_session(
        course.sessions.get(number=4), by=therapist, reason="Therapist unwell"
    )
    response = therapist_client.get(reverse("course_timeline", args=[course.public_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(clinic.get_missed_session_policy_display().lower()) in html
    assert "Replaced by session 17" in html
    assert "Replaces session 4" in html
    assert "Initial phase" in html and "Ending phase" in html
    assert AuditEvent.objects.filter(
        action="view", object_id=str(course.public_id), patient=course.patient
    ).exists()


def test_patients_cannot_open_the_course_timeline(patient_client, course):
    url = reverse("course_timeline", args=[course.public_id])
    assert patient_client.get(url).status_code == 403


# Queries ---------------------------------------------------------------------------


def add_sessions(therapist, monday, slots):
    """One patient and one session per (day offset, hour), straight into the table."""
    for offset, hour in slots:
        patient = PatientFactory(therapist=therapist)
        course = Course.objects.create(patient=patient, therapist=therapist)
        start = timefmt.at_wall_time(
            monday + datetime.timedelta(days=offset), datetime.time(hour, 0)
        )
        Session.objects.create(
            course=course,
            number=1,
            therapist=therapist,
            patient=patient,
            start=start,
            end=start + datetime.timedelta(minutes=50),
            video_link="https://video.example.test/room",
        )


def test_diary_runs_a_fixed_number_of_queries(therapist_client, therapist, clinic):
    monday = next_weekday(0)
    url = diary_url(monday)
    add_sessions(therapist, monday, [(0, 9)])
    therapist_client.get(url)  # the first request of a session also saves the session
    few = count_queries(therapist_client, url)
    add_sessions(
        therapist,
        monday,
        [(day, hour) for day in range(5) for hour in range(9, 15)][1:],
    )
    assert Session.objects.filter(therapist=therapist).count() == 30
    many = count_queries(therapist_client, url)
    assert few == many, f"{few} queries with 1 session, {many} with 30"
    assert many <= 10


def test_caseload_shows_the_next_session(therapist_client, course):
    html = therapist_client.get(reverse("caseload")).content.decode()
    first = course.sessions.get(number=1)
    assert timefmt.local(first.start).strftime("%H:%M") in html


def test_caseload_lists_patients_by_name_then_in_a_fixed_order(
    therapist_client, therapist
):
    """By name; people with the same name (two Sam Lees) by their record's number,
    so a therapist does not see them swap places between visits. The numbers are
    chosen against the alphabet, and the later Sam Lee is added first, so neither
    the table's order nor the numbers alone give this order."""
    made = [
        (900_001, "Zara Young"),
        (900_003, "Sam Lee"),
        (900_002, "Sam Lee"),
        (900_004, "Adam Brown"),
    ]
    patients = {
        pk: PatientFactory(id=pk, therapist=therapist, user__full_name=name)
        for pk, name in made
    }
    expected = [900_004, 900_002, 900_003, 900_001]
    for _ in range(2):
        html = therapist_client.get(reverse("caseload")).content.decode()
        links = {
            pk: html.index(reverse("patient_detail", args=[p.public_id]))
            for pk, p in patients.items()
        }
        assert sorted(links, key=links.get) == expected
