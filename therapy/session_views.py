"""Patients' sessions (read, calendar, pick an offered time, cancel, reschedule) and
therapists' caseload, diary, attendance and course timeline.

Courses and sessions are fetched only through therapy.permissions (404 for anything
the user may not see); every change goes through therapy.services."""

import datetime

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Min, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from dit_portal.accounts.decorators import (
    patient_required,
    role_required,
    therapist_required,
)
from dit_portal.accounts.models import User
from dit_portal.audit import services as audit
from dit_portal.forms import posted
from patients.models import Patient
from questionnaires import services as questionnaires

from . import focus, notes, services
from .calendar import calendar_response
from .context_processors import clinic as clinic_context
from .models import ClinicalNote, Course, FocusAgreement, GoodbyeLetter, Session
from .permissions import get_course_for, get_session_for
from .services import BookingError
from .session_forms import (
    AttendanceForm,
    CancelSessionForm,
    OfferForm,
    RescheduleForm,
    WeekForm,
    alternatives_text,
    when,
)

PHASES = {
    "initial": "Initial phase",
    "middle": "Middle phase",
    "ending": "Ending phase",
    "completed": "Completed",
}

# What the patient reads about the phase their therapy is in.
PHASE_GUIDE = {
    "initial": (
        "You and your therapist are getting to know how you relate to the people "
        "in your life and what has been hard. There is no set number of sessions "
        "for this. It ends when you both agree a focus: one pattern in your "
        "relationships to work on."
    ),
    "middle": (
        "You have agreed a focus, and the sessions now work on it: where the "
        "pattern shows up in your life now, including, sometimes, with your "
        "therapist, and how it affects the way you feel."
    ),
    "ending": (
        "These are the last sessions of your course. You and your therapist will "
        "talk about how it feels to finish, what has changed and what you want to "
        "keep working on. Your therapist will give you a goodbye letter."
    ),
    "completed": (
        "Your course of therapy has ended. Your goodbye letter, if you had one, "
        "stays here for you to read."
    ),
}

# What the patient reads about each session's status.
PATIENT_STATUS = {
    Session.Status.BOOKED: "Booked",
    Session.Status.ATTENDED: "Attended",
    Session.Status.LATE_SEEN: "Attended (arrived late)",
    Session.Status.LATE_NOT_SEEN: "Arrived too late to be seen",
    Session.Status.CANCELLED_BY_PATIENT: "Cancelled by you",
    Session.Status.CANCELLED_BY_CLINIC: "Cancelled by the clinic",
    Session.Status.DID_NOT_ATTEND: "Missed",
}


def _clinic(request):
    return clinic_context(request)["clinic"]


def _describe(sessions, course, clinic, now):
    """Add what the pages show to each session; return the next one (or None)."""
    for session in sessions:
        session.phase_label = PHASES.get(services.phase_for(course, session.number))
        session.patient_status = PATIENT_STATUS[session.status]
        session.is_future = session.start > now
        session.may_change = services.patient_may_change(session, clinic)
        session.inside_notice = (
            session.status == Session.Status.BOOKED
            and session.is_future
            and not session.may_change
        )
    upcoming = [
        s for s in sessions if s.status == Session.Status.BOOKED and s.end > now
    ]
    return min(upcoming, key=lambda s: s.start, default=None)


def _refusal(session, clinic):
    """Why the patient cannot change this session online, or None if they can."""
    if services.patient_may_change(session, clinic):
        return None
    if session.status != Session.Status.BOOKED:
        return (
            f"This session is marked '{PATIENT_STATUS[session.status].lower()}', "
            "so it cannot be changed."
        )
    if session.start <= timezone.now():
        return "This session has already started, so it cannot be changed."
    return (
        f"This session is less than {clinic.cancellation_notice_hours} hours away, "
        "so it cannot be cancelled or moved online. "
        f"To cancel or change it, call the clinic on {clinic.phone}."
    )


def _replacement_text(replacement):
    if replacement is None:
        return ""
    return (
        f" Session {replacement.number} has been added on {when(replacement.start)} "
        f"to replace it."
    )


# Patients ---------------------------------------------------------------------------


@patient_required
def my_therapy(request):
    patient = (
        Patient.objects.visible_to(request.user).select_related("therapist").first()
    )
    if patient is None:
        raise Http404
    clinic = _clinic(request)
    now = timezone.now()
    courses = Course.objects.visible_to(request.user).select_related(
        "therapist", "room"
    )
    course = courses.current().first()
    offer_form = None
    if course is not None and course.status == Course.Status.OFFERED:
        offers = course.offers.filter(used_at__isnull=True, start__gt=now)
        offer_form = OfferForm(posted(request), offers=offers)
        if request.method == "POST" and offer_form.is_valid():
            offer = offer_form.cleaned_data["offer"]
            try:
                course = services.accept_offer(offer)
            except BookingError as error:
                offer_form.add_error("offer", alternatives_text(error))
            else:
                audit.record(request, audit.Action.CHANGE, course, patient=patient)
                messages.success(
                    request,
                    f"Your first session is booked for {when(offer.start)}. "
                    "Your other sessions are at the same time each week.",
                )
                return redirect("my_therapy")
    elif request.method == "POST":
        messages.error(
            request, "A time has already been chosen for your first session."
        )
        return redirect("my_therapy")
    if course is None:
        course = courses.first()

    sessions, next_session = [], None
    waiting = []
    phase = shared_focus = letter = None
    if course is not None:
        audit.record(request, audit.Action.VIEW, course, patient=patient)
        sessions = list(
            course.sessions.select_related("room", "replaces").order_by("number")
        )
        next_session = _describe(sessions, course, clinic, now)
        waiting = questionnaires.waiting_for(course, sessions, clinic, now)
        if course.status != Course.Status.OFFERED:
            phase = focus.phase_of_sessions(course, sessions, now)
        shared_focus = (
            FocusAgreement.objects.visible_to(request.user)
            .filter(course=course)
            .order_by("-version")
            .first()
        )
        letter = (
            GoodbyeLetter.objects.visible_to(request.user, now)
            .filter(course=course)
            .first()
        )
    return render(
        request,
        "therapy/my_therapy.html",
        {
            "patient": patient,
            "course": course,
            "sessions": sessions,
            "next_session": next_session,
            "offer_form": offer_form,
            "waiting": waiting,
            "phase": phase,
            "phase_label": PHASES.get(phase),
            "phase_guide": PHASE_GUIDE.get(phase),
            "shared_focus": shared_focus,
            "letter": letter,
        },
    )


@patient_required
def cancel_session(request, public_id):
    session = get_session_for(request.user, public_id)
    clinic = _clinic(request)
    refusal = _refusal(session, clinic)
    form = CancelSessionForm(posted(request))
    if refusal is None and request.method == "POST" and form.is_valid():
        try:
            session, replacement = services.cancel_session(
                session, by=request.user, reason=form.reason_text, by_patient=True
            )
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            audit.record(request, audit.Action.CHANGE, session, patient=session.patient)
            if replacement is not None:
                audit.record(
                    request, audit.Action.CREATE, replacement, patient=session.patient
                )
            messages.success(
                request,
                f"Session {session.number} on {when(session.start)} is cancelled."
                + _replacement_text(replacement),
            )
            return redirect("my_therapy")
    if request.method == "GET":
        audit.record(request, audit.Action.VIEW, session, patient=session.patient)
    return render(
        request,
        "therapy/sessions/cancel.html",
        {"session": session, "form": form, "refusal": refusal},
    )


@patient_required
def reschedule_session(request, public_id):
    session = get_session_for(request.user, public_id)
    clinic = _clinic(request)
    refusal = _refusal(session, clinic)
    slots = [] if refusal is not None else services.reschedule_options(session, clinic)
    form = RescheduleForm(posted(request), slots=slots)
    if refusal is None and request.method == "POST" and form.is_valid():
        old_start = session.start
        try:
            session = services.move_session(
                session,
                form.cleaned_data["start"],
                by=request.user,
                reason="Moved by the patient online",
                by_patient=True,
            )
        except BookingError as error:
            form.add_error("start", alternatives_text(error))
        else:
            audit.record(request, audit.Action.CHANGE, session, patient=session.patient)
            messages.success(
                request,
                f"Session {session.number} has moved from {when(old_start)} "
                f"to {when(session.start)}.",
            )
            return redirect("my_therapy")
    if request.method == "GET":
        audit.record(request, audit.Action.VIEW, session, patient=session.patient)
    return render(
        request,
        "therapy/sessions/reschedule.html",
        {"session": session, "form": form, "refusal": refusal, "slots": slots},
    )


@role_required(User.Role.PATIENT, User.Role.THERAPIST)
def session_calendar(request, public_id):
    session = get_session_for(request.user, public_id)
    audit.record(request, audit.Action.EXPORT, session, patient=session.patient)
    day = services.local(session.start).date().isoformat()
    return calendar_response([session], _clinic(request), f"appointment-{day}.ics")


@role_required(User.Role.PATIENT, User.Role.THERAPIST)
def course_calendar(request, public_id):
    course = get_course_for(request.user, public_id)
    audit.record(request, audit.Action.EXPORT, course, patient=course.patient)
    sessions = course.sessions.select_related("room").order_by("start")
    return calendar_response(sessions, _clinic(request), "appointments.ics")


# Therapists -------------------------------------------------------------------------


def _attach_notes(user, sessions):
    """Give each session its clinical note (or None) and whether one may be written,
    in one query, through the notes' own visibility rule (nothing for clinic
    admins)."""
    notes_by_session = {
        note.session_id: note
        for note in ClinicalNote.objects.visible_to(user)
        .filter(session__in=[s.pk for s in sessions])
        .only("public_id", "status", "session_id")
    }
    now = timezone.now()
    for session in sessions:
        session.clinical_note = notes_by_session.get(session.pk)
        session.may_write_note = (
            user.is_therapist and notes.why_no_note(session, now) is None
        )


@therapist_required
def caseload(request):
    audit.record(request, audit.Action.VIEW, object_type="therapy.Caseload")
    now = timezone.now()
    patients = focus.with_focus_prompt(
        Patient.objects.visible_to(request.user)
        .select_related("user")
        .annotate(
            next_session=Min(
                "sessions__start",
                filter=Q(
                    sessions__status=Session.Status.BOOKED,
                    sessions__start__gte=now,
                    sessions__therapist=request.user,
                ),
            )
        ),
        request.user,
        now,
    )
    patients = list(patients)
    for patient in patients:
        patient.focus_prompt = focus.needs_focus_prompt(patient.initial_session)
    return render(
        request,
        "therapy/caseload.html",
        {
            "patients": patients,
            "risk_flags": list(questionnaires.open_flags_for(request.user)),
        },
    )


@therapist_required
def diary(request):
    form = WeekForm(request.GET or None)
    today = timezone.localdate()
    monday = form.monday(today)
    one_day = datetime.timedelta(days=1)
    week_start = services.at_wall_time(monday, datetime.time(0, 0))
    week_end = services.at_wall_time(monday + 7 * one_day, datetime.time(0, 0))
    today_start = services.at_wall_time(today, datetime.time(0, 0))
    today_end = services.at_wall_time(today + one_day, datetime.time(0, 0))
    sessions = list(
        Session.objects.for_therapist(request.user)
        .filter(
            Q(start__lt=week_end, end__gt=week_start)
            | Q(start__lt=today_end, end__gt=today_start)
        )
        .select_related("room", "patient__user", "course")
        .order_by("start")
    )
    _attach_notes(request.user, sessions)
    for session in sessions:
        session.local_date = services.local(session.start).date()
    days = []
    for offset in range(7):
        day = monday + offset * one_day
        on_day = [s for s in sessions if s.local_date == day]
        if on_day or offset < 5:
            days.append((day, on_day))
    audit.record(
        request,
        audit.Action.VIEW,
        object_type="therapy.Diary",
        object_id=monday.isoformat(),
    )
    return render(
        request,
        "therapy/sessions/diary.html",
        {
            "form": form,
            "today": today,
            "today_sessions": [s for s in sessions if s.local_date == today],
            "monday": monday,
            "days": days,
            "previous_week": monday - 7 * one_day,
            "next_week": monday + 7 * one_day,
            "is_this_week": monday <= today < monday + 7 * one_day,
        },
    )


@therapist_required
def record_attendance(request, public_id):
    session = get_session_for(request.user, public_id)
    initial = {}
    if session.status in Session.ATTENDANCE_STATUSES:
        initial["status"] = session.status
    form = AttendanceForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        status = form.cleaned_data["status"]
        try:
            session, replacement = services.record_attendance(
                session, status, by=request.user
            )
        except BookingError as error:
            form.add_error("status", error.message)
        except IntegrityError:
            form.add_error(
                "status",
                "Another session now uses this time, so this one cannot be marked "
                "as held. Ask a clinic admin to correct the schedule.",
            )
        else:
            audit.record(request, audit.Action.CHANGE, session, patient=session.patient)
            if replacement is not None:
                audit.record(
                    request, audit.Action.CREATE, replacement, patient=session.patient
                )
            label = AttendanceForm.LABELS[session.status]
            messages.success(
                request,
                f"Session {session.number} with {session.patient.user.full_name} "
                f"recorded as: {label}." + _replacement_text(replacement),
            )
            monday = services.local(session.start).date()
            monday -= datetime.timedelta(days=monday.weekday())
            return redirect(f"{reverse('diary')}?week={monday.isoformat()}")
    if request.method == "GET":
        audit.record(request, audit.Action.VIEW, session, patient=session.patient)
    return render(
        request,
        "therapy/sessions/attendance.html",
        {"session": session, "form": form},
    )


@role_required(User.Role.THERAPIST, User.Role.CLINIC_ADMIN)
def course_timeline(request, public_id):
    course = get_course_for(request.user, public_id)
    clinic = _clinic(request)
    audit.record(request, audit.Action.VIEW, course, patient=course.patient)
    sessions = list(
        course.sessions.select_related("room", "replaces", "replaced_by").order_by(
            "number"
        )
    )
    _attach_notes(request.user, sessions)
    for session in sessions:
        session.phase_label = PHASES.get(services.phase_for(course, session.number))
        try:
            session.replacement = session.replaced_by
        except Session.DoesNotExist:
            session.replacement = None
    phase = focus.phase_of_sessions(course, sessions)
    number_now = focus.session_now(sessions)
    latest_focus = letter = None
    if request.user == course.therapist:
        latest_focus = focus.latest_focus(course)
        letter = (
            GoodbyeLetter.objects.filter(course=course)
            .select_related("shared_session")
            .first()
        )
    return render(
        request,
        "therapy/sessions/course.html",
        {
            "course": course,
            "sessions": sessions,
            "clinic": clinic,
            "phase_label": PHASES.get(phase),
            "session_now": number_now,
            "is_their_therapist": request.user == course.therapist,
            "latest_focus": latest_focus,
            "letter": letter,
            "is_closed": course.status in focus.CLOSED,
        },
    )
