"""Scheduling: every operation that changes a course or a session, once.

Times are stored in UTC and planned in Europe/London wall time, so a 10:00 session
stays at 10:00 across the clock changes. Each operation is one transaction that locks
the therapist, patient and room rows it books against; on PostgreSQL exclusion
constraints (migration therapy/0003) refuse overlaps even from a buggy writer, and a
lost race comes back as SlotTaken with the nearest free times.
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.db import IntegrityError, transaction
from django.utils import timezone

from dit_portal.accounts.models import User
from patients.models import Patient

from .models import (
    Clinic,
    Closure,
    Course,
    Message,
    Room,
    Session,
    SlotOffer,
    TherapistAvailability,
)

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC
SLOT_STEP = datetime.timedelta(minutes=60)
ENDING_SESSIONS = 4


class BookingError(Exception):
    """A booking rule refused the change; the message is for the person asking."""

    def __init__(self, message, alternatives=()):
        super().__init__(message)
        self.message = message
        self.alternatives = list(alternatives)


class SlotTaken(BookingError):
    """Someone else booked the time first."""


@dataclass(frozen=True)
class PlannedSession:
    number: int
    start: datetime.datetime
    end: datetime.datetime

    @property
    def local_start(self):
        return self.start.astimezone(LONDON)


@dataclass(frozen=True)
class Conflict:
    number: int
    start: datetime.datetime
    reason: str


# Wall time ------------------------------------------------------------------------


def at_wall_time(day, time):
    """The UTC instant of `time` on `day` in London. A time the spring clock change
    skips (01:30 on the last Sunday of March) is read after it, as 02:30 BST: the
    offset before the gap, as calendars read such a time (RFC 5545, 3.3.5). A time
    the autumn change repeats is the first of the two, in BST."""
    return datetime.datetime.combine(day, time, tzinfo=LONDON).astimezone(UTC)


def local(dt):
    return dt.astimezone(LONDON)


# Closures ---------------------------------------------------------------------------


@lru_cache(maxsize=32)
def bank_holidays(year):
    """England's bank holidays for a year, from the `holidays` package (no network)."""
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def closure_reason(day, closures):
    """Why no sessions happen on `day`, or None. `closures` are Closure rows."""
    holiday = bank_holidays(day.year).get(day)
    if holiday:
        return f"Bank holiday: {holiday}"
    for closure in closures:
        if closure.start_date <= day <= closure.end_date:
            if closure.therapist_id:
                return f"Therapist leave: {closure.reason}"
            return f"Clinic closed: {closure.reason}"
    return None


def closures_for(therapist, first_day, last_day):
    return list(Closure.objects.affecting(therapist).overlapping(first_day, last_day))


# Planning ---------------------------------------------------------------------------


def first_on_or_after(day, weekday):
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def planning_horizon(first, sessions):
    """The last day a course starting on `first` may reach: room for every other week
    to be closed, and two months more."""
    return first + datetime.timedelta(weeks=sessions * 2 + 8)


def plan_course(*, therapist, start_date, weekday, start_time, sessions, minutes):
    """plan_weeks with the closures and leave that affect `therapist`, from the
    database."""
    first = first_on_or_after(start_date, weekday)
    closures = closures_for(therapist, first, planning_horizon(first, sessions))
    return plan_weeks(
        start_date=start_date,
        weekday=weekday,
        start_time=start_time,
        sessions=sessions,
        minutes=minutes,
        closures=closures,
    )


def plan_weeks(*, start_date, weekday, start_time, sessions, minutes, closures):
    """Weekly sessions at the same London wall time, skipping bank holidays, clinic
    closures and the therapist's leave; a skipped week pushes the end back a week.

    Pure: `closures` are Closure rows or anything with start_date, end_date,
    therapist_id and reason, already chosen for the therapist."""
    first = first_on_or_after(start_date, weekday)
    horizon = planning_horizon(first, sessions)
    planned, day = [], first
    length = datetime.timedelta(minutes=minutes)
    while len(planned) < sessions and day <= horizon:
        if closure_reason(day, closures) is None:
            start = at_wall_time(day, start_time)
            planned.append(PlannedSession(len(planned) + 1, start, start + length))
        day += datetime.timedelta(weeks=1)
    if len(planned) < sessions:
        raise BookingError("The clinic is closed for too many of those weeks to plan.")
    return planned


def within_working_hours(therapist, start, end, availability=None):
    if availability is None:
        availability = list(TherapistAvailability.objects.filter(therapist=therapist))
    start_local, end_local = local(start), local(end)
    if start_local.date() != end_local.date():
        return False
    return any(
        slot.weekday == start_local.weekday()
        and slot.start_time <= start_local.time()
        and end_local.time() <= slot.end_time
        for slot in availability
    )


def _overlapping(sessions, start, end):
    return [s for s in sessions if s.start < end and s.end > start]


def find_conflicts(planned, *, therapist, patient, room=None, exclude=None):
    """Every reason a planned session cannot happen, in three queries."""
    if not planned:
        return []
    first, last = planned[0].start, planned[-1].end
    live = Session.objects.live().between(first, last)
    if exclude is not None:
        live = live.exclude(pk=exclude.pk)
    therapist_sessions = list(live.filter(therapist=therapist))
    patient_sessions = list(live.filter(patient=patient)) if patient else []
    room_sessions = list(live.filter(room=room)) if room else []
    availability = list(TherapistAvailability.objects.filter(therapist=therapist))
    closures = closures_for(therapist, local(first).date(), local(last).date())
    conflicts, now = [], timezone.now()
    for item in planned:
        reasons = []
        if item.start <= now:
            reasons.append("this time has already passed")
        closed = closure_reason(local(item.start).date(), closures)
        if closed:
            reasons.append(closed)
        if not within_working_hours(therapist, item.start, item.end, availability):
            reasons.append("outside the therapist's working hours")
        if _overlapping(therapist_sessions, item.start, item.end):
            reasons.append("the therapist has another session then")
        if _overlapping(patient_sessions, item.start, item.end):
            reasons.append("the patient has another session then")
        if _overlapping(room_sessions, item.start, item.end):
            reasons.append("the room is booked then")
        if reasons:
            conflicts.append(Conflict(item.number, item.start, "; ".join(reasons)))
    return conflicts


def phase_for(course, number):
    """The phase a session belongs to: initial (open-ended) until the patient agrees
    a focus, middle from the session at which they agreed it, ending for the last
    four planned sessions. A session keeps its phase after the course closes (the
    course itself is then "completed": focus.phase_of_sessions). No queries: the
    agreeing session is kept on the course."""
    if number > course.planned_sessions - ENDING_SESSIONS:
        return "ending"
    agreed = course.focus_agreed_session
    if agreed is not None and number >= agreed:
        return "middle"
    return "initial"


def phases_for(course, numbers):
    """{session number: phase} for many sessions at once (for charts and timelines)."""
    return {number: phase_for(course, number) for number in numbers}


# Free times -------------------------------------------------------------------------


def free_slots(
    *, therapist, first_day, last_day, minutes, patient=None, room=None, exclude=None
):
    """Times in the therapist's hours, on open days, where the therapist, the patient
    and the room are all free; on the hour from the start of each working block."""
    now = timezone.now()
    availability = list(TherapistAvailability.objects.filter(therapist=therapist))
    window_start = at_wall_time(first_day, datetime.time(0, 0))
    window_end = at_wall_time(
        last_day + datetime.timedelta(days=1), datetime.time(0, 0)
    )
    live = Session.objects.live().between(window_start, window_end)
    if exclude is not None:
        live = live.exclude(pk=exclude.pk)
    busy = list(live.filter(therapist=therapist))
    if patient is not None:
        busy += list(live.filter(patient=patient))
    if room is not None:
        busy += list(live.filter(room=room))
    closures = closures_for(therapist, first_day, last_day)
    length = datetime.timedelta(minutes=minutes)
    slots, day = [], first_day
    while day <= last_day:
        if closure_reason(day, closures) is None:
            for block in availability:
                if block.weekday != day.weekday():
                    continue
                start = at_wall_time(day, block.start_time)
                block_end = at_wall_time(day, block.end_time)
                while start + length <= block_end:
                    if start > now and not _overlapping(busy, start, start + length):
                        slots.append(start)
                    start += SLOT_STEP
        day += datetime.timedelta(days=1)
    return sorted(set(slots))


def nearest_free(*, therapist, around, minutes, patient=None, room=None, exclude=None):
    day = local(around).date()
    slots = free_slots(
        therapist=therapist,
        first_day=max(day - datetime.timedelta(days=7), timezone.localdate()),
        last_day=day + datetime.timedelta(days=14),
        minutes=minutes,
        patient=patient,
        room=room,
        exclude=exclude,
    )
    return sorted(slots, key=lambda s: abs(s - around))[:3]


# Rules for a single time --------------------------------------------------------------


def check_single_slot(
    *, therapist, patient, room, start, end, exclude=None, by_patient=False, clinic=None
):
    """Raise BookingError unless one session can happen at start–end."""
    now = timezone.now()
    if start <= now:
        raise BookingError("That time has already passed. Choose a time in the future.")
    if start > now + datetime.timedelta(days=2 * 366):
        raise BookingError("Choose a time within the next two years.")
    if by_patient:
        clinic = clinic or Clinic.load()
        notice = datetime.timedelta(hours=clinic.cancellation_notice_hours)
        if start < now + notice:
            raise BookingError(
                f"Sessions can only be booked online at least "
                f"{clinic.cancellation_notice_hours} hours ahead. "
                f"Call the clinic on {clinic.phone} to arrange a time sooner."
            )
    planned = [PlannedSession(0, start, end)]
    conflicts = find_conflicts(
        planned, therapist=therapist, patient=patient, room=room, exclude=exclude
    )
    if conflicts:
        minutes = int((end - start).total_seconds() // 60)
        reason = conflicts[0].reason
        if "session then" in reason or "booked then" in reason:
            raise _taken(therapist, patient, room, start, minutes, exclude=exclude)
        raise BookingError(
            f"That time cannot be booked: {reason}.",
            nearest_free(
                therapist=therapist,
                around=start,
                minutes=minutes,
                patient=patient,
                room=room,
                exclude=exclude,
            ),
        )


def _lock(therapist, patient, room):
    """Serialise bookings that touch the same therapist, patient or room."""
    User.objects.select_for_update().filter(pk=therapist.pk).first()
    if patient is not None:
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
    if room is not None:
        Room.objects.select_for_update().filter(pk=room.pk).first()


def _taken(therapist, patient, room, around, minutes, exclude=None):
    return SlotTaken(
        "That time has just been taken. Here are the nearest free times.",
        nearest_free(
            therapist=therapist,
            around=around,
            minutes=minutes,
            patient=patient,
            room=room,
            exclude=exclude,
        ),
    )


# Messages (the outbox) ------------------------------------------------------------


def queue_message(
    kind, recipient, *, course=None, session=None, due_at=None, lead=None, key=""
):
    """Write one outbox row in the caller's transaction; therapy/outbox.py sends it.

    The database keeps messages unique (see Message.Meta.constraints): queueing one
    that already exists returns the existing row instead of a second one. A message
    due now is also handed to a worker once the transaction commits (if the broker is
    down, the periodic dispatch sends it later)."""
    now = timezone.now()
    due_at = due_at or now
    try:
        with transaction.atomic():
            message = Message.objects.create(
                kind=kind,
                recipient=recipient,
                course=course,
                session=session,
                due_at=due_at,
                lead_hours=lead,
                key=key,
                # Handed to a worker on commit below: the periodic dispatch leaves
                # it alone unless that hand-over is lost.
                enqueued_at=now if due_at <= now else None,
            )
    except IntegrityError:
        existing = (
            Message.objects.filter(
                kind=kind, recipient=recipient, status__in=Message.LIVE_STATUSES
            )
            .filter(course=course, session=session, key=key, lead_hours=lead)
            .first()
        )
        if existing is None:
            raise
        return existing
    if due_at <= now:
        from . import outbox

        outbox.enqueue_on_commit(message.pk, now)
    return message


def queue_reminders(session, clinic):
    """One reminder per lead time that is still in the future."""
    now = timezone.now()
    for lead in clinic.reminder_leads:
        due = session.start - datetime.timedelta(hours=lead)
        if due > now:
            queue_message(
                Message.Kind.REMINDER,
                session.patient.user,
                course=session.course,
                session=session,
                due_at=due,
                lead=lead,
            )


def drop_reminders(session):
    """The session moved or will not happen: its reminders not yet sent never will.

    Rows a worker is sending are cancelled too; the worker checks the status under a
    row lock just before sending (therapy/outbox.py), so a cancel either waits for a
    send already under way or stops it."""
    Message.objects.outstanding().filter(
        session=session, kind=Message.Kind.REMINDER
    ).update(status=Message.Status.CANCELLED, last_error="")


def retime_waiting(session):
    """A "something is waiting" message timed to a session (a goodbye letter shared
    at it) follows the session: due at its new start when it moves, due now when it
    will not happen (the letter is then readable at once)."""
    now = timezone.now()
    due = session.start if session.status == Session.Status.BOOKED else now
    Message.objects.pending().filter(session=session, kind=Message.Kind.WAITING).update(
        due_at=max(due, now), enqueued_at=None
    )


# Operations ---------------------------------------------------------------------------


def _create_sessions(course, planned, clinic):
    sessions = []
    for item in planned:
        session = Session.objects.create(
            course=course,
            number=item.number,
            therapist=course.therapist,
            patient=course.patient,
            start=item.start,
            end=item.end,
            room=course.room,
            video_link=course.video_link,
        )
        queue_reminders(session, clinic)
        sessions.append(session)
    return sessions


def book_course(
    *, patient, therapist, weekday, start_time, start_date, room=None, video_link=""
):
    """Plan and book a whole course. Raises BookingError listing what conflicts."""
    clinic = Clinic.load()
    planned = []
    try:
        with transaction.atomic():
            _lock(therapist, patient, room)
            if patient.courses.current().exists():
                raise BookingError("This patient already has a course.")
            planned = plan_course(
                therapist=therapist,
                start_date=start_date,
                weekday=weekday,
                start_time=start_time,
                sessions=clinic.course_sessions,
                minutes=clinic.session_minutes,
            )
            if planned[0].start <= timezone.now():
                raise BookingError("The first session would be in the past.")
            conflicts = find_conflicts(
                planned, therapist=therapist, patient=patient, room=room
            )
            if conflicts:
                raise BookingError(
                    f"{len(conflicts)} of the sessions cannot be booked.",
                )
            course = Course.objects.create(
                patient=patient,
                therapist=therapist,
                planned_sessions=clinic.course_sessions,
                session_minutes=clinic.session_minutes,
                weekday=weekday,
                start_time=start_time,
                start_date=planned[0].local_start.date(),
                room=room,
                video_link=video_link,
            )
            _create_sessions(course, planned, clinic)
            _start_therapy(patient, therapist)
            _welcome(course)
            return course
    except IntegrityError as error:
        around = planned[0].start if planned else timezone.now()
        raise _taken(
            therapist, patient, room, around, clinic.session_minutes
        ) from error


def _welcome(course):
    """A booked course: the welcome message and the intake questionnaire."""
    from questionnaires.services import assign_intake

    queue_message(Message.Kind.WELCOME, course.patient.user, course=course)
    assign_intake(course)


def _start_therapy(patient, therapist):
    patient.therapist = therapist
    patient.status = Patient.Status.IN_THERAPY
    patient.save(update_fields=["therapist", "status"])


def offer_first_slots(*, patient, therapist, starts, room=None, video_link=""):
    """Offer times for the first session; the patient picks one in the portal."""
    clinic = Clinic.load()
    length = datetime.timedelta(minutes=clinic.session_minutes)
    if not starts:
        raise BookingError("Offer at least one time.")
    with transaction.atomic():
        _lock(therapist, patient, room)
        if patient.courses.current().exists():
            raise BookingError("This patient already has a course.")
        for start in starts:
            check_single_slot(
                therapist=therapist,
                patient=patient,
                room=room,
                start=start,
                end=start + length,
            )
        course = Course.objects.create(
            patient=patient,
            therapist=therapist,
            planned_sessions=clinic.course_sessions,
            session_minutes=clinic.session_minutes,
            room=room,
            video_link=video_link,
            status=Course.Status.OFFERED,
        )
        SlotOffer.objects.bulk_create(SlotOffer(course=course, start=s) for s in starts)
        patient.therapist = therapist
        patient.save(update_fields=["therapist"])
        queue_message(Message.Kind.FIRST_SESSION_OFFER, patient.user, course=course)
        return course


def accept_offer(offer):
    """The patient picks an offered time: the course is planned weekly from it."""
    clinic = Clinic.load()
    course = offer.course
    try:
        with transaction.atomic():
            _lock(course.therapist, course.patient, course.room)
            course = Course.objects.select_for_update().get(pk=course.pk)
            if (
                course.status != Course.Status.OFFERED
                or course.offers.filter(used_at__isnull=False).exists()
            ):
                raise BookingError("A time has already been chosen for this course.")
            start_local = local(offer.start)
            planned = plan_course(
                therapist=course.therapist,
                start_date=start_local.date(),
                weekday=start_local.weekday(),
                start_time=start_local.time(),
                sessions=course.planned_sessions,
                minutes=course.session_minutes,
            )
            if planned[0].start != offer.start:
                raise BookingError(
                    "The clinic is closed on that day. Choose another time."
                )
            if offer.start <= timezone.now():
                raise BookingError("That time has passed. Choose another time.")
            notice = datetime.timedelta(hours=clinic.cancellation_notice_hours)
            if offer.start < timezone.now() + notice:
                raise BookingError(
                    f"That time is less than {clinic.cancellation_notice_hours} hours "
                    f"away, so it cannot be booked online. Call the clinic on "
                    f"{clinic.phone}."
                )
            conflicts = find_conflicts(
                planned[:1],
                therapist=course.therapist,
                patient=course.patient,
                room=course.room,
            )
            if conflicts:
                raise _taken(
                    course.therapist,
                    course.patient,
                    course.room,
                    offer.start,
                    course.session_minutes,
                )
            # Later weeks that clash are booked anyway only if free; otherwise the
            # admin sees them as conflicts to move (the first time is what was offered).
            later = find_conflicts(
                planned,
                therapist=course.therapist,
                patient=course.patient,
                room=course.room,
            )
            clashing = {c.number for c in later}
            if clashing:
                raise BookingError(
                    "Some later weeks at that time are not free. "
                    f"Call the clinic on {clinic.phone} to arrange your sessions."
                )
            course.weekday = start_local.weekday()
            course.start_time = start_local.time()
            course.start_date = start_local.date()
            course.status = Course.Status.ACTIVE
            course.save()
            _create_sessions(course, planned, clinic)
            offer.used_at = timezone.now()
            offer.save(update_fields=["used_at"])
            _start_therapy(course.patient, course.therapist)
            _welcome(course)
            return course
    except IntegrityError as error:
        raise _taken(
            course.therapist,
            course.patient,
            course.room,
            offer.start,
            course.session_minutes,
        ) from error


def move_session(session, new_start, *, by, reason, room=..., by_patient=False):
    """Move one session; the other sessions of the course are untouched."""
    clinic = Clinic.load()
    room = session.room if room is ... else room
    length = session.end - session.start
    if by_patient:
        _check_patient_may_change(session, clinic)
    try:
        with transaction.atomic():
            _lock(session.therapist, session.patient, room)
            session = Session.objects.select_for_update().get(pk=session.pk)
            if session.status != Session.Status.BOOKED:
                raise BookingError("Only a booked session can be moved.")
            check_single_slot(
                therapist=session.therapist,
                patient=session.patient,
                room=room,
                start=new_start,
                end=new_start + length,
                exclude=session,
                by_patient=by_patient,
                clinic=clinic,
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
            _tell_about_change(session, Message.Kind.SESSION_MOVED, by)
            return session
    except IntegrityError as error:
        raise _taken(
            session.therapist,
            session.patient,
            room,
            new_start,
            int(length.total_seconds() // 60),
            exclude=session,
        ) from error


def _check_patient_may_change(session, clinic):
    notice = datetime.timedelta(hours=clinic.cancellation_notice_hours)
    if session.start - timezone.now() < notice:
        raise BookingError(
            f"This session is less than {clinic.cancellation_notice_hours} hours away, "
            f"so it cannot be changed online. Call the clinic on {clinic.phone}."
        )


def reschedule_options(session, clinic):
    """The times a patient may move `session` to online: their therapist's free
    times within the clinic's booking window, outside the notice, not the same time."""
    today = timezone.localdate()
    earliest = timezone.now() + datetime.timedelta(
        hours=clinic.cancellation_notice_hours
    )
    slots = free_slots(
        therapist=session.therapist,
        first_day=today,
        last_day=today + datetime.timedelta(days=clinic.booking_window_days),
        minutes=int((session.end - session.start).total_seconds() // 60),
        patient=session.patient,
        room=session.room,
        exclude=session,
    )
    return [slot for slot in slots if slot >= earliest and slot != session.start]


def preview_course(*, patient, therapist, weekday, start_time, start_date, room=None):
    """The planned sessions of a course and, by number, why any of them cannot be
    booked: what the admin sees before booking."""
    clinic = Clinic.load()
    planned = plan_course(
        therapist=therapist,
        start_date=start_date,
        weekday=weekday,
        start_time=start_time,
        sessions=clinic.course_sessions,
        minutes=clinic.session_minutes,
    )
    conflicts = find_conflicts(planned, therapist=therapist, patient=patient, room=room)
    return planned, {c.number: c.reason for c in conflicts}


def patient_may_change(session, clinic):
    try:
        _check_patient_may_change(session, clinic)
    except BookingError:
        return False
    return session.status == Session.Status.BOOKED


def _tell_about_change(session, kind, by):
    """The patient always hears; the therapist too when someone else made the change."""
    queue_message(kind, session.patient.user, course=session.course, session=session)
    if by != session.therapist:
        queue_message(kind, session.therapist, course=session.course, session=session)


def cancel_session(session, *, by, reason, by_patient=False, status=None):
    """Cancel a booked session that has not started. `by_patient` means the patient
    is doing it online (the notice applies); `status` records who cancelled when a
    member of staff enters it (default: the clinic)."""
    clinic = Clinic.load()
    if not reason.strip():
        raise BookingError("Give a reason for cancelling.")
    if by_patient:
        _check_patient_may_change(session, clinic)
        status = Session.Status.CANCELLED_BY_PATIENT
    status = status or Session.Status.CANCELLED_BY_CLINIC
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.status != Session.Status.BOOKED:
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
        replacement = replace_if_policy(session, clinic)
        return session, replacement


CANCELLED_STATUSES = (
    Session.Status.CANCELLED_BY_PATIENT,
    Session.Status.CANCELLED_BY_CLINIC,
)


def record_attendance(session, status, *, by):
    """The therapist records what happened, with the NHS attendance codes.

    Cancelling a session still to come goes through cancel_session (so the patient
    is told); anything else is recorded once the session has started, and not on a
    session that already has a replacement booked."""
    if status not in Session.ATTENDANCE_STATUSES:
        raise BookingError("Choose what happened at the session.")
    if status in CANCELLED_STATUSES and session.start > timezone.now():
        label = Session.Status(status).label.lower()
        return cancel_session(
            session, by=by, reason=f"Recorded in the diary as {label}", status=status
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
        replacement = replace_if_policy(session, clinic)
        return session, replacement


def replace_if_policy(session, clinic):
    """Clinic cancellations are always replaced; a patient's missed session follows
    the clinic's policy. The replacement goes after the course's last session, at the
    course's usual time, in the first week that is free; None if none is."""
    replace = session.status == Session.Status.CANCELLED_BY_CLINIC or (
        session.status in Session.MISSED_STATUSES
        and clinic.missed_session_policy == "replaced"
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
                new = Session.objects.create(
                    course=course,
                    number=number,
                    therapist=course.therapist,
                    patient=course.patient,
                    start=start,
                    end=end,
                    room=session.room,
                    video_link=session.video_link,
                    replaces=session,
                )
        except IntegrityError:
            continue
        queue_reminders(new, clinic)
        return new
    return None


def assign_therapist(patient, therapist):
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
        return patient


def sessions_hit_by(closure):
    """Booked sessions that fall inside a new closure or leave, for the admin to move."""
    start = at_wall_time(closure.start_date, datetime.time(0, 0))
    end = at_wall_time(
        closure.end_date + datetime.timedelta(days=1), datetime.time(0, 0)
    )
    sessions = Session.objects.filter(status=Session.Status.BOOKED).between(start, end)
    if closure.therapist_id:
        sessions = sessions.filter(therapist_id=closure.therapist_id)
    return sessions.with_people()
