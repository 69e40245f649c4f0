"""Clinic admins' scheduling pages: the week views, the waiting list, planning a
course, and moving and cancelling sessions (the clinic's rooms, hours and closures
are in resources.py). Thin views: role, form, service call, render."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from dit_portal.accounts.decorators import clinic_admin_required
from dit_portal.accounts.models import User
from dit_portal.audit import services as audit
from dit_portal.core import errors
from dit_portal.core.forms import posted
from dit_portal.core.timefmt import local, monday_of, when
from messaging import health
from patients.permissions import get_patient_for
from therapy.models import Clinic
from therapy.permissions import get_session_for

from .. import availability, booking, rules, services, week
from ..admin_forms import (
    AssignTherapistForm,
    CancelSessionForm,
    MoveSessionForm,
    OfferSlotsForm,
    PlanCourseForm,
)

DAY = datetime.timedelta(days=1)


# Week views -----------------------------------------------------------------------------


def _date_or_none(value):
    """The date in YYYY-MM-DD, or None for anything else (or an absurd year)."""
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2200 else None


def _monday(value):
    """The Monday of the week in ?week=YYYY-MM-DD, or of this week."""
    return monday_of(_date_or_none(value) or timezone.localdate())


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@clinic_admin_required
def schedule(request):
    """The admin home: the clinic's week as counts per therapist and day, or the
    sessions of one therapist, one room or one day."""
    monday = _monday(request.GET.get("week"))
    audit.record(
        request, audit.Action.VIEW, object_type="therapy.WeekView", object_id=monday
    )
    page = week.week(
        monday,
        therapist_id=_int_or_none(request.GET.get("therapist")),
        room_id=_int_or_none(request.GET.get("room")),
        day=_date_or_none(request.GET.get("day")),
        today=timezone.localdate(),
    )
    # Messages that are not going out: the admin hears it here, on their home page.
    sending = health.sending()
    return render(request, "therapy/schedule.html", {**vars(page), "sending": sending})


# Moving and cancelling one session -------------------------------------------------------


def _back_to_week(session):
    """The week of the session's therapist, where its Move and Cancel links are."""
    day = local(session.start).date()
    return f"{week.week_link(monday_of(day), session.therapist)}#day-{day}"


@clinic_admin_required
def move_session(request, public_id):
    session = get_session_for(request.user, public_id)
    audit.record(request, audit.Action.VIEW, session, patient=session.patient)
    alternatives = []
    form = MoveSessionForm(posted(request))
    if not session.is_booked:
        messages.info(request, "Only a booked session can be moved.")
        return redirect(_back_to_week(session))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        room = data["room"] if data["room"] else ...
        try:
            moved = services.move_session(
                session,
                data["new_start"],
                by=request.user,
                reason=data["reason"],
                room=room,
                ip=audit.client_ip(request),
            )
        except errors.BookingError as error:
            alternatives = error.alternatives
            form = MoveSessionForm(posted(request), alternatives=alternatives)
            form.is_valid()
            form.add_error(None, _with_alternatives(error))
        else:
            messages.success(
                request,
                f"Session {moved.number} for {moved.patient.full_name} moved to "
                f"{when(moved.start)}. The patient and therapist will be told.",
            )
            return redirect(_back_to_week(moved))
    context = {"session": session, "form": form, "alternatives": alternatives}
    return render(request, "therapy/schedule/move_session.html", _with_rule(context))


def _with_rule(context):
    """The move page states the rule the service keeps: sessions stay in order."""
    session = context["session"]
    order = availability.course_order(session)
    return {**context, "rule": rules.order_rule(session, order)}


def _with_alternatives(error):
    text = error.message  # a SlotTaken's says who is busy and offers the nearest
    if error.alternatives:
        if not isinstance(error, errors.SlotTaken):
            text += " Here are the nearest free times."
        text += " Choose one of them, or enter another time."
    return text


@clinic_admin_required
def cancel_session(request, public_id):
    session = get_session_for(request.user, public_id)
    audit.record(request, audit.Action.VIEW, session, patient=session.patient)
    if not session.is_booked:
        messages.info(request, "Only a booked session can be cancelled.")
        return redirect(_back_to_week(session))
    form = CancelSessionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            cancelled, replacement = services.cancel_session(
                session,
                by=request.user,
                reason=form.cleaned_data["reason"],
                ip=audit.client_ip(request),
            )
        except errors.BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _cancelled_text(cancelled, replacement))
            return redirect(_back_to_week(cancelled))
    return render(
        request,
        "therapy/schedule/cancel_session.html",
        {"session": session, "form": form},
    )


def _cancelled_text(cancelled, replacement):
    text = (
        f"Session {cancelled.number} for {cancelled.patient.full_name} on "
        f"{when(cancelled.start)} is cancelled. The patient and therapist "
        "will be told."
    )
    if replacement:
        return text + (
            f" A replacement session (session {replacement.number}) was "
            f"added on {when(replacement.start)}."
        )
    return text + " No replacement session was added."


# Waiting list and course planning ---------------------------------------------------------


@clinic_admin_required
def waiting_list(request):
    audit.record(request, audit.Action.VIEW, object_type="therapy.WaitingList")
    patients = week.waiting_patients().select_related("user", "therapist")
    return render(request, "therapy/schedule/waiting_list.html", {"patients": patients})


@clinic_admin_required
def assign_therapist(request, public_id):
    patient = get_patient_for(request.user, public_id)
    audit.record(request, audit.Action.VIEW, patient, patient=patient)
    form = AssignTherapistForm(
        posted(request), initial={"therapist": patient.therapist}
    )
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.assign_therapist(
                patient,
                form.cleaned_data["therapist"],
                by=request.user,
                ip=audit.client_ip(request),
            )
        except errors.BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"{patient.full_name} is assigned to {patient.therapist.full_name}.",
            )
            return redirect("waiting_list")
    return render(
        request,
        "therapy/schedule/assign_therapist.html",
        {"patient": patient, "form": form},
    )


def _current_course(patient):
    return patient.courses.current().select_related("therapist", "room").first()


@clinic_admin_required
def plan_course(request, public_id):
    """Check a weekly plan (each session with what it clashes with), then book it."""
    patient = get_patient_for(request.user, public_id)
    audit.record(request, audit.Action.VIEW, patient, patient=patient)
    current = _current_course(patient)
    form = PlanCourseForm(posted(request), initial={"therapist": patient.therapist})
    rows = []
    if request.method == "POST" and current is None and form.is_valid():
        if request.POST.get("action") == "book":
            booked = _book_course(request, patient, form)
            if booked is not None:
                return booked
        # Check the plan (and show it again after a refused booking).
        rows = _plan_rows(patient, form)
    return render(
        request,
        "therapy/schedule/plan_course.html",
        {
            "patient": patient,
            "current": current,
            "form": form,
            "rows": rows,
            "conflict_count": sum(1 for row in rows if row["conflict"] is not None),
        },
    )


def _book_course(request, patient, form):
    """Book the planned course: a redirect to its first week, or None after adding
    why not to the form."""
    data = form.cleaned_data
    try:
        course = booking.book_course(
            patient=patient,
            therapist=data["therapist"],
            weekday=data["weekday"],
            start_time=data["start_time"],
            start_date=data["start_date"],
            room=data["room"],
            video_link=data["video_link"],
            by=request.user,
            ip=audit.client_ip(request),
        )
    except errors.BookingError as error:
        form.add_error(None, _with_alternatives_listed(error))
        return None
    first = course.sessions.order_by("number").first()
    messages.success(
        request,
        f"Course booked for {patient.full_name}: "
        f"{course.planned_sessions} sessions with "
        f"{course.therapist.full_name}, the first on {when(first.start)}.",
    )
    return redirect(_back_to_week(first))


def _plan_rows(patient, form):
    """Each planned session with its conflict (or None); [] if it cannot be planned,
    with why added to the form."""
    data = form.cleaned_data
    try:
        planned, conflicts = availability.preview_course(
            patient=patient,
            therapist=data["therapist"],
            weekday=data["weekday"],
            start_time=data["start_time"],
            start_date=data["start_date"],
            room=data["room"],
        )
    except errors.BookingError as error:
        form.add_error(None, error.message)
        return []
    return [
        {"session": item, "conflict": conflicts.get(item.number)} for item in planned
    ]


def _with_alternatives_listed(error):
    text = _with_alternatives(error) if error.alternatives else error.message
    if error.alternatives:
        text += " " + "; ".join(when(a) for a in error.alternatives) + "."
    return text


@clinic_admin_required
def offer_slots(request, public_id):
    patient = get_patient_for(request.user, public_id)
    audit.record(request, audit.Action.VIEW, patient, patient=patient)
    current = _current_course(patient)
    form = OfferSlotsForm(posted(request), initial={"therapist": patient.therapist})
    if request.method == "POST" and current is None and form.is_valid():
        data = form.cleaned_data
        try:
            booking.offer_first_slots(
                patient=patient,
                therapist=data["therapist"],
                starts=data["starts"],
                room=data["room"],
                video_link=data["video_link"],
                by=request.user,
                ip=audit.client_ip(request),
            )
        except errors.BookingError as error:
            form.add_error(None, _with_alternatives_listed(error))
        else:
            messages.success(request, _offered_text(patient, data["starts"]))
            return redirect("waiting_list")
    therapist, free = _free_times(form, patient)
    return render(
        request,
        "therapy/schedule/offer_slots.html",
        {
            "patient": patient,
            "current": current,
            "form": form,
            "free": free,
            "free_for": therapist,
        },
    )


def _offered_text(patient, starts):
    times = "; ".join(when(start) for start in starts)
    count = "One time" if len(starts) == 1 else f"{len(starts)} times"
    return (
        f"{count} offered to {patient.full_name}: {times}. "
        "They can choose one in the portal."
    )


def _free_times(form, patient):
    """The therapist chosen on the form (else the patient's), and their first 15 free
    times in the next three weeks, from tomorrow."""
    therapist = form["therapist"].value() if form.is_bound else patient.therapist_id
    therapist = User.objects.therapists().filter(pk=_int_or_none(therapist)).first()
    if therapist is None:
        return None, []
    today = timezone.localdate()
    return therapist, availability.free_slots(
        therapist=therapist,
        first_day=today + DAY,
        last_day=today + datetime.timedelta(weeks=3),
        minutes=Clinic.load().session_minutes,
        patient=patient,
    )[:15]
