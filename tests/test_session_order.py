"""Sessions keep their order in the course (issue 12): a session moves only to a time
after the live session before it ends and before the live session after it starts.
The service refuses anything else for every caller; the patient is offered only such
times; the admin's form names the neighbours."""

import datetime

import pytest
from django.urls import reverse

from dit_portal.core import timefmt
from dit_portal.core.errors import BookingError
from dit_portal.core.timefmt import when
from therapy.models import Clinic, Session
from therapy.scheduling import availability, change_time, services

from .factories import next_weekday
from .test_schedule_admin import date_fields

pytestmark = pytest.mark.django_db


def number(course, n):
    return course.sessions.get(number=n)


def day_after(session, days=1):
    return timefmt.local(session.start).date() + datetime.timedelta(days=days)


def at_ten(day):
    return timefmt.at_wall_time(day, datetime.time(10, 0))


def between(course, n):
    before, after = number(course, n - 1), number(course, n + 1)
    return (
        f"Session {n} must stay between session {n - 1} ({when(before.start)}) "
        f"and session {n + 1} ({when(after.start)})."
    )


# The service, for staff and patients alike -----------------------------------------


@pytest.mark.parametrize("by_patient", [False, True])
def test_the_service_refuses_a_move_past_the_next_session(course, by_patient):
    fifth, sixth = number(course, 5), number(course, 6)
    who = course.patient.user if by_patient else course.therapist
    # The day after session 6: free, in working hours, but out of order.
    with pytest.raises(BookingError) as refused:
        services.move_session(
            fifth,
            at_ten(day_after(sixth)),
            by=who,
            reason="Holiday",
            by_patient=by_patient,
        )
    assert refused.value.message.startswith(between(course, 5))
    fifth.refresh_from_db()
    assert fifth.start == number(course, 5).start
    # The nearest free times it offers instead all keep the order.
    assert refused.value.alternatives
    for moment in refused.value.alternatives:
        assert number(course, 4).end <= moment < sixth.start


def test_the_service_refuses_a_move_before_the_previous_session(course):
    fifth = number(course, 5)
    with pytest.raises(BookingError) as refused:
        services.move_session(
            fifth,
            at_ten(day_after(number(course, 3))),
            by=course.therapist,
            reason="Swap",
        )
    assert refused.value.message.startswith(between(course, 5))


def test_the_first_and_last_sessions_have_one_neighbour(course):
    first, second = number(course, 1), number(course, 2)
    with pytest.raises(BookingError) as refused:
        services.move_session(
            first, at_ten(day_after(second)), by=course.therapist, reason="x"
        )
    assert refused.value.message.startswith(
        f"Session 1 must stay before session 2 ({when(second.start)})."
    )
    last, before_last = number(course, 16), number(course, 15)
    with pytest.raises(BookingError) as refused:
        services.move_session(
            last,
            at_ten(day_after(before_last, -1)),
            by=course.therapist,
            reason="x",
        )
    assert refused.value.message.startswith(
        f"Session 16 must stay after session 15 ({when(before_last.start)})."
    )


def test_a_move_between_the_neighbours_is_kept(course):
    fifth = number(course, 5)
    target = at_ten(day_after(fifth, 2))
    moved = services.move_session(
        fifth, target, by=course.therapist, reason="Room works"
    )
    assert moved.start == target


def test_a_cancelled_session_is_not_a_neighbour(course):
    """Session 3 may take the week of a cancelled session 2."""
    second, third = number(course, 2), number(course, 3)
    services.cancel_session(second, by=course.therapist, reason="Unwell")
    target = at_ten(day_after(second, 1))
    moved = services.move_session(third, target, by=course.therapist, reason="Sooner")
    assert moved.start == target
    # Its neighbours are now sessions 1 and 4.
    order = availability.course_order(moved)
    assert (order.before.number, order.after.number) == (1, 4)


# The patient: only times in order are offered ----------------------------------------


def test_the_patient_is_offered_only_times_in_order(course):
    clinic = Clinic.load()
    clinic.booking_window_days = 35  # reaches well past session 3
    clinic.save()
    first, second, third = (number(course, n) for n in (1, 2, 3))
    slots = availability.reschedule_options(second, clinic)
    assert slots
    length = second.end - second.start
    for slot in slots:
        assert first.end <= slot and slot + length <= third.start
    # The therapist is free after session 3 too: those times are not offered.
    free = availability.free_slots(
        therapist=course.therapist,
        first_day=day_after(third),
        last_day=day_after(third, 3),
        minutes=50,
        patient=course.patient,
    )
    assert free and not set(free) & set(slots)
    page = change_time.for_session(second, clinic)
    assert page.rule == between(course, 2)
    assert sorted(t for d in page.days for t in d.times) == slots


def test_the_patient_page_states_the_rule(patient_client, course):
    second = number(course, 2)
    html = patient_client.get(
        reverse("reschedule_session", args=[second.public_id])
    ).content.decode()
    assert between(course, 2) in html.replace("&#x27;", "'")
    assert "Only times that keep this order are shown." in html


def test_a_patient_cannot_post_a_time_out_of_order(patient_client, course):
    second, third = number(course, 2), number(course, 3)
    late = at_ten(day_after(third))
    url = reverse("reschedule_session", args=[second.public_id])
    response = patient_client.post(
        f"{url}?day={day_after(third).isoformat()}",
        {"start": late.astimezone(datetime.UTC).isoformat()},
    )
    assert "nhsuk-error-summary" in response.content.decode()
    second.refresh_from_db()
    assert second.start == number(course, 2).start
    assert second.start < third.start


# The admin: the form names the neighbours ---------------------------------------------


def test_the_admin_move_page_states_the_rule(clinic_admin_client, course):
    url = reverse("admin_move_session", args=[number(course, 5).public_id])
    assert between(course, 5) in clinic_admin_client.get(url).content.decode()


def test_the_admin_cannot_move_a_session_out_of_order(clinic_admin_client, course):
    second, sixteenth = number(course, 2), number(course, 16)
    url = reverse("admin_move_session", args=[second.public_id])
    data = {
        **date_fields("new_date", day_after(sixteenth)),
        "new_time": "10:00",
        "reason": "Patient asked",
    }
    response = clinic_admin_client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in html
    assert between(course, 2) in html
    second.refresh_from_db()
    assert second.start < number(course, 3).start
    assert second.status == Session.Status.BOOKED


# Choosing a day, then a time ----------------------------------------------------------


def test_days_nearest_first_and_times_nearest_the_session_time_first():
    monday = next_weekday(0)
    around = timefmt.at_wall_time(monday, datetime.time(10, 0))

    def at(days, hour):
        return timefmt.at_wall_time(
            monday + datetime.timedelta(days=days), datetime.time(hour)
        )

    slots = [at(-3, 9), at(-1, 15), at(-1, 9), at(1, 9), at(1, 11), at(4, 10)]
    days = change_time.by_day(sorted(slots), around)
    assert [d.day - monday for d in days] == [
        datetime.timedelta(days=n) for n in (-1, 1, -3, 4)
    ]
    assert days[0].times == (at(-1, 9), at(-1, 15))
    assert days[1].times == (at(1, 9), at(1, 11))
    assert days[1].label.endswith("(2 free times)")
    assert days[3].label.endswith("(1 free time)")
