"""Changing one session: move, cancel, record attendance, and the replacement the
clinic's policy books for a missed one; and assigning a waiting patient a therapist.

Each is one transaction, and writes its audit event inside it: the change and the
record of who made it are saved together. Times are planned in London wall time (core.timefmt); the
rules a time must meet are in rules.py, and who is told is the outbox's job."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from dit_portal.audit.services import Action, record_change
from dit_portal.core.errors import BookingError
from dit_portal.core.timefmt import at_wall_time, local
from messaging.models import Message
from messaging.queueing import (
    drop_reminders,
    queue_message,
    queue_reminders,
    retime_waiting,
)
from patients.models import Patient
from therapy.models import Clinic, Session

from .availability import closures_for, course_order, find_conflicts
from .booking import add_session
from .planning import PlannedSession, closure_reason
from .rules import (
    check_ahead,
    check_in_order,
    check_patient_may_change,
    check_single_slot,
    lock,
    taken,
)


def move_session(
    session, new_start, *, by, reason, room=..., by_patient=False, ip=None
):
    """Move one session; the other sessions of the course are untouched. It must
    stay between the live sessions before and after it (rules.check_in_order), for
    patients and staff alike: phases, measures and letters follow session numbers."""
    clinic = Clinic.load()
    room = session.room if room is ... else room
    length = session.end - session.start
    if by_patient:
        check_patient_may_change(session, clinic)
    try:
        with transaction.atomic():
            lock(session.therapist, session.patient, room)
            session = Session.objects.select_for_update().get(pk=session.pk)
            if not session.is_booked:
                raise BookingError("Only a booked session can be moved.")
            # Read under the patient's lock, so two moves of one course take turns.
            order = course_order(session)
            check_ahead(new_start, clinic if by_patient else None)
            check_in_order(session, new_start, new_start + length, order, room=room)
            moved_from = session.start
            check_single_slot(
                therapist=session.therapist,
                patient=session.patient,
                room=room,
                start=new_start,
                end=new_start + length,
                exclude=session,
                clinic=clinic if by_patient else None,
                order=order,
            )
            session.start, session.end, session.room = (
                new_start,
                new_start + length,
                room,
            )
            session.change_reason = reason
            session.save()
            drop_reminders(session)
            queue_reminders(session, clinic)
            retime_waiting(session)
            _tell_about_change(
                session, Message.Kind.SESSION_MOVED, by, moved_from=moved_from
            )
            record_change(by, Action.CHANGE, session, patient=session.patient, ip=ip)
            return session
    except IntegrityError as error:
        raise taken(
            session.therapist,
            session.patient,
            room,
            new_start,
            int(length.total_seconds() // 60),
            exclude=session,
        ) from error


def _tell_about_change(session, kind, by, moved_from=None):
    """The patient always hears; the therapist too when someone else made the change.
    A move names the time it moved from, so they know which appointment it was."""
    people = [session.patient.user]
    if by != session.therapist:
        people.append(session.therapist)
    for person in people:
        queue_message(
            kind,
            person,
            course=session.course,
            session=session,
            moved_from=moved_from,
        )


def cancel_session(session, *, by, reason, by_patient=False, status=None, ip=None):
    """Cancel a booked session that has not started. `by_patient` means the patient
    is doing it online (the notice applies); `status` records who cancelled when a
    member of staff enters it (default: the clinic). Returns the session and the
    replacement the clinic's policy booked (or None)."""
    clinic = Clinic.load()
    if not reason.strip():
        raise BookingError("Give a reason for cancelling.")
    if by_patient:
        check_patient_may_change(session, clinic)
        status = Session.Status.CANCELLED_BY_PATIENT
    status = status or Session.Status.CANCELLED_BY_CLINIC
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if not session.is_booked:
            raise BookingError("This session is not booked, so it cannot be cancelled.")
        if session.start <= timezone.now():
            raise BookingError(
                "This session has already started, so it cannot be cancelled. "
                "Record what happened in the diary instead."
            )
        session.status = status
        session.change_reason = reason.strip()
        session.save()
        drop_reminders(session)
        retime_waiting(session)
        _tell_about_change(session, Message.Kind.SESSION_CANCELLED, by)
        record_change(by, Action.CHANGE, session, patient=session.patient, ip=ip)
        replacement = replace_if_policy(session, clinic, by=by, ip=ip)
        return session, replacement


def record_attendance(session, status, *, by, ip=None):
    """The therapist records what happened, with the NHS attendance codes.

    Cancelling a session still to come goes through cancel_session (so the patient
    is told); anything else is recorded once the session has started, and not on a
    session that already has a replacement booked."""
    if status not in Session.ATTENDANCE_STATUSES:
        raise BookingError("Choose what happened at the session.")
    if status in Session.CANCELLED_STATUSES and session.start > timezone.now():
        label = Session.Status(status).label.lower()
        return cancel_session(
            session,
            by=by,
            reason=f"Recorded in the diary as {label}",
            status=status,
            ip=ip,
        )
    clinic = Clinic.load()
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.start > timezone.now():
            raise BookingError(
                "Attendance can be recorded once the session has started."
            )
        if Session.objects.filter(replaces=session).exists():
            raise BookingError(
                "A replacement was already booked for this session, so what happened "
                "cannot be changed here. Ask a clinic admin to check the course."
            )
        session.status = status
        try:
            with transaction.atomic():
                session.save(update_fields=["status", "updated_at"])
        except IntegrityError as error:
            raise BookingError(
                "This session's time has since been given to another session, so it "
                "cannot be marked as held. Ask a clinic admin to check the diary."
            ) from error
        if not session.is_live:
            drop_reminders(session)
        record_change(by, Action.CHANGE, session, patient=session.patient, ip=ip)
        replacement = replace_if_policy(session, clinic, by=by, ip=ip)
        return session, replacement


def replace_if_policy(session, clinic, *, by=None, ip=None):
    """Clinic cancellations are always replaced; a patient's missed session follows
    the clinic's policy. The replacement goes after the course's last session, at the
    course's usual time, in the first week that is free; None if none is. Called
    inside the caller's transaction; `by` made the change that needs it."""
    replace = session.status == Session.Status.CANCELLED_BY_CLINIC or (
        session.status in Session.MISSED_STATUSES and clinic.replaces_missed_sessions
    )
    if not replace or Session.objects.filter(replaces=session).exists():
        return None
    course = session.course
    last = course.sessions.order_by("-start").first()
    last_local = local(last.start)
    start_time = course.start_time or last_local.time()
    closures = closures_for(
        course.therapist,
        last_local.date(),
        last_local.date() + datetime.timedelta(weeks=9),
    )
    for week in range(1, 9):
        day = last_local.date() + datetime.timedelta(weeks=week)
        if closure_reason(day, closures):
            continue
        start = at_wall_time(day, start_time)
        end = start + (session.end - session.start)
        planned = [PlannedSession(0, start, end)]
        if find_conflicts(
            planned,
            therapist=course.therapist,
            patient=course.patient,
            room=session.room,
        ):
            continue
        number = (course.sessions.order_by("-number").first().number or 0) + 1
        try:
            with transaction.atomic():
                new = add_session(
                    course,
                    PlannedSession(number, start, end),
                    clinic,
                    room=session.room,
                    video_link=session.video_link,
                    replaces=session,
                )
        except IntegrityError:
            continue
        record_change(by, Action.CREATE, new, patient=new.patient, ip=ip)
        return new
    return None


def assign_therapist(patient, therapist, *, by=None, ip=None):
    """Assign a waiting patient to a therapist. A patient with a course keeps the
    course's therapist (moving a course to another therapist is not done here)."""
    with transaction.atomic():
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        if patient.courses.current().exists():
            raise BookingError(
                "This patient already has a course with a therapist, so the "
                "therapist cannot be changed here."
            )
        patient.therapist = therapist
        patient.save(update_fields=["therapist"])
        record_change(by, Action.CHANGE, patient, patient=patient, ip=ip)
        return patient
