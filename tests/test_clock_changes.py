"""The clock changes: a time the spring change skips is read after it (01:30 on
28 March 2027 is 02:30 BST), a time the autumn change repeats is its first
occurrence (01:30 BST on 31 October 2027), and a weekly course booked through a
change keeps its wall time in the stored sessions."""

import datetime

import pytest

from dit_portal.core import timefmt

from .factories import book_course, working_week

UTC = datetime.UTC
HALF_PAST_ONE = datetime.time(1, 30)
SPRING, AUTUMN = datetime.date(2027, 3, 28), datetime.date(2027, 10, 31)


def test_01_30_on_the_spring_change_day_is_02_30_bst():
    start = timefmt.at_wall_time(SPRING, HALF_PAST_ONE)
    assert start == datetime.datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert timefmt.local(start).isoformat() == "2027-03-28T02:30:00+01:00"
    assert timefmt.when(start) == "Sunday 28 March 2027, 02:30"


def test_01_30_on_the_autumn_change_day_is_the_first_occurrence_in_bst():
    start = timefmt.at_wall_time(AUTUMN, HALF_PAST_ONE)
    assert start == datetime.datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    assert timefmt.local(start).isoformat() == "2027-10-31T01:30:00+01:00"
    # The second 01:30 (GMT) is an hour later: not the one chosen.
    repeated = datetime.datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    assert timefmt.local(repeated).strftime("%H:%M %Z") == "01:30 GMT"
    assert repeated - start == datetime.timedelta(hours=1)


def test_the_day_of_each_change_is_23_and_25_hours_long():
    """Pages that list a day (the week view, today's sessions) read its bounds here."""
    for day, hours in ((SPRING, 23), (AUTUMN, 25)):
        first, after = timefmt.day_bounds(day)
        assert after - first == datetime.timedelta(hours=hours)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "change", "utc_before", "utc_after", "zone_after"),
    [
        (datetime.date(2027, 3, 1), SPRING, 10, 9, "BST"),  # GMT, then BST
        (datetime.date(2027, 10, 4), AUTUMN, 9, 10, "GMT"),  # BST, then GMT
    ],
)
def test_a_weekly_course_booked_through_a_change_keeps_its_wall_time(
    clinic, patient, therapist, room, first, change, utc_before, utc_after, zone_after
):
    working_week(therapist)
    course = book_course(patient, therapist, start=first, room=room)
    sessions = list(course.sessions.order_by("start"))
    assert len(sessions) == clinic.course_sessions
    assert {timefmt.local(s.start).strftime("%A %H:%M") for s in sessions} == {
        "Monday 10:00"
    }
    before = [s for s in sessions if s.start.date() < change]
    after = [s for s in sessions if s.start.date() > change]
    assert before and after
    assert {s.start.astimezone(UTC).hour for s in before} == {utc_before}
    assert {s.start.astimezone(UTC).hour for s in after} == {utc_after}
    # What the patient's reminder says of the first session after the change.
    assert timefmt.uk_time(after[0].start).endswith(f"at 10am ({zone_after})")
