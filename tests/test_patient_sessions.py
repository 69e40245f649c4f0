"""The patient's sessions page: the course, the next session, calendar files, picking an
offered time, cancelling and rescheduling within the rules."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from dit_portal.audit.models import AuditEvent
from dit_portal.core import timefmt
from dit_portal.core.timefmt import when
from messaging.calendar import build_calendar, escape, fold
from therapy import phases
from therapy.models import Course, Session, SlotOffer
from therapy.scheduling import booking, services

from .factories import book_course, next_weekday, working_week
from .test_query_counts import count_queries

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def parse_ics(text):
    """A tiny RFC 5545 reader: CRLF lines, unfolded; a list of VEVENT dicts."""
    assert "\n" not in text.replace("\r\n", "")
    assert text.endswith("\r\n")
    for line in text.split("\r\n"):
        assert len(line.encode()) <= 75
    lines = text.replace("\r\n ", "").split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR"
    assert "VERSION:2.0" in lines
    events, event = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            event = {}
        elif line == "END:VEVENT":
            events.append(event)
            event = None
        elif event is not None:
            name, _, value = line.partition(":")
            event[name] = value
    return events


def utc(value):
    assert value.endswith("Z")
    return datetime.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(
        tzinfo=datetime.UTC
    )


def snapshot(course, but=None):
    return {
        s.number: (s.start, s.end, s.status, s.room_id)
        for s in course.sessions.exclude(pk=getattr(but, "pk", None))
    }


def session(course, number):
    return course.sessions.get(number=number)


@pytest.fixture
def others_course(clinic, other_patient, other_therapist):
    working_week(other_therapist)
    return book_course(other_patient, other_therapist)


# Reading ---------------------------------------------------------------------------


def test_patient_sees_their_sessions_the_next_one_and_the_phase(
    patient_client, course, clinic
):
    response = patient_client.get(reverse("my_therapy"))
    assert response.status_code == 200
    html = response.content.decode()
    first = session(course, 1)
    assert when(first.start) in html  # "Monday 7 June 2027, 10:00"
    assert when(first.start).endswith(", 10:00")
    assert response.context["next_session"].session == first
    assert len(response.context["sessions"]) == 16
    assert "Your next session" in html
    # Nothing has happened yet: only the ending (the last four planned) is known.
    assert "Ending phase" in html
    assert response.context["next_session"].phase_label == ""
    assert "Room 1" in html
    assert reverse("information", args=["sessions"]) in html
    assert reverse("course_calendar", args=[course.public_id]) in html
    assert reverse("cancel_session", args=[first.public_id]) in html
    assert reverse("reschedule_session", args=[first.public_id]) in html
    assert "NHS number" in html  # the details are still there
    assert AuditEvent.objects.filter(
        action="view", object_id=str(course.public_id), patient=course.patient
    ).exists()


def test_phase_follows_the_session_number(course):
    assert phases.phase_for(course, 1) == "initial"
    assert phases.phase_for(course, 13) == "ending"
    # Labels show only what is known: session 1 is still to come.
    assert phases.label_for(course, session(course, 1)) is None
    assert phases.label_for(course, session(course, 13)) == "ending"


def test_a_replacement_says_which_session_it_replaces(
    patient_client, course, clinic, therapist
):
    _, replacement = services.cancel_session(
        session(course, 3), by=therapist, reason="Therapist unwell"
    )
    assert replacement is not None
    html = patient_client.get(reverse("my_therapy")).content.decode()
    assert "replaces session 3" in html
    assert "Cancelled by the clinic" in html


def test_my_therapy_without_a_course_still_works(patient_client, clinic):
    response = patient_client.get(reverse("my_therapy"))
    assert response.status_code == 200
    assert "Your next session" not in response.content.decode()


# Calendar files ---------------------------------------------------------------------


def test_calendar_file_for_one_session(patient_client, course, clinic):
    first = session(course, 1)
    response = patient_client.get(reverse("session_calendar", args=[first.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment;")
    (event,) = parse_ics(response.content.decode())
    assert event["UID"] == f"{first.public_id}@dit-portal"
    assert utc(event["DTSTART"]) == first.start
    assert utc(event["DTEND"]) == first.end
    assert utc(event["DTSTART"]).astimezone(LONDON).time() == datetime.time(10, 0)
    assert event["SUMMARY"].startswith("Appointment")
    # The portal's name, not the service's (issue 13: calendars are shared).
    assert clinic.portal_name in event["SUMMARY"]
    assert clinic.name not in event["SUMMARY"]
    assert event["LOCATION"] == "Room 1"
    assert AuditEvent.objects.filter(
        action="export", object_id=str(first.public_id)
    ).exists()


def test_calendar_file_for_the_whole_course(patient_client, course, clinic):
    response = patient_client.get(reverse("course_calendar", args=[course.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    events = parse_ics(response.content.decode())
    assert len(events) == 16
    assert len({e["UID"] for e in events}) == 16
    for event in events:
        start = utc(event["DTSTART"])
        assert start.astimezone(LONDON).time() == datetime.time(10, 0)
        assert start.astimezone(LONDON).weekday() == 0
        assert utc(event["DTEND"]) - start == datetime.timedelta(minutes=50)


def test_calendar_text_is_escaped_and_folded(course, clinic):
    clinic.name = "St Mary's; Clinic, London \\ Riverside " + "é" * 80
    clinic.subjects_name_service = True  # the clinic lets its name be seen
    first = session(course, 1)
    text = build_calendar([first], clinic)
    (event,) = parse_ics(text)
    assert event["SUMMARY"].startswith("Appointment: St Mary's\\; Clinic\\, London")
    assert "\\\\" in event["SUMMARY"]
    assert escape("a\nb") == "a\\nb"
    assert fold("x" * 80) == "x" * 75 + "\r\n " + "x" * 5


def test_a_calendar_entry_does_not_name_the_service_unless_the_clinic_allows(
    course, clinic
):
    """Calendars are shared and synced: by default an entry says the portal's name,
    not a service name that may say 'therapy'."""
    clinic.name = "Riverside Psychological Therapies"
    (event,) = parse_ics(build_calendar([session(course, 1)], clinic))
    assert "Therapies" not in event["SUMMARY"]
    assert event["SUMMARY"] == f"Appointment: {clinic.portal_name}"


# Picking an offered first time ------------------------------------------------------


@pytest.fixture
def offered(clinic, patient, therapist, room):
    working_week(therapist)
    starts = [
        timefmt.at_wall_time(next_weekday(1), datetime.time(10, 0)),
        timefmt.at_wall_time(next_weekday(2), datetime.time(14, 0)),
    ]
    return booking.offer_first_slots(
        patient=patient, therapist=therapist, starts=starts, room=room
    )


def test_the_offer_says_in_which_room_and_where_the_clinic_is(
    patient_client, offered, clinic
):
    clinic.address = "Riverside Centre\n1 Mill Lane"
    clinic.save()
    html = patient_client.get(reverse("my_therapy")).content.decode()
    assert "same time each week, in Room 1, Riverside Centre, 1 Mill Lane." in html
    assert "at Room 1" not in html


def test_patient_picks_an_offered_time_once(patient_client, offered):
    first, second = offered.offers.order_by("start")
    html = patient_client.get(reverse("my_therapy")).content.decode()
    assert when(first.start) in html and when(second.start) in html
    assert 'type="radio"' in html

    response = patient_client.post(reverse("my_therapy"), {"offer": first.pk})
    assert response.status_code == 302
    offered.refresh_from_db()
    assert offered.status == Course.Status.ACTIVE
    assert offered.sessions.count() == 16
    assert offered.sessions.order_by("number").first().start == first.start
    first.refresh_from_db()
    assert first.used_at is not None
    assert AuditEvent.objects.filter(
        action="change", object_id=str(offered.public_id)
    ).exists()

    again = patient_client.post(
        reverse("my_therapy"), {"offer": second.pk}, follow=True
    )
    assert "already been chosen" in again.content.decode()
    assert offered.sessions.count() == 16
    second.refresh_from_db()
    assert second.used_at is None
    assert not offered.sessions.filter(start=second.start).exists()


def test_an_offered_time_taken_meanwhile_is_a_form_error(
    patient_client, offered, therapist, other_patient
):
    first = offered.offers.order_by("start").first()
    start = timefmt.local(first.start)
    book_course(
        other_patient,
        therapist,
        weekday=start.weekday(),
        at=start.time(),
        start=start.date(),
    )
    response = patient_client.post(reverse("my_therapy"), {"offer": first.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "That time has just been taken" in html
    assert "nhsuk-error-summary" in html
    offered.refresh_from_db()
    assert offered.status == Course.Status.OFFERED


def test_a_bad_offer_is_a_form_error(patient_client, offered):
    for value in ["", "999999", "not-a-number"]:
        response = patient_client.post(reverse("my_therapy"), {"offer": value})
        assert response.status_code == 200
        assert "nhsuk-error-summary" in response.content.decode()


def test_another_patients_offer_cannot_be_picked(
    client, offered, other_patient, clinic
):
    client.force_login(other_patient.user)
    offer = offered.offers.first()
    response = client.post(reverse("my_therapy"), {"offer": offer.pk})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.used_at is None


# Cancelling -------------------------------------------------------------------------


def test_patient_cancels_a_session_with_a_reason(patient_client, course, clinic):
    third = session(course, 3)
    before = snapshot(course, but=third)
    page = patient_client.get(reverse("cancel_session", args=[third.public_id]))
    assert page.status_code == 200
    assert 'type="radio"' in page.content.decode()
    response = patient_client.post(
        reverse("cancel_session", args=[third.public_id]),
        {"reason": "other", "details": "Hospital appointment"},
        follow=True,
    )
    assert response.status_code == 200
    third.refresh_from_db()
    assert third.status == Session.Status.CANCELLED_BY_PATIENT
    assert third.change_reason == "Another reason: Hospital appointment"
    assert "is cancelled" in response.content.decode()
    assert snapshot(course, but=third) == before
    assert AuditEvent.objects.filter(
        action="change", object_id=str(third.public_id), patient=course.patient
    ).exists()


def test_cancelling_needs_a_reason(patient_client, course):
    third = session(course, 3)
    url = reverse("cancel_session", args=[third.public_id])
    for data in [{}, {"reason": "other"}, {"reason": "nonsense"}]:
        response = patient_client.post(url, data)
        assert response.status_code == 200
        assert "nhsuk-error-summary" in response.content.decode()
    third.refresh_from_db()
    assert third.status == Session.Status.BOOKED


def test_a_cancelled_session_cannot_be_cancelled_again(patient_client, course):
    third = session(course, 3)
    url = reverse("cancel_session", args=[third.public_id])
    patient_client.post(url, {"reason": "unwell"})
    response = patient_client.post(url, {"reason": "unwell"})
    assert response.status_code == 200
    assert "cannot be changed" in response.content.decode()
    assert (
        course.sessions.filter(status=Session.Status.CANCELLED_BY_PATIENT).count() == 1
    )


# Rescheduling -----------------------------------------------------------------------


def day_choices(client, url):
    """Change time, step 1: the days offered, as (value, label)."""
    return client.get(url).context["days"].fields["day"].choices


def time_choices(client, url, day):
    """Change time, step 2: the times offered on `day` (an ISO date)."""
    return client.get(url, {"day": day}).context["form"].fields["start"].choices


def test_patient_moves_a_session_to_a_free_time(patient_client, course, clinic):
    first = session(course, 1)
    before = snapshot(course, but=first)
    url = reverse("reschedule_session", args=[first.public_id])
    page = patient_client.get(url)
    assert page.status_code == 200
    assert "Choose a day" in page.content.decode()
    days = page.context["days"].fields["day"].choices
    assert days
    last_day = datetime.date.today() + datetime.timedelta(
        days=clinic.booking_window_days
    )
    # The days nearest the session's own date come first.
    own_day = timefmt.local(first.start).date()
    gaps = [
        abs((datetime.date.fromisoformat(value) - own_day).days) for value, _ in days
    ]
    assert gaps == sorted(gaps)
    day = days[0][0]
    assert days[0][1].startswith(
        f"{datetime.date.fromisoformat(day):%A} {datetime.date.fromisoformat(day).day}"
    )
    choices = time_choices(patient_client, url, day)
    assert choices
    for value, label in choices:
        moment = datetime.datetime.fromisoformat(value)
        assert timefmt.local(moment).date() == datetime.date.fromisoformat(day)
        assert timefmt.local(moment).date() <= last_day
        assert moment != first.start
        assert label == f"{timefmt.local(moment):%H:%M}"
    # Each day's times nearest the session's own time (10:00) come first.
    minutes = [
        abs(timefmt.local(datetime.datetime.fromisoformat(v)).hour * 60 - 10 * 60)
        for v, _ in choices
    ]
    assert minutes == sorted(minutes)
    value = choices[-1][0]
    response = patient_client.post(f"{url}?day={day}", {"start": value}, follow=True)
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.start == datetime.datetime.fromisoformat(value)
    assert first.status == Session.Status.BOOKED
    assert "has moved" in response.content.decode()
    assert snapshot(course, but=first) == before
    assert AuditEvent.objects.filter(
        action="change", object_id=str(first.public_id)
    ).exists()


def test_moving_to_a_time_that_is_not_offered_is_a_form_error(patient_client, course):
    first = session(course, 1)
    second = session(course, 2)
    url = reverse("reschedule_session", args=[first.public_id])
    day = day_choices(patient_client, url)[0][0]
    for target in [url, f"{url}?day={day}", f"{url}?day=2001-01-01", f"{url}?day=x"]:
        for value in [
            "",
            "garbage",
            second.start.isoformat(),
            "2001-01-01T10:00:00+00:00",
        ]:
            response = patient_client.post(target, {"start": value})
            assert response.status_code == 200
            assert "nhsuk-error-summary" in response.content.decode()
    assert session(course, 1).start == first.start


def test_a_day_with_no_free_time_is_a_form_error(patient_client, course):
    url = reverse("reschedule_session", args=[session(course, 1).public_id])
    for day in ["2001-01-01", "garbage", ""]:
        html = patient_client.get(url, {"day": day}).content.decode()
        assert "nhsuk-error-summary" in html
        assert 'name="start"' not in html


# Inside the cancellation notice -------------------------------------------------------


def test_inside_the_notice_the_phone_replaces_the_buttons(
    patient_client, course, clinic
):
    clinic.cancellation_notice_hours = 24 * 14
    clinic.save()
    first = session(course, 1)  # one to two weeks away: inside 14 days' notice
    html = patient_client.get(reverse("my_therapy")).content.decode()
    assert reverse("cancel_session", args=[first.public_id]) not in html
    assert reverse("reschedule_session", args=[first.public_id]) not in html
    assert clinic.phone in html

    for name in ["cancel_session", "reschedule_session"]:
        url = reverse(name, args=[first.public_id])
        page = patient_client.get(url).content.decode()
        assert clinic.phone in page
        assert "<form" not in page.split("</header>")[-1].split("<footer")[0]
        forged = patient_client.post(url, {"reason": "unwell", "start": "x"})
        assert forged.status_code == 200
        text = forged.content.decode()
        assert "cannot be cancelled or moved online" in text
        assert clinic.phone in text
    first.refresh_from_db()
    assert first.status == Session.Status.BOOKED


def test_forged_move_inside_the_notice_with_a_real_free_time_fails(
    patient_client, course, clinic
):
    first = session(course, 1)
    original = first.start
    url = reverse("reschedule_session", args=[first.public_id])
    day = day_choices(patient_client, url)[0][0]
    value = time_choices(patient_client, url, day)[0][0]
    clinic.cancellation_notice_hours = 24 * 14
    clinic.save()
    response = patient_client.post(f"{url}?day={day}", {"start": value})
    assert clinic.phone in response.content.decode()
    first.refresh_from_db()
    assert first.start == original
    assert first.start.astimezone(LONDON).time() == datetime.time(10, 0)


# Other people's sessions ---------------------------------------------------------------


def test_another_patients_sessions_are_404(patient_client, course, others_course):
    theirs = others_course.sessions.first()
    for name in ["cancel_session", "reschedule_session", "session_calendar"]:
        url = reverse(name, args=[theirs.public_id])
        assert patient_client.get(url).status_code == 404
    assert (
        patient_client.post(
            reverse("cancel_session", args=[theirs.public_id]), {"reason": "unwell"}
        ).status_code
        == 404
    )
    assert (
        patient_client.get(
            reverse("course_calendar", args=[others_course.public_id])
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.status == Session.Status.BOOKED


def test_a_therapist_cannot_reach_another_therapists_patient(
    therapist_client, course, others_course
):
    theirs = others_course.sessions.first()
    for url in [
        reverse("session_calendar", args=[theirs.public_id]),
        reverse("course_calendar", args=[others_course.public_id]),
        reverse("record_attendance", args=[theirs.public_id]),
        reverse("course_timeline", args=[others_course.public_id]),
    ]:
        assert therapist_client.get(url).status_code == 404, url
    mine = session(course, 1)
    assert (
        therapist_client.get(
            reverse("session_calendar", args=[mine.public_id])
        ).status_code
        == 200
    )


def test_therapists_cannot_use_the_patient_pages(therapist_client, course):
    first = session(course, 1)
    url = reverse("cancel_session", args=[first.public_id])
    assert therapist_client.post(url, {"reason": "unwell"}).status_code == 403
    assert therapist_client.get(reverse("my_therapy")).status_code == 403


# Queries ---------------------------------------------------------------------------


def test_my_therapy_runs_a_fixed_number_of_queries(patient_client, course):
    url = reverse("my_therapy")
    patient_client.get(url)  # the first request of a session also saves the session
    services.cancel_session(
        session(course, 3), by=course.therapist, reason="Clinic closed"
    )  # a replacement, so "replaces session N" is read too
    many = count_queries(patient_client, url)
    assert course.sessions.count() == 17
    Session.objects.filter(course=course, number__gt=1).delete()
    few = count_queries(patient_client, url)
    assert few == many, f"{few} queries with 1 session, {many} with 17"
    assert many <= 10


def test_offers_are_not_shown_after_they_are_used(patient_client, offered):
    offer = offered.offers.first()
    booking.accept_offer(offer)
    html = patient_client.get(reverse("my_therapy")).content.decode()
    assert "Choose a time for your first session" not in html
    assert SlotOffer.objects.filter(used_at__isnull=False).count() == 1
