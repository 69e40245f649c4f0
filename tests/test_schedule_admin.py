"""Clinic admins run the schedule: week views, the waiting list, planning and booking
a course, moving and cancelling sessions, rooms, working hours and closures."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dit_portal.audit.models import AuditEvent
from dit_portal.core import timefmt
from messaging.models import Message
from patients.models import Patient
from therapy.models import (
    Closure,
    Course,
    Room,
    Session,
    SlotOffer,
    TherapistAvailability,
)
from therapy.scheduling import availability

from .factories import (
    PatientFactory,
    RoomFactory,
    TherapistFactory,
    book_course,
    next_weekday,
    working_week,
)

pytestmark = pytest.mark.django_db


def date_fields(name, day):
    return {
        f"{name}_day": day.day,
        f"{name}_month": day.month,
        f"{name}_year": day.year,
    }


def text(response):
    return response.content.decode()


def week_of(dt):
    day = timefmt.local(dt).date()
    return (day - datetime.timedelta(days=day.weekday())).isoformat()


def audit_actions(**filters):
    return list(AuditEvent.objects.filter(**filters).values_list("action", flat=True))


# Who may open these pages ------------------------------------------------------------


def admin_urls(patient, therapist, room, session):
    closure = Closure.objects.create(
        start_date=datetime.date(2030, 1, 2), end_date=datetime.date(2030, 1, 2),
        reason="Training",
    )  # fmt: skip
    block = TherapistAvailability.objects.filter(therapist=therapist).first()
    return [
        ("get", reverse("schedule")),
        ("get", reverse("waiting_list")),
        ("get", reverse("assign_therapist", args=[patient.public_id])),
        ("get", reverse("plan_course", args=[patient.public_id])),
        ("get", reverse("offer_slots", args=[patient.public_id])),
        ("get", reverse("admin_move_session", args=[session.public_id])),
        ("get", reverse("admin_cancel_session", args=[session.public_id])),
        ("get", reverse("resources")),
        ("get", reverse("rooms")),
        ("get", reverse("edit_room", args=[room.pk])),
        ("get", reverse("working_hours")),
        ("get", reverse("therapist_hours", args=[therapist.pk])),
        ("post", reverse("remove_hours", args=[block.pk])),
        ("get", reverse("closures")),
        ("get", reverse("closure_detail", args=[closure.pk])),
        ("post", reverse("delete_closure", args=[closure.pk])),
    ]


@pytest.mark.parametrize("who", ["patient", "therapist"])
def test_only_clinic_admins_may_open_the_schedule_pages(
    client, who, course, patient, therapist, room
):
    session = course.sessions.first()
    client.force_login(patient.user if who == "patient" else therapist)
    for method, url in admin_urls(patient, therapist, room, session):
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
    assert Closure.objects.count() == 1  # the POSTs changed nothing
    assert TherapistAvailability.objects.filter(therapist=therapist).count() == 5


def test_admin_opens_every_page(clinic_admin_client, course, patient, therapist, room):
    session = course.sessions.first()
    for method, url in admin_urls(patient, therapist, room, session):
        response = getattr(clinic_admin_client, method)(url)
        assert response.status_code in (200, 302), url


def test_unknown_session_is_404(clinic_admin_client, course):
    for name in ("admin_move_session", "admin_cancel_session"):
        response = clinic_admin_client.get(reverse(name, args=[uuid.uuid4()]))
        assert response.status_code == 404


def test_navigation_for_admins(clinic_admin_client):
    page = text(clinic_admin_client.get(reverse("schedule")))
    for label in (
        "Schedule",
        "Waiting list",
        "Patients",
        "Resources",
        "Clinic settings",
    ):
        assert f">{label}<" in page


# Week views ----------------------------------------------------------------------------


def test_clinic_week_shows_sessions_in_uk_time_with_links(
    clinic_admin_client, course, patient
):
    first = course.sessions.get(number=1)
    # The whole clinic's week counts sessions; its therapist's row leads to the list.
    clinic_week = text(
        clinic_admin_client.get(reverse("schedule"), {"week": week_of(first.start)})
    )
    therapist_week = f"?week={week_of(first.start)}&amp;therapist={course.therapist_id}"
    assert therapist_week in clinic_week
    response = clinic_admin_client.get(
        reverse("schedule"),
        {"week": week_of(first.start), "therapist": course.therapist_id},
    )
    page = text(response)
    assert response.status_code == 200
    local = timefmt.local(first.start)
    assert f"Week of Monday {local.day} {local:%B %Y}" in page
    assert "10:00 to 10:50" in page
    assert "Terry Therapist" in page and "Alice Patient" in page
    assert "Room 1" in page and "Booked" in page
    assert reverse("admin_move_session", args=[first.public_id]) in page
    assert reverse("admin_cancel_session", args=[first.public_id]) in page
    next_monday = (local.date() + datetime.timedelta(weeks=1)).isoformat()
    prev_monday = (local.date() - datetime.timedelta(weeks=1)).isoformat()
    assert f"?week={next_monday}" in page and f"?week={prev_monday}" in page


def test_week_view_per_therapist_and_per_room(
    clinic_admin_client, course, other_patient, other_therapist
):
    working_week(other_therapist)
    other_room = RoomFactory(name="Garden Room")
    book_course(other_patient, other_therapist, room=other_room)
    week = week_of(course.sessions.get(number=1).start)
    url = reverse("schedule")
    # Both courses start on that Monday: the whole clinic's Monday lists both.
    everyone = text(clinic_admin_client.get(url, {"week": week, "day": week}))
    assert "Alice Patient" in everyone and "Otto Outsider" in everyone
    tess = text(
        clinic_admin_client.get(url, {"week": week, "therapist": other_therapist.pk})
    )
    assert "Otto Outsider" in tess and "Alice Patient" not in tess
    assert f'<option value="{other_therapist.pk}" selected>Tess Therapist' in tess
    room_one = text(
        clinic_admin_client.get(url, {"week": week, "room": course.room.pk})
    )
    assert "Alice Patient" in room_one and "Otto Outsider" not in room_one


@pytest.mark.parametrize("week", ["not-a-date", "9999-12-31", "0001-01-01"])
def test_bad_week_parameter_shows_this_week(clinic_admin_client, week):
    response = clinic_admin_client.get(
        reverse("schedule"), {"week": week, "therapist": "x", "room": "99"}
    )
    assert response.status_code == 200
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    assert f"Week of {monday:%A} {monday.day} {monday:%B %Y}" in text(response)


def test_tampered_alternative_is_a_form_error(clinic_admin_client, course):
    session = course.sessions.get(number=1)
    url = reverse("admin_move_session", args=[session.public_id])
    for value in ("2030-01-07T10:00:00", "not-a-time"):
        response = clinic_admin_client.post(url, {"alternative": value, "reason": "x"})
        assert response.status_code == 200
        assert "There is a problem" in text(response)
    start = session.start
    session.refresh_from_db()
    assert session.start == start


def test_whole_clinic_week_runs_a_fixed_number_of_queries(client, clinic, clinic_admin):
    """40 therapists with 30 sessions each in one week: as few queries as one session."""
    monday = next_weekday(0, weeks_ahead=2)
    client.force_login(clinic_admin)
    url = f"{reverse('schedule')}?week={monday.isoformat()}"

    def add_therapist_with_sessions(count):
        therapist = TherapistFactory()
        patient = PatientFactory(therapist=therapist)
        course = Course.objects.create(
            patient=patient, therapist=therapist, video_link="https://v.example.test/"
        )
        times = [
            (day, hour) for day in range(5) for hour in range(9, 15)
        ]  # 30 distinct hours
        Session.objects.bulk_create(
            Session(
                course=course,
                number=n + 1,
                therapist=therapist,
                patient=patient,
                start=(start := timefmt.at_wall_time(
                    monday + datetime.timedelta(days=day), datetime.time(hour)
                )),
                end=start + datetime.timedelta(minutes=50),
                video_link=course.video_link,
            )
            for n, (day, hour) in enumerate(times[:count])
        )  # fmt: skip

    add_therapist_with_sessions(1)
    client.get(url)  # the first request of a session also saves the session

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response

    small, _ = count()
    for _ in range(39):
        add_therapist_with_sessions(30)
    # the first therapist gets 29 more, too
    first = Course.objects.order_by("pk").first()
    Session.objects.filter(course=first).delete()
    Course.objects.filter(pk=first.pk).delete()
    add_therapist_with_sessions(30)
    large, response = count()
    assert Session.objects.count() == 40 * 30
    assert "1200 sessions this week" in text(response)
    assert small == large, f"{small} queries with 1 session, {large} with 1200"
    assert large <= 14  # 12, and 2 for the "messages are not going out" banner


# Waiting list ---------------------------------------------------------------------------


def test_waiting_list_shows_days_waited_longest_first_and_assigns(
    clinic_admin_client, clinic, therapist, course
):
    today = timezone.localdate()
    newer = PatientFactory(
        user__full_name="Nina Newer", therapist=None,
        referral_date=today - datetime.timedelta(days=3),
    )  # fmt: skip
    older = PatientFactory(
        user__full_name="Olga Older", therapist=None,
        referral_date=today - datetime.timedelta(days=40),
    )  # fmt: skip
    page = text(clinic_admin_client.get(reverse("waiting_list")))
    assert page.index("Olga Older") < page.index("Nina Newer")
    assert ">40<" in page and ">3<" in page
    assert "Alice Patient" not in page  # she has a course
    home = text(clinic_admin_client.get(reverse("schedule")))
    assert "2 patients in all" in home

    response = clinic_admin_client.post(
        reverse("assign_therapist", args=[older.public_id]),
        {"therapist": therapist.pk},
        follow=True,
    )
    assert "Olga Older is assigned to Terry Therapist." in text(response)
    older.refresh_from_db()
    assert older.therapist == therapist
    assert "change" in audit_actions(patient=older)
    # Still waiting until a course is booked, now with a therapist.
    assert "Olga Older" in text(response)

    response = clinic_admin_client.post(
        reverse("assign_therapist", args=[newer.public_id]), {"therapist": ""}
    )
    assert "Choose a therapist." in text(response)


# Planning a course ---------------------------------------------------------------------------


def plan_data(therapist, *, weekday=0, at="10:00", start=None, room=None, video=""):
    return {
        "therapist": therapist.pk,
        "weekday": weekday,
        "start_time": at,
        **date_fields("start_date", start or next_weekday(weekday)),
        "room": room.pk if room else "",
        "video_link": video,
    }


def test_check_the_plan_shows_conflicts_before_saving_and_books_nothing(
    clinic_admin_client, clinic, course, therapist, other_patient, room
):
    # Terry already sees Alice on Mondays 10:00 in Room 1.
    url = reverse("plan_course", args=[other_patient.public_id])
    data = plan_data(therapist, room=room) | {"action": "check"}
    before = Session.objects.count()
    response = clinic_admin_client.post(url, data)
    page = text(response)
    assert response.status_code == 200
    assert "16 sessions cannot be booked" in page
    assert "The therapist has another session then" in page
    assert "the room is booked then" in page
    assert 'value="book"' not in page  # no booking button while it conflicts
    assert Session.objects.count() == before
    assert not other_patient.courses.exists()

    late = plan_data(therapist, at="18:00", room=room) | {"action": "check"}
    page = text(clinic_admin_client.post(url, late))
    assert "Outside the therapist&#x27;s working hours" in page


def test_check_then_book_a_course_of_16_at_the_same_uk_time(
    clinic_admin_client, clinic, therapist, patient, room
):
    working_week(therapist)
    url = reverse("plan_course", args=[patient.public_id])
    data = plan_data(therapist, weekday=2, at="14:00", room=room)
    page = text(clinic_admin_client.post(url, data | {"action": "check"}))
    assert "All 16 sessions are free" in page
    assert page.count(", 14:00</span></td>") == 16
    assert not Session.objects.exists()

    response = clinic_admin_client.post(url, data | {"action": "book"}, follow=True)
    course = patient.courses.get()
    sessions = list(course.sessions.order_by("number"))
    assert [s.number for s in sessions] == list(range(1, 17))
    assert {timefmt.local(s.start).time() for s in sessions} == {datetime.time(14, 0)}
    assert all(s.room == room for s in sessions)
    assert "Course booked for Alice Patient: 16 sessions with Terry Therapist" in (
        text(response)
    )
    patient.refresh_from_db()
    assert patient.status == Patient.Status.IN_THERAPY
    assert "create" in audit_actions(patient=patient, object_type="therapy.Course")
    # A second plan for the same patient is refused on the page.
    page = text(clinic_admin_client.get(url))
    assert "already has a course" in page


def test_booking_refused_by_the_service_is_a_form_error(
    clinic_admin_client, clinic, therapist, patient, room, other_patient
):
    working_week(therapist)
    url = reverse("plan_course", args=[patient.public_id])
    data = plan_data(therapist, room=room)
    # Someone books the same slot between the check and the booking.
    book_course(other_patient, therapist, room=room)
    response = clinic_admin_client.post(url, data | {"action": "book"})
    assert response.status_code == 200
    assert "16 of the sessions cannot be booked." in text(response)
    assert not patient.courses.exists()


def test_plan_form_errors(clinic_admin_client, clinic, therapist, patient, room):
    url = reverse("plan_course", args=[patient.public_id])
    page = text(
        clinic_admin_client.post(
            url,
            {
                "therapist": "",
                "weekday": "",
                "start_time": "25:99",
                **date_fields("start_date", datetime.date(2020, 1, 6)),
                "room": room.pk,
                "video_link": "https://video.example.test/room",
                "action": "check",
            },
        )
    )
    assert "There is a problem" in page
    assert "Choose a therapist." in page
    assert "Choose a day of the week." in page
    assert "Enter a time like 10:00 or 14:30." in page
    assert "The start date must be today or later." in page
    assert "Choose a room or give a video link, not both." in page
    page = text(
        clinic_admin_client.post(url, plan_data(therapist) | {"action": "check"})
    )
    assert "Choose a room, or give a video link." in page
    assert not Course.objects.exists()


def test_offer_first_session_times(
    clinic_admin_client, clinic, therapist, patient, room
):
    working_week(therapist)
    url = reverse("offer_slots", args=[patient.public_id])
    page = text(clinic_admin_client.get(url))
    assert "Free times for Terry Therapist in the next 3 weeks" in page
    monday, tuesday = next_weekday(0), next_weekday(1)
    response = clinic_admin_client.post(
        url,
        {
            "therapist": therapist.pk,
            "room": room.pk,
            **date_fields("first_date", monday),
            "first_time": "10:00",
            **date_fields("second_date", tuesday),
            "second_time": "11:00",
        },
        follow=True,
    )
    assert "2 times offered to Alice Patient" in text(response)
    course = patient.courses.get()
    assert course.status == Course.Status.OFFERED
    offered = [timefmt.local(o.start) for o in SlotOffer.objects.filter(course=course)]
    assert [(o.date(), o.time()) for o in offered] == [
        (monday, datetime.time(10)),
        (tuesday, datetime.time(11)),
    ]
    assert "create" in audit_actions(patient=patient, object_type="therapy.Course")


def test_offer_outside_hours_is_a_form_error(
    clinic_admin_client, clinic, therapist, patient, room
):
    working_week(therapist)
    url = reverse("offer_slots", args=[patient.public_id])
    data = {
        "therapist": therapist.pk,
        "room": room.pk,
        **date_fields("first_date", next_weekday(0)),
        "first_time": "20:00",
    }
    page = text(clinic_admin_client.post(url, data | {"second_time": "11:00"}))
    assert "Enter a date for this time." in page
    page = text(clinic_admin_client.post(url, data))
    assert (
        "That time cannot be booked: outside the therapist&#x27;s working hours."
        in (page)
    )
    assert "Here are the nearest free times." in page
    assert not patient.courses.exists()


# Moving and cancelling a session ---------------------------------------------------------------


def test_move_a_session_with_a_reason(clinic_admin_client, course, patient):
    session = course.sessions.get(number=3)
    others = {
        s.pk: (s.start, s.room_id) for s in course.sessions.exclude(pk=session.pk)
    }
    new_day = timefmt.local(session.start).date() + datetime.timedelta(days=1)
    url = reverse("admin_move_session", args=[session.public_id])

    page = text(clinic_admin_client.post(url, {**date_fields("new_date", new_day)}))
    assert "Enter a reason for the move." in page
    assert "Enter the new time." in page

    response = clinic_admin_client.post(
        url,
        {
            **date_fields("new_date", new_day),
            "new_time": "15:00",
            "reason": "Room works",
        },
        follow=True,
    )
    session.refresh_from_db()
    local = timefmt.local(session.start)
    assert (local.date(), local.time()) == (new_day, datetime.time(15, 0))
    assert session.change_reason == "Room works"
    expected = f"{local:%A} {local.day} {local:%B %Y}, 15:00"
    assert f"Session 3 for Alice Patient moved to {expected}." in text(response)
    assert {
        s.pk: (s.start, s.room_id) for s in course.sessions.exclude(pk=session.pk)
    } == others
    assert "change" in audit_actions(patient=patient, object_type="therapy.Session")
    assert Message.objects.filter(
        kind=Message.Kind.SESSION_MOVED, session=session
    ).exists()


def test_moving_onto_a_taken_time_offers_the_nearest_free_times(
    clinic_admin_client, course, therapist, other_patient
):
    # Terry also sees Otto on Tuesdays at 10:00.
    book_course(other_patient, therapist, weekday=1)
    session = course.sessions.get(number=1)
    tuesday = timefmt.local(session.start).date() + datetime.timedelta(days=1)
    url = reverse("admin_move_session", args=[session.public_id])
    data = {**date_fields("new_date", tuesday), "new_time": "10:00", "reason": "Ask"}
    page = text(clinic_admin_client.post(url, data))
    assert (
        "That time cannot be booked: the therapist has another session then. "
        "Here are the nearest free times." in page
    )
    assert 'name="alternative"' in page
    unchanged = session.start
    session.refresh_from_db()
    assert session.start == unchanged

    alternatives = availability.nearest_free(
        therapist=therapist,
        around=timefmt.at_wall_time(tuesday, datetime.time(10)),
        minutes=50,
        patient=session.patient,
        room=session.room,
        exclude=session,
    )
    assert alternatives
    choice = alternatives[0]
    response = clinic_admin_client.post(
        url, {"alternative": choice.isoformat(), "reason": "Ask"}, follow=True
    )
    session.refresh_from_db()
    assert session.start == choice
    assert "moved to" in text(response)


def test_cancel_a_session_with_a_reason_adds_a_replacement(
    clinic_admin_client, course, patient
):
    session = course.sessions.get(number=5)
    url = reverse("admin_cancel_session", args=[session.public_id])
    page = text(clinic_admin_client.post(url, {"reason": "   "}))
    assert "Enter a reason for cancelling." in page
    session.refresh_from_db()
    assert session.status == Session.Status.BOOKED

    response = clinic_admin_client.post(
        url, {"reason": "Therapist unwell"}, follow=True
    )
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED_BY_CLINIC
    assert session.change_reason == "Therapist unwell"
    replacement = Session.objects.get(replaces=session)
    assert replacement.number == 17
    page = text(response)
    assert "Session 5 for Alice Patient" in page and "is cancelled" in page
    local = timefmt.local(replacement.start)
    assert (
        f"A replacement session (session 17) was added on "
        f"{local:%A} {local.day} {local:%B %Y}, 10:00." in page
    )
    assert course.sessions.filter(status=Session.Status.BOOKED).count() == 16
    actions = audit_actions(patient=patient, object_type="therapy.Session")
    assert "change" in actions and "create" in actions
    # Cancelling again is not offered.
    response = clinic_admin_client.get(url, follow=True)
    assert "Only a booked session can be cancelled." in text(response)


# Closures, rooms and working hours -------------------------------------------------------------


def test_closure_over_booked_sessions_lists_them_to_move(
    clinic_admin_client, course, therapist, patient
):
    second = course.sessions.get(number=2)
    day = timefmt.local(second.start).date()
    response = clinic_admin_client.post(
        reverse("closures"),
        {"therapist": therapist.pk, **date_fields("start_date", day),
         **date_fields("end_date", day), "reason": "Annual leave"},
        follow=True,
    )  # fmt: skip
    page = text(response)
    assert "Closure added: Annual leave." in page
    assert "1 booked session falls in this leave" in page
    assert "Alice Patient (session 2)" in page
    assert reverse("admin_move_session", args=[second.public_id]) in page
    closure = Closure.objects.get()
    assert closure.therapist == therapist
    assert "create" in audit_actions(object_type="therapy.Closure")

    listing = text(clinic_admin_client.get(reverse("closures")))
    assert "Annual leave" in listing and "Terry Therapist" in listing
    response = clinic_admin_client.post(
        reverse("delete_closure", args=[closure.pk]), follow=True
    )
    assert "Closure removed: Annual leave." in text(response)
    assert not Closure.objects.exists()
    assert "delete" in audit_actions(object_type="therapy.Closure")


def test_closures_page_lists_bank_holidays_and_validates(clinic_admin_client):
    page = text(clinic_admin_client.get(reverse("closures")))
    assert "Christmas Day" in page
    response = clinic_admin_client.post(
        reverse("closures"),
        {**date_fields("start_date", datetime.date(2030, 5, 10)),
         **date_fields("end_date", datetime.date(2030, 5, 9)), "reason": ""},
    )  # fmt: skip
    page = text(response)
    assert "The last day must be on or after the first day." in page
    assert "Enter a reason." in page
    assert not Closure.objects.exists()


def test_rooms_add_rename_and_deactivate(clinic_admin_client, room):
    url = reverse("rooms")
    response = clinic_admin_client.post(url, {"name": "Garden Room"}, follow=True)
    assert "Garden Room added." in text(response)
    page = text(clinic_admin_client.post(url, {"name": "Room 1"}))
    assert "There is already a room with this name." in page
    page = text(clinic_admin_client.post(url, {"name": ""}))
    assert "Enter the room&#x27;s name." in page

    response = clinic_admin_client.post(
        reverse("edit_room", args=[room.pk]), {"name": "Blue Room"}, follow=True
    )
    room.refresh_from_db()
    assert room.name == "Blue Room" and not room.is_active
    assert "No: not offered for new bookings" in text(response)
    assert sorted(audit_actions(object_type="therapy.Room")) == ["change", "create"]
    # An inactive room is not offered when planning.
    assert Room.objects.filter(is_active=True).count() == 1


def test_working_hours_validation_add_and_remove(clinic_admin_client, therapist):
    url = reverse("therapist_hours", args=[therapist.pk])
    page = text(
        clinic_admin_client.post(
            url, {"weekday": 0, "start_time": "17:00", "end_time": "09:00"}
        )
    )
    assert "The end time must be after the start time." in page
    page = text(
        clinic_admin_client.post(
            url, {"weekday": "", "start_time": "nine", "end_time": ""}
        )
    )
    assert "Choose a day." in page and "Enter a time like 10:00 or 14:30." in page
    assert "Enter a time." in page

    response = clinic_admin_client.post(
        url, {"weekday": 0, "start_time": "09:00", "end_time": "13:00"}, follow=True
    )
    assert "Working hours added for Terry Therapist: Monday 09:00–13:00." in text(
        response
    )
    page = text(
        clinic_admin_client.post(
            url, {"weekday": 0, "start_time": "12:00", "end_time": "15:00"}
        )
    )
    assert "This overlaps the hours already set: Monday 09:00–13:00." in page
    clinic_admin_client.post(
        url, {"weekday": 0, "start_time": "13:00", "end_time": "17:00"}
    )
    assert TherapistAvailability.objects.filter(therapist=therapist).count() == 2
    overview = text(clinic_admin_client.get(reverse("working_hours")))
    assert "Monday 09:00–13:00" in overview

    block = TherapistAvailability.objects.get(
        therapist=therapist, start_time=datetime.time(9)
    )
    response = clinic_admin_client.post(
        reverse("remove_hours", args=[block.pk]), follow=True
    )
    assert "Working hours removed for Terry Therapist" in text(response)
    assert TherapistAvailability.objects.filter(therapist=therapist).count() == 1
    assert sorted(audit_actions(object_type="therapy.TherapistAvailability")) == [
        "create",
        "create",
        "delete",
    ]
