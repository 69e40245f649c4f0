"""Free times and conflicts, read from the database for the pure rules in planning.

Read-only: booking services call these inside their transaction (after locking), and
pages call them to offer times."""

import datetime

from django.utils import timezone

from dit_portal.core.timefmt import day_bounds, first_on_or_after, local
from therapy.models import Clinic, Closure, Session, TherapistAvailability

from . import planning


def closures_for(therapist, first_day, last_day):
    return list(Closure.objects.affecting(therapist).overlapping(first_day, last_day))


def hours_of(therapist):
    return list(TherapistAvailability.objects.filter(therapist=therapist))


def plan_course(*, therapist, start_date, weekday, start_time, sessions, minutes):
    """planning.plan_weeks with the closures that affect this therapist."""
    first = first_on_or_after(start_date, weekday)
    closures = closures_for(therapist, first, planning.plan_horizon(first, sessions))
    return planning.plan_weeks(
        start_date=start_date,
        weekday=weekday,
        start_time=start_time,
        sessions=sessions,
        minutes=minutes,
        closures=closures,
    )


def _busy(start, end, *, therapist, patient=None, room=None, exclude=None):
    """The live sessions' times only (planning reads nothing else): a busy therapist
    has hundreds in a course's 16 weeks, and whole Session objects cost ten times as
    much to build."""
    live = Session.objects.live().between(start, end)
    if exclude is not None:
        live = live.exclude(pk=exclude.pk)

    def times(sessions):
        return list(sessions.values_list("start", "end", named=True))

    return planning.Busy(
        therapist=times(live.filter(therapist=therapist)),
        patient=times(live.filter(patient=patient)) if patient is not None else [],
        room=times(live.filter(room=room)) if room is not None else [],
    )


def find_conflicts(planned, *, therapist, patient, room=None, exclude=None):
    """Every reason a planned session cannot happen (planning.Conflict)."""
    if not planned:
        return []
    first, last = planned[0].start, planned[-1].end
    return planning.conflicts_in(
        planned,
        busy=_busy(
            first,
            last,
            therapist=therapist,
            patient=patient,
            room=room,
            exclude=exclude,
        ),
        availability=hours_of(therapist),
        closures=closures_for(therapist, local(first).date(), local(last).date()),
        now=timezone.now(),
    )


def free_slots(
    *, therapist, first_day, last_day, minutes, patient=None, room=None, exclude=None
):
    """Times in the therapist's hours, on open days, where the therapist, the patient
    and the room are all free."""
    window_start, window_end = day_bounds(first_day, last_day)
    busy = _busy(
        window_start,
        window_end,
        therapist=therapist,
        patient=patient,
        room=room,
        exclude=exclude,
    )
    return planning.slots_in(
        first_day=first_day,
        last_day=last_day,
        minutes=minutes,
        availability=hours_of(therapist),
        closures=closures_for(therapist, first_day, last_day),
        busy=busy.therapist + busy.patient + busy.room,
        now=timezone.now(),
    )


def nearest_free(
    *, therapist, around, minutes, patient=None, room=None, exclude=None, order=None
):
    """The three free times nearest `around`; with `order` (planning.CourseOrder)
    only those that keep the course in order."""
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
    if order is not None:
        length = datetime.timedelta(minutes=minutes)
        slots = [slot for slot in slots if order.allows(slot, slot + length)]
    return sorted(slots, key=lambda s: abs(s - around))[:3]


def course_order(session):
    """The live sessions before and after `session` in its course, by number."""
    live = Session.objects.live().filter(course_id=session.course_id)
    live = live.exclude(pk=session.pk)
    return planning.CourseOrder(
        before=live.filter(number__lt=session.number).order_by("-number").first(),
        after=live.filter(number__gt=session.number).order_by("number").first(),
    )


def reschedule_options(session, clinic, order=None):
    """The times a patient may move `session` to online: their therapist's free
    times within the clinic's booking window, outside the notice, not the same time,
    and between the sessions before and after it (the course stays in order)."""
    today = timezone.localdate()
    earliest = timezone.now() + clinic.notice
    order = order or course_order(session)
    length = session.end - session.start
    slots = free_slots(
        therapist=session.therapist,
        first_day=today,
        last_day=today + datetime.timedelta(days=clinic.booking_window_days),
        minutes=session.minutes,
        patient=session.patient,
        room=session.room,
        exclude=session,
    )
    return [
        slot
        for slot in slots
        if slot >= earliest
        and slot != session.start
        and order.allows(slot, slot + length)
    ]


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


def sessions_hit_by(closure):
    """Booked sessions that fall inside a new closure or leave, for the admin to move."""
    start, end = day_bounds(closure.start_date, closure.end_date)
    sessions = Session.objects.booked().between(start, end)
    if closure.therapist_id:
        sessions = sessions.filter(therapist_id=closure.therapist_id)
    return sessions.with_people()
