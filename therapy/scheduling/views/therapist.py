"""Therapists' caseload, diary, attendance and course timeline.

Courses and sessions are fetched only through therapy.permissions (404 for anything
the user may not see); every change goes through the scheduling services."""

from django.contrib import messages
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
from dit_portal.core.timefmt import local, monday_of
from therapy.clinic.context_processors import clinic as clinic_context
from therapy.models import Session
from therapy.permissions import get_course_for, get_session_for

from .. import selectors, services
from ..forms import AttendanceForm, WeekForm, replacement_text
from ..todo import todo as todo_for


@therapist_required
def caseload(request):
    audit.record(request, audit.Action.VIEW, object_type="therapy.Caseload")
    todo = todo_for(request.user)
    return render(
        request,
        "therapy/caseload.html",
        {
            "patients": selectors.caseload(request.user),
            "todo": todo,
            "risk_flags": todo.risk_flags,
        },
    )


@therapist_required
def diary(request):
    form = WeekForm(request.GET or None)
    today = timezone.localdate()
    monday = form.monday(today)
    if form.is_bound and not form.errors and form.cleaned_data["go"]:
        # A typed date becomes the week's own address, as the week links are.
        return redirect(f"{reverse('diary')}?week={monday.isoformat()}")
    page = selectors.diary(request.user, monday, today)
    audit.record(
        request,
        audit.Action.VIEW,
        object_type="therapy.Diary",
        object_id=monday.isoformat(),
    )
    return render(request, "therapy/sessions/diary.html", {**vars(page), "form": form})


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
                session, status, by=request.user, ip=audit.client_ip(request)
            )
        except BookingError as error:
            form.add_error("status", error.message)
        else:
            label = AttendanceForm.LABELS[session.status]
            messages.success(
                request,
                f"Session {session.number} with {session.patient.user.full_name} "
                f"recorded as: {label}." + replacement_text(replacement),
            )
            monday = monday_of(local(session.start).date())
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
    audit.record(request, audit.Action.VIEW, course, patient=course.patient)
    page = selectors.course_timeline(request.user, course)
    return render(
        request,
        "therapy/sessions/course.html",
        {**vars(page), "clinic": clinic_context(request)["clinic"]},
    )
