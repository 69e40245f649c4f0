"""Therapists' caseload, diary, attendance and course timeline.

Courses and sessions are fetched only through therapy.permissions (404 for anything
the user may not see); every change goes through the scheduling services."""

import datetime

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Min, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from dit_portal.accounts.decorators import (
    role_required,
    therapist_required,
)
from dit_portal.accounts.models import User
from dit_portal.audit import services as audit
from dit_portal.core.errors import BookingError
from dit_portal.core.forms import posted
from dit_portal.core.timefmt import at_wall_time, local
from patients.models import Patient
from questionnaires import services as questionnaires
from therapy import phases
from therapy.clinic.context_processors import clinic as clinic_context
from therapy.ending import focus
from therapy.models import ClinicalNote, GoodbyeLetter, Session
from therapy.notes import services as notes
from therapy.permissions import get_course_for, get_session_for

from .. import selectors, services
from ..forms import (
    AttendanceForm,
    WeekForm,
)
from .patient import replacement_text


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
    patients = selectors.with_focus_prompt(
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
        patient.focus_prompt = phases.needs_focus_prompt(patient.initial_session)
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
    week_start = at_wall_time(monday, datetime.time(0, 0))
    week_end = at_wall_time(monday + 7 * one_day, datetime.time(0, 0))
    today_start = at_wall_time(today, datetime.time(0, 0))
    today_end = at_wall_time(today + one_day, datetime.time(0, 0))
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
        session.local_date = local(session.start).date()
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
                f"recorded as: {label}." + replacement_text(replacement),
            )
            monday = local(session.start).date()
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
    clinic = clinic_context(request)["clinic"]
    audit.record(request, audit.Action.VIEW, course, patient=course.patient)
    sessions = list(
        course.sessions.select_related("room", "replaces", "replaced_by").order_by(
            "number"
        )
    )
    _attach_notes(request.user, sessions)
    for session in sessions:
        session.phase_label = phases.phase_for(course, session.number).label
        try:
            session.replacement = session.replaced_by
        except Session.DoesNotExist:
            session.replacement = None
    phase = phases.phase_of_sessions(course, sessions)
    number_now = phases.session_now(sessions)
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
            "phase_label": phase.label if phase else None,
            "session_now": number_now,
            "is_their_therapist": request.user == course.therapist,
            "latest_focus": latest_focus,
            "letter": letter,
            "is_closed": course.is_closed,
        },
    )
