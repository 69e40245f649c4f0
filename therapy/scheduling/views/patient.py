"""Patients' sessions: My therapy (read, pick an offered time), cancel, move, and
calendar files.

Courses and sessions are fetched only through therapy.permissions (404 for anything
the user may not see); every change goes through the scheduling services."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

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
from therapy.clinic.context_processors import clinic as clinic_context
from therapy.permissions import get_course_for, get_session_for

from .. import booking, change_time, rules, selectors, services
from ..forms import (
    CancelSessionForm,
    DayForm,
    OfferForm,
    RescheduleForm,
    alternatives_text,
    replacement_text,
)


def _refusal(session, clinic):
    """Why the patient cannot change this session online, or None if they can."""
    if rules.patient_may_change(session, clinic):
        return None
    if not session.is_booked:
        status = selectors.PATIENT_STATUS[session.status].lower()
        return f"This session is marked '{status}', so it cannot be changed."
    if session.start <= timezone.now():
        return "This session has already started, so it cannot be changed."
    return rules.notice_refusal(clinic)


# My therapy ------------------------------------------------------------------------------


def _patient_and_course(user):
    """The patient's record and their current course (else their latest, or None)."""
    patient = selectors.patient_of(user)
    if patient is None:
        raise Http404
    courses = selectors.courses_of(user)
    return patient, courses.current().first() or courses.first()


def _render_my_therapy(request, patient, course, offer_form):
    if course is not None:
        audit.record(request, audit.Action.VIEW, course, patient=patient)
    clinic = clinic_context(request)["clinic"]
    page = selectors.my_therapy(request.user, patient, course, clinic)
    return render(
        request,
        "therapy/my_therapy.html",
        {**vars(page), "offer_form": offer_form},
    )


@patient_required
def my_therapy(request):
    """My therapy. The offer form posts here too, so a POST is accept_offer."""
    if request.method == "POST":
        return accept_offer(request)
    patient, course = _patient_and_course(request.user)
    offer_form = None
    if course is not None and course.is_offered:
        offer_form = OfferForm(offers=selectors.open_offers(course))
    return _render_my_therapy(request, patient, course, offer_form)


@patient_required
@require_POST
def accept_offer(request):
    """The patient picks one of the times offered for their first session."""
    patient, course = _patient_and_course(request.user)
    if course is None or not course.is_offered:
        messages.error(
            request, "A time has already been chosen for your first session."
        )
        return redirect("my_therapy")
    form = OfferForm(posted(request), offers=selectors.open_offers(course))
    if form.is_valid():
        offer = form.cleaned_data["offer"]
        try:
            booking.accept_offer(offer, by=request.user, ip=audit.client_ip(request))
        except BookingError as error:
            form.add_error("offer", alternatives_text(error))
        else:
            messages.success(
                request,
                f"Your first session is booked for {when(offer.start)}. "
                "Your other sessions are at the same time each week.",
            )
            return redirect("my_therapy")
    return _render_my_therapy(request, patient, course, form)


# Cancelling, moving and calendar files ----------------------------------------------------


@patient_required
def cancel_session(request, public_id):
    session = get_session_for(request.user, public_id)
    clinic = clinic_context(request)["clinic"]
    refusal = _refusal(session, clinic)
    form = CancelSessionForm(posted(request))
    if refusal is None and request.method == "POST" and form.is_valid():
        try:
            session, replacement = services.cancel_session(
                session,
                by=request.user,
                reason=form.reason_text,
                by_patient=True,
                ip=audit.client_ip(request),
            )
        except BookingError as error:
            form.add_error(None, error.message)
        else:
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
    """Change time: step 1 chooses a day (a GET form, ?day=…), step 2 a time on it
    (POSTed to the same address). Only times that keep the course in order show."""
    session = get_session_for(request.user, public_id)
    clinic = clinic_context(request)["clinic"]
    refusal = _refusal(session, clinic)
    page = change_time.for_session(session, clinic, offer=refusal is None)
    asked = "day" in request.GET or request.method == "POST"
    days = DayForm(request.GET if asked else None, days=page.days)
    day = page.on(days.cleaned_data["day"]) if days.is_valid() else None
    form = RescheduleForm(posted(request), day=day)
    sent = refusal is None and day and request.method == "POST" and form.is_valid()
    if sent and _move_by_patient(request, session, form):
        return redirect("my_therapy")
    if request.method == "GET":
        audit.record(request, audit.Action.VIEW, session, patient=session.patient)
    return render(
        request,
        "therapy/sessions/reschedule.html",
        {
            "session": session,
            "page": page,
            "days": days,
            "day": day,
            "form": form,
            "refusal": refusal,
        },
    )


def _move_by_patient(request, session, form):
    """Move to the chosen time and say so; False (with a form error) if refused."""
    old_start = session.start
    try:
        session = services.move_session(
            session,
            form.cleaned_data["start"],
            by=request.user,
            reason="Moved by the patient online",
            by_patient=True,
            ip=audit.client_ip(request),
        )
    except BookingError as error:
        form.add_error("start", alternatives_text(error))
        return False
    messages.success(
        request,
        f"Session {session.number} has moved from {when(old_start)} "
        f"to {when(session.start)}.",
    )
    return True


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
