"""The scheduling rules that peers get wrong: wall time across clock changes, bank
holidays, one session changing alone, no double booking."""

import datetime
import re
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from dit_portal.core import errors, timefmt
from messaging.models import Message
from therapy.models import Closure, Session
from therapy.scheduling import availability, booking, services

from .factories import (
    PatientFactory,
    RoomFactory,
    TherapistFactory,
    book_course,
    working_week,
)

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def plan(start, weekday, therapist, at=datetime.time(10, 0)):
    return availability.plan_course(
        therapist=therapist,
        start_date=start,
        weekday=weekday,
        start_time=at,
        sessions=16,
        minutes=50,
    )


@pytest.mark.parametrize(
    ("start", "change"),
    [
        (datetime.date(2027, 3, 1), datetime.date(2027, 3, 28)),  # BST starts
        (datetime.date(2027, 10, 4), datetime.date(2027, 10, 31)),  # BST ends
    ],
)
def test_wall_time_survives_the_clock_change(therapist, start, change):
    planned = plan(start, 0, therapist)
    assert len(planned) == 16
    assert {p.local_start.time() for p in planned} == {datetime.time(10, 0)}
    before = [p for p in planned if p.local_start.date() < change]
    after = [p for p in planned if p.local_start.date() > change]
    assert before and after
    utc_hours_before = {p.start.astimezone(datetime.UTC).hour for p in before}
    utc_hours_after = {p.start.astimezone(datetime.UTC).hour for p in after}
    assert len(utc_hours_before) == len(utc_hours_after) == 1
    assert abs(utc_hours_before.pop() - utc_hours_after.pop()) == 1
    assert all(p.end - p.start == datetime.timedelta(minutes=50) for p in planned)


def test_christmas_and_easter_are_skipped_and_there_are_still_16(therapist):
    # Mondays from 7 December 2026: 28 December 2026 (substitute Boxing Day),
    # and Easter Monday 29 March 2027 are bank holidays in England.
    planned = plan(datetime.date(2026, 12, 7), 0, therapist)
    days = [p.local_start.date() for p in planned]
    assert len(planned) == 16
    assert datetime.date(2026, 12, 28) not in days
    assert datetime.date(2027, 3, 29) not in days
    assert days[-1] == datetime.date(2027, 4, 5)  # two weeks later than 16 in a row
    assert [p.number for p in planned] == list(range(1, 17))


def test_christmas_new_year_and_good_friday_on_fridays(therapist):
    planned = plan(datetime.date(2026, 12, 4), 4, therapist)
    days = [p.local_start.date() for p in planned]
    assert datetime.date(2026, 12, 25) not in days  # Christmas Day
    assert datetime.date(2027, 1, 1) not in days  # New Year's Day
    assert datetime.date(2027, 3, 26) not in days  # Good Friday
    assert datetime.date(2027, 3, 19) in days  # an ordinary Friday
    assert len(planned) == 16


def test_clinic_closure_and_leave_are_skipped(therapist, other_therapist):
    start = datetime.date(2027, 6, 7)
    Closure.objects.create(
        start_date=datetime.date(2027, 6, 14),
        end_date=datetime.date(2027, 6, 14),
        reason="Training",
    )
    Closure.objects.create(
        therapist=therapist,
        start_date=datetime.date(2027, 7, 1),
        end_date=datetime.date(2027, 7, 14),
        reason="Annual leave",
    )
    Closure.objects.create(
        therapist=other_therapist,
        start_date=datetime.date(2027, 6, 21),
        end_date=datetime.date(2027, 6, 21),
        reason="Not mine",
    )
    days = [p.local_start.date() for p in plan(start, 0, therapist)]
    assert datetime.date(2027, 6, 14) not in days
    assert (
        datetime.date(2027, 7, 5) not in days and datetime.date(2027, 7, 12) not in days
    )
    assert datetime.date(2027, 6, 21) in days
    assert len(days) == 16


def test_booking_a_course_makes_16_rows_and_reminders(course, clinic):
    sessions = list(course.sessions.order_by("number"))
    assert [s.number for s in sessions] == list(range(1, 17))
    assert all(s.status == "booked" for s in sessions)
    assert Message.objects.filter(kind="welcome", course=course).count() == 1
    assert Message.objects.filter(kind="reminder", course=course).count() == 16 * len(
        clinic.reminder_leads
    )
    course.patient.refresh_from_db()
    assert course.patient.status == "in_therapy"


def test_moving_or_cancelling_one_session_leaves_the_other_15(
    course, clinic, clinic_admin
):
    def snapshot():
        return {
            s.number: (s.start, s.end, s.status, s.room_id)
            for s in course.sessions.all()
        }

    before = snapshot()
    fifth = course.sessions.get(number=5)
    new_start = fifth.start + datetime.timedelta(days=1)
    services.move_session(fifth, new_start, by=clinic_admin, reason="Room repairs")
    after = snapshot()
    assert after[5][0] == new_start
    assert {n: v for n, v in after.items() if n != 5} == {
        n: v for n, v in before.items() if n != 5
    }

    eighth = course.sessions.get(number=8)
    services.cancel_session(eighth, by=clinic_admin, reason="Therapist unwell")
    final = snapshot()
    assert final[8][2] == "cancelled_clinic"
    unchanged = {n: v for n, v in final.items() if n not in (5, 8, 17)}
    assert unchanged == {n: v for n, v in before.items() if n not in (5, 8)}
    # A clinic cancellation is replaced after the last session.
    replacement = course.sessions.get(replaces=eighth)
    assert replacement.number == 17
    assert replacement.start > before[16][0]
    assert replacement.start.astimezone(LONDON).time() == datetime.time(10, 0)
    # The moved session's reminders were replaced; the cancelled one's were dropped.
    assert (
        not Message.objects.pending().filter(session=eighth, kind="reminder").exists()
    )
    assert (
        Message.objects.filter(session=fifth, kind="moved").count() == 2
    )  # patient + therapist


def test_patient_cannot_cancel_inside_the_notice(course, clinic, clock):
    first = course.sessions.get(number=1)
    clock.move_to(first.start - datetime.timedelta(hours=3))
    with pytest.raises(errors.BookingError) as error:
        services.cancel_session(
            first, by=course.patient.user, reason="Ill", by_patient=True
        )
    assert clinic.phone in error.value.message
    first.refresh_from_db()
    assert first.status == "booked"


def test_no_booking_in_the_past_in_a_closure_or_outside_hours(course, clinic_admin):
    session = course.sessions.get(number=3)
    local_day = session.start.astimezone(LONDON).date()
    with pytest.raises(errors.BookingError, match="already passed"):
        services.move_session(
            session,
            timezone.now() - datetime.timedelta(days=1),
            by=clinic_admin,
            reason="x",
        )
    evening = timefmt.at_wall_time(local_day, datetime.time(19, 0))
    with pytest.raises(errors.BookingError, match="working hours"):
        services.move_session(session, evening, by=clinic_admin, reason="x")
    Closure.objects.create(
        start_date=local_day, end_date=local_day, reason="Fire drill"
    )
    morning = timefmt.at_wall_time(local_day, datetime.time(11, 0))
    with pytest.raises(errors.BookingError, match="Clinic closed"):
        services.move_session(session, morning, by=clinic_admin, reason="x")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL constraint")
def test_the_database_refuses_overlaps_from_a_buggy_writer(course, other_patient):
    first = course.sessions.get(number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(
            course=course,
            number=99,
            therapist=course.therapist,
            patient=other_patient,
            start=first.start + datetime.timedelta(minutes=20),
            end=first.end + datetime.timedelta(minutes=20),
        )


def test_the_constraint_and_the_code_agree_on_live_statuses():
    import importlib

    migration = importlib.import_module("therapy.migrations.0003_no_double_booking")
    assert (
        "(" + ", ".join(f"'{s}'" for s in Session.LIVE_STATUSES) + ")" == migration.LIVE
    )


def race(n, attempt):
    """Run `attempt(i)` in n threads, each with its own database connection."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = ("ok", attempt(i))
        except errors.BookingError as error:
            results[i] = ("refused", error)
        except Exception as error:  # noqa: BLE001 - any other outcome fails the test
            results[i] = ("crashed", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_ten_patients_race_for_one_therapist_slot(clinic):
    therapist = TherapistFactory()
    working_week(therapist)
    patients = PatientFactory.create_batch(10, therapist=therapist)
    day = datetime.date.today() + datetime.timedelta(days=14)
    while day.weekday() != 1:
        day += datetime.timedelta(days=1)
    start = timefmt.at_wall_time(day, datetime.time(11, 0))
    offers = [
        booking.offer_first_slots(
            patient=p, therapist=therapist, starts=[start]
        ).offers.get()
        for p in patients
    ]
    results = race(10, lambda i: booking.accept_offer(offers[i]))
    outcomes = [r[0] for r in results]
    assert outcomes.count("ok") == 1, results
    assert outcomes.count("refused") == 9, results
    for kind, error in results:
        if kind == "refused":
            # Who waited for the lock is told who is busy; a loser at the database
            # constraint, that the time was just taken.
            assert re.search("has another session then|just been taken", error.message)
            assert error.alternatives and start not in error.alternatives
    assert Session.objects.live().filter(therapist=therapist, start=start).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_ten_bookings_race_for_one_room(clinic, clinic_admin):
    room = RoomFactory(name="Garden room")
    pairs = []
    for _ in range(10):
        therapist = TherapistFactory()
        working_week(therapist)
        pairs.append((PatientFactory(therapist=therapist), therapist))
    start_date = datetime.date.today() + datetime.timedelta(days=10)

    def attempt(i):
        patient, therapist = pairs[i]
        return book_course(patient, therapist, weekday=2, start=start_date, room=room)

    results = race(10, attempt)
    outcomes = [r[0] for r in results]
    assert outcomes.count("ok") == 1, results
    assert outcomes.count("refused") == 9, results
    assert Session.objects.live().filter(room=room).count() == 16


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL constraint")
def test_reinstating_a_session_whose_time_was_given_away_is_a_clear_refusal(
    course, clinic_admin, other_patient, clock
):
    first = course.sessions.get(number=1)
    services.cancel_session(first, by=clinic_admin, reason="Therapist unwell")
    earlier = first.start
    clock.move_to(earlier + datetime.timedelta(hours=2))
    Session.objects.create(
        course=course,
        number=50,
        therapist=course.therapist,
        patient=other_patient,
        start=earlier,
        end=earlier + datetime.timedelta(minutes=50),
    )
    with pytest.raises(
        errors.BookingError, match="replacement was already booked|given to another"
    ):
        services.record_attendance(
            Session.objects.get(pk=first.pk), "attended", by=course.therapist
        )
    assert Session.objects.get(pk=first.pk).status == "cancelled_clinic"


def test_an_offer_inside_the_notice_cannot_be_taken_online(
    clinic, patient, therapist, clock
):
    working_week(therapist)
    later = availability.free_slots(
        therapist=therapist,
        first_day=timezone.localdate() + datetime.timedelta(days=7),
        last_day=timezone.localdate() + datetime.timedelta(days=21),
        minutes=50,
    )[0]
    course = booking.offer_first_slots(
        patient=patient, therapist=therapist, starts=[later]
    )
    offer = course.offers.get()
    clock.move_to(later - datetime.timedelta(hours=3))  # offered days ago, taken now
    with pytest.raises(errors.BookingError, match=clinic.phone):
        booking.accept_offer(offer)
    assert not course.sessions.exists()


def test_therapist_cancelling_a_future_session_tells_the_patient(course):
    session = course.sessions.get(number=4)
    services.record_attendance(session, "cancelled_patient", by=course.therapist)
    session.refresh_from_db()
    assert session.status == "cancelled_patient"
    assert Message.objects.filter(
        session=session, kind="cancelled", recipient=course.patient.user
    ).exists()
    assert (
        not Message.objects.pending().filter(session=session, kind="reminder").exists()
    )


def test_a_replaced_session_cannot_be_turned_back_into_a_held_one(
    course, clinic_admin, clock
):
    session = course.sessions.get(number=2)
    services.cancel_session(session, by=clinic_admin, reason="Closure")
    clock.move_to(session.start + datetime.timedelta(days=1))
    with pytest.raises(errors.BookingError, match="replacement was already booked"):
        services.record_attendance(
            Session.objects.get(pk=session.pk), "attended", by=course.therapist
        )
    assert course.sessions.live().count() == 16


def test_admins_cannot_cancel_a_session_that_has_started(course, clinic_admin, clock):
    session = course.sessions.get(number=1)
    clock.move_to(session.start + datetime.timedelta(minutes=10))
    with pytest.raises(errors.BookingError, match="already started"):
        services.cancel_session(
            Session.objects.get(pk=session.pk), by=clinic_admin, reason="Oops"
        )


def test_a_time_refused_for_a_room_booked_long_ago_says_the_room_is_busy(
    course, room, clinic_admin, other_therapist, other_patient
):
    # Tess booked Otto into Room 1 on Tuesdays at 10:00 weeks ago.
    working_week(other_therapist)
    book_course(other_patient, other_therapist, weekday=1, room=room)
    session = course.sessions.get(number=1)
    tuesday = session.start + datetime.timedelta(days=1)
    with pytest.raises(errors.SlotTaken) as refused:
        services.move_session(session, tuesday, by=clinic_admin, reason="Ask")
    assert refused.value.message == (
        "That time cannot be booked: the room is booked then. "
        "Here are the nearest free times."
    )
