"""The booking rules that services apply before changing anything: whether one time
can be booked, the patient's notice for changes online, and the row locks that make
two bookings at once take turns.

On PostgreSQL exclusion constraints (migration therapy/0003) refuse overlapping live
sessions even from a buggy writer; a lost race comes back as SlotTaken with the
nearest free times."""

import datetime

from django.utils import timezone

from dit_portal.accounts.models import User
from dit_portal.core.errors import BookingError, SlotTaken
from dit_portal.core.timefmt import when
from patients.models import Patient
from therapy.models import Room

from .availability import find_conflicts, nearest_free
from .planning import PlannedSession

FURTHEST_AHEAD = datetime.timedelta(days=2 * 366)


def lock(therapist, patient, room):
    """Serialise bookings that touch the same therapist, patient or room."""
    User.objects.select_for_update().filter(pk=therapist.pk).first()
    if patient is not None:
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
    if room is not None:
        Room.objects.select_for_update().filter(pk=room.pk).first()


def taken(
    therapist, patient, room, around, minutes, exclude=None, order=None, because=""
):
    """The refusal of a time another booking holds. `because` says who is busy (the
    Clash words: "the room is booked then"), as the check before booking found it;
    a race lost at the database constraint has no such words and was just taken."""
    words = (
        f"That time cannot be booked: {because}"
        if because
        else ("That time has just been taken")
    )
    return SlotTaken(
        f"{words}. Here are the nearest free times.",
        nearest_free(
            therapist=therapist,
            around=around,
            minutes=minutes,
            patient=patient,
            room=room,
            exclude=exclude,
            order=order,
        ),
    )


# The patient's notice --------------------------------------------------------------


def inside_notice(start, clinic, now=None):
    """True when `start` is too close for the patient to book, move or cancel online."""
    return start - (now or timezone.now()) < clinic.notice


def notice_refusal(clinic, *, booking=False):
    """The one wording of the notice rule, for services and pages alike."""
    hours, phone = clinic.cancellation_notice_hours, clinic.phone
    if booking:
        return (
            f"That time is less than {hours} hours away, so it cannot be booked "
            f"online. Call the clinic on {phone} to arrange a time sooner."
        )
    return (
        f"This session is less than {hours} hours away, so it cannot be cancelled "
        f"or moved online. To cancel or change it, call the clinic on {phone}."
    )


def check_patient_may_change(session, clinic):
    if inside_notice(session.start, clinic):
        raise BookingError(notice_refusal(clinic))


def patient_may_change(session, clinic, now=None):
    return session.is_booked and not inside_notice(session.start, clinic, now)


# One time ---------------------------------------------------------------------------


def check_ahead(start, clinic=None):
    """Refuse a time that has passed or is too far ahead (with `clinic`, one inside
    the patient's notice): said before any other rule, as the plainest reason."""
    now = timezone.now()
    if start <= now:
        raise BookingError("That time has already passed. Choose a time in the future.")
    if start > now + FURTHEST_AHEAD:
        raise BookingError("Choose a time within the next two years.")
    if clinic is not None and inside_notice(start, clinic, now):
        raise BookingError(notice_refusal(clinic, booking=True))


def check_single_slot(
    *, therapist, patient, room, start, end, exclude=None, clinic=None, order=None
):
    """Raise BookingError unless one session can happen at start–end. With `clinic`
    the patient is booking online, so the clinic's notice applies too; with `order`
    (a moved session's neighbours) the nearest free times offered keep the course
    in order."""
    check_ahead(start, clinic)
    conflicts = find_conflicts(
        [PlannedSession(0, start, end)],
        therapist=therapist,
        patient=patient,
        room=room,
        exclude=exclude,
    )
    if not conflicts:
        return
    minutes = int((end - start).total_seconds() // 60)
    if conflicts[0].is_taken:
        raise taken(
            therapist,
            patient,
            room,
            start,
            minutes,
            exclude=exclude,
            order=order,
            because=conflicts[0].reason,
        )
    raise BookingError(
        f"That time cannot be booked: {conflicts[0].reason}.",
        nearest_free(
            therapist=therapist,
            around=start,
            minutes=minutes,
            patient=patient,
            room=room,
            exclude=exclude,
            order=order,
        ),
    )


# The course's order -------------------------------------------------------------------


def order_rule(session, order):
    """The rule a move must keep, in words ("" when the session has no live
    neighbours): 'Session 5 must stay between session 4 (…) and session 6 (…).'"""
    before, after = order.before, order.after
    if before and after:
        where = (
            f"between session {before.number} ({when(before.start)}) "
            f"and session {after.number} ({when(after.start)})"
        )
    elif before:
        where = f"after session {before.number} ({when(before.start)})"
    elif after:
        where = f"before session {after.number} ({when(after.start)})"
    else:
        return ""
    return f"Session {session.number} must stay {where}."


def check_in_order(session, start, end, order, *, room):
    """Refuse a time that would put `session` out of its course's order, offering
    the nearest free times (in `room`) that keep it."""
    if order.allows(start, end):
        return
    raise BookingError(
        f"{order_rule(session, order)} Sessions keep their order in the course.",
        nearest_free(
            therapist=session.therapist,
            around=start,
            minutes=int((end - start).total_seconds() // 60),
            patient=session.patient,
            room=room,
            exclude=session,
            order=order,
        ),
    )
