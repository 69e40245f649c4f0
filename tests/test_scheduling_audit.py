"""Scheduling changes are audited where they happen: each service writes its own
CHANGE or CREATE event in its transaction, once, with who asked and, from a page,
the address they came from. A refused change leaves no event behind."""

import datetime

import pytest
from django.urls import reverse

from dit_portal.audit.models import AuditEvent
from dit_portal.core import timefmt
from dit_portal.core.errors import BookingError
from therapy.models import MissedSessionPolicy, Session
from therapy.scheduling import booking, services

from .factories import book_course, next_weekday, working_week

pytestmark = pytest.mark.django_db


def events(obj, action):
    return AuditEvent.objects.filter(action=action, object_id=str(obj.public_id))


def test_an_admins_move_is_audited_once_with_their_address(
    clinic_admin_client, clinic_admin, course
):
    session = course.sessions.get(number=3)
    day = timefmt.local(session.start).date() + datetime.timedelta(days=1)
    clinic_admin_client.post(
        reverse("admin_move_session", args=[session.public_id]),
        {
            "new_date_day": day.day,
            "new_date_month": day.month,
            "new_date_year": day.year,
            "new_time": "15:00",
            "reason": "Room works",
        },
        REMOTE_ADDR="10.9.8.7",
    )
    event = events(session, "change").get()
    assert event.actor == clinic_admin
    assert event.actor_role == "clinic_admin"
    assert event.patient == course.patient
    assert event.ip_address == "10.9.8.7"


def test_a_cancellation_made_outside_a_page_is_audited_with_who_made_it(
    clinic, clinic_admin, course
):
    session = course.sessions.get(number=5)
    cancelled, replacement = services.cancel_session(
        session, by=clinic_admin, reason="Therapist unwell"
    )
    event = events(cancelled, "change").get()
    assert (event.actor, event.patient, event.ip_address) == (
        clinic_admin,
        course.patient,
        None,
    )
    created = events(replacement, "create").get()
    assert created.actor == clinic_admin
    assert created.object_type == "therapy.Session"


def test_recording_a_missed_session_audits_it_and_its_replacement(
    clinic, therapist, course
):
    clinic.missed_session_policy = MissedSessionPolicy.REPLACED
    clinic.save()
    session = course.sessions.get(number=1)
    started = session.start - datetime.timedelta(days=14)
    Session.objects.filter(pk=session.pk).update(
        start=started, end=started + datetime.timedelta(minutes=50)
    )
    session.refresh_from_db()
    session, replacement = services.record_attendance(
        session, Session.Status.DID_NOT_ATTEND, by=therapist
    )
    assert events(session, "change").get().actor == therapist
    assert replacement is not None
    assert events(replacement, "create").get().actor == therapist


@pytest.fixture
def offered(clinic, patient, therapist, room, clinic_admin):
    working_week(therapist)
    starts = [timefmt.at_wall_time(next_weekday(1), datetime.time(10, 0))]
    return booking.offer_first_slots(
        patient=patient, therapist=therapist, starts=starts, room=room, by=clinic_admin
    )


def test_offering_and_picking_a_time_are_audited_as_admin_then_patient(
    patient_client, patient, clinic_admin, offered
):
    assert events(offered, "create").get().actor == clinic_admin
    offer = offered.offers.get()
    patient_client.post(reverse("my_therapy"), {"offer": offer.pk})
    event = events(offered, "change").get()
    assert (event.actor, event.patient) == (patient.user, patient)


def test_a_refused_pick_leaves_no_change_event(
    patient, therapist, other_patient, offered
):
    offer = offered.offers.get()
    start = timefmt.local(offer.start)
    book_course(
        other_patient, therapist, weekday=start.weekday(), at=start.time(),
        start=start.date(),
    )  # fmt: skip
    with pytest.raises(BookingError):
        booking.accept_offer(offer, by=patient.user)
    assert not events(offered, "change").exists()


def test_rooms_and_closures_are_audited_by_the_change_not_the_page(
    clinic_admin_client, clinic_admin
):
    clinic_admin_client.post(
        reverse("closures"),
        {
            "start_date_day": 2, "start_date_month": 1, "start_date_year": 2031,
            "end_date_day": 2, "end_date_month": 1, "end_date_year": 2031,
            "reason": "Training",
        },
    )  # fmt: skip
    event = AuditEvent.objects.get(object_type="therapy.Closure", action="create")
    assert event.actor == clinic_admin
    closure_id = event.object_id
    clinic_admin_client.post(reverse("delete_closure", args=[closure_id]))
    deleted = AuditEvent.objects.get(object_type="therapy.Closure", action="delete")
    assert deleted.object_id == closure_id
