"""Patients' sessions: My therapy (read, pick an offered time), cancel, move, and
calendar files.

Courses and sessions are fetched only through therapy.permissions (404 for anything
the user may not see); every change goes through the scheduling services."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from dit_portal.accounts.decorators import (
    patient_required,
    role_required,
)
from dit_portal.accounts.models import User
from dit_portal.audit import services as audit
from dit_portal.core.errors import BookingError
from dit_portal.core.forms import posted
from dit_portal.core.timefmt import local, when
from messaging.calendar import calendar_response
from patients.models import Patient
from questionnaires import services as questionnaires
from therapy import phases
from therapy.clinic.context_processors import clinic as clinic_context
from therapy.models import Course, FocusAgreement, GoodbyeLetter, Session
from therapy.permissions import get_course_for, get_session_for

from .. import availability, booking, rules, services
from ..forms import (
    CancelSessionForm,
    OfferForm,
    RescheduleForm,
    alternatives_text,
)

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


def _describe(sessions, course, clinic, now):
    """Add what the pages show to each session; return the next one (or None)."""
    for session in sessions:
        session.phase_label = phases.phase_for(course, session.number).label
        session.patient_status = PATIENT_STATUS[session.status]
        session.is_future = session.start > now
        session.may_change = rules.patient_may_change(session, clinic)
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
    if rules.patient_may_change(session, clinic):
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


def replacement_text(replacement):
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
    clinic = clinic_context(request)["clinic"]
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
                course = booking.accept_offer(offer)
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
            phase = phases.phase_of_sessions(course, sessions, now)
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
            "phase_label": phase.label if phase else None,
            "phase_guide": phase.guide if phase else None,
            "shared_focus": shared_focus,
            "letter": letter,
        },
    )


@patient_required
def cancel_session(request, public_id):
    session = get_session_for(request.user, public_id)
    clinic = clinic_context(request)["clinic"]
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
                + replacement_text(replacement),
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
    clinic = clinic_context(request)["clinic"]
    refusal = _refusal(session, clinic)
    slots = (
        [] if refusal is not None else availability.reschedule_options(session, clinic)
    )
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
    day = local(session.start).date().isoformat()
    return calendar_response(
        [session], clinic_context(request)["clinic"], f"appointment-{day}.ics"
    )


@role_required(User.Role.PATIENT, User.Role.THERAPIST)
def course_calendar(request, public_id):
    course = get_course_for(request.user, public_id)
    audit.record(request, audit.Action.EXPORT, course, patient=course.patient)
    sessions = course.sessions.select_related("room").order_by("start")
    return calendar_response(
        sessions, clinic_context(request)["clinic"], "appointments.ics"
    )
