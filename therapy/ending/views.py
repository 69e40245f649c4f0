"""The focus agreement (therapist writes and shares, patient reads and answers), the
goodbye letter (therapist writes and shares, patient reads and downloads) and
discharge (therapist or clinic admin).

Objects are fetched only through therapy.permissions (404 for anyone else); every
change goes through therapy.ending's services, which audit it; views audit what they
show (VIEW) and hand out (EXPORT)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from dit_portal.audit import services as audit
from dit_portal.core.errors import FocusError, RiskFlagOpen
from dit_portal.core.forms import posted
from therapy.clinic.context_processors import clinic as clinic_context
from therapy.models import GoodbyeLetter
from therapy.permissions import (
    get_course_to_close,
    get_course_to_write,
    get_focus_for_patient,
    get_focus_to_write,
    get_letter_for,
)

from . import discharge as discharge_services
from . import focus as focus_services
from . import letter as letter_services
from . import selectors
from .forms import (
    DischargeForm,
    FocusForm,
    FocusResponseForm,
    LetterForm,
    ShareLetterForm,
)
from .letter_pdf import letter_pdf

# Focus: therapist -----------------------------------------------------------------


@login_required
def focus_history(request, public_id):
    course = get_course_to_write(request.user, public_id)
    audit.record(
        request,
        audit.Action.VIEW,
        object_type="therapy.FocusAgreement",
        object_id=course.public_id,
        patient=course.patient,
    )
    page = selectors.focus_history(course)
    return render(request, "therapy/focus/history.html", {"page": page})


@login_required
def focus_draft(request, public_id):
    course = get_course_to_write(request.user, public_id)
    latest = focus_services.latest_focus(course)
    form = FocusForm(posted(request), initial=FocusForm.initial_from(latest))
    if request.method == "POST" and form.is_valid():
        try:
            focus = focus_services.save_focus_draft(
                course,
                by=request.user,
                data=form.cleaned_data,
                ip=audit.client_ip(request),
            )
        except FocusError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Version {focus.version} of the focus is saved.")
            return redirect("focus_detail", public_id=focus.public_id)
    if latest is not None:  # the page shows it, with or without form errors
        audit.record(request, audit.Action.VIEW, latest, patient=course.patient)
    return render(
        request,
        "therapy/focus/edit.html",
        {"course": course, "form": form, "latest": latest},
    )


@login_required
def focus_detail(request, public_id, error=None):
    focus = get_focus_to_write(request.user, public_id)
    audit.record(request, audit.Action.VIEW, focus, patient=focus.course.patient)
    return render(
        request,
        "therapy/focus/detail.html",
        {"focus": focus, "course": focus.course, "error": error},
    )


@login_required
@require_POST
def share_focus(request, public_id):
    focus = get_focus_to_write(request.user, public_id)
    try:
        focus = focus_services.share_focus(
            focus, by=request.user, ip=audit.client_ip(request)
        )
    except FocusError as error:
        return focus_detail(request, public_id, error=error.message)
    messages.success(
        request,
        f"Version {focus.version} is shared. {focus.course.patient.user.full_name} "
        "has been told something is waiting for them in the portal.",
    )
    return redirect("focus_detail", public_id=focus.public_id)


# Focus: patient -------------------------------------------------------------------

AGREED = "Thank you. You have agreed your focus."
TALK = (
    "Thank you. Your therapist will talk about the focus with you at your next session."
)


@login_required
def patient_focus(request, public_id):
    focus = get_focus_for_patient(request.user, public_id)
    form = FocusResponseForm(posted(request)) if focus.awaits_patient else None
    if form is None and request.method == "POST":
        messages.error(request, "This focus is not waiting for your answer.")
        return redirect("patient_focus", public_id=focus.public_id)
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            focus = focus_services.respond_to_focus(
                focus,
                agree=form.agrees,
                comment=form.cleaned_data["comment"],
                by=request.user,
                ip=audit.client_ip(request),
            )
        except FocusError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, AGREED if form.agrees else TALK)
            return redirect("patient_focus", public_id=focus.public_id)
    audit.record(request, audit.Action.VIEW, focus, patient=focus.course.patient)
    return render(request, "therapy/focus/patient.html", {"focus": focus, "form": form})


# Goodbye letter -------------------------------------------------------------------


@login_required
def letter_edit(request, public_id):
    course = get_course_to_write(request.user, public_id)
    letter = GoodbyeLetter.objects.filter(course=course).first()
    if letter is not None and not letter.is_draft:
        return redirect("letter_detail", public_id=letter.public_id)
    form = LetterForm(posted(request), initial=LetterForm.initial_from(letter))
    if request.method == "POST" and form.is_valid():
        try:
            saved = letter_services.save_letter(
                course,
                by=request.user,
                data=form.cleaned_data,
                ip=audit.client_ip(request),
            )
        except FocusError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The goodbye letter is saved.")
            return redirect("letter_detail", public_id=saved.public_id)
    if letter is not None:  # the page shows it, with or without form errors
        audit.record(request, audit.Action.VIEW, letter, patient=course.patient)
    page = selectors.letter_edit(course, letter)
    return render(request, "therapy/letter/edit.html", {"page": page, "form": form})


@login_required
def letter_detail(request, public_id):
    letter = get_letter_for(request.user, public_id)
    audit.record(request, audit.Action.VIEW, letter, patient=letter.course.patient)
    return render(
        request,
        "therapy/letter/detail.html",
        {"letter": letter, "course": letter.course},
    )


@login_required
def share_letter(request, public_id):
    if not request.user.is_therapist:
        raise Http404
    letter = get_letter_for(request.user, public_id)
    if not letter.is_draft:
        return redirect("letter_detail", public_id=letter.public_id)
    course = letter.course
    form = ShareLetterForm(
        posted(request), sessions=letter_services.letter_sessions(course)
    )
    if request.method == "POST" and form.is_valid():
        try:
            letter = letter_services.share_letter(
                letter,
                by=request.user,
                session=form.cleaned_data["session"],
                ip=audit.client_ip(request),
            )
        except FocusError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"The letter will be shared at session {letter.shared_session.number}.",
            )
            return redirect("letter_detail", public_id=letter.public_id)
    audit.record(request, audit.Action.VIEW, letter, patient=course.patient)
    return render(
        request,
        "therapy/letter/share.html",
        {"letter": letter, "course": course, "form": form},
    )


@login_required
def letter_download(request, public_id):
    letter = get_letter_for(request.user, public_id)
    audit.record(request, audit.Action.EXPORT, letter, patient=letter.course.patient)
    content = letter_pdf(letter, clinic_context(request)["clinic"])
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="goodbye-letter.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# Discharge ------------------------------------------------------------------------


def _closed_message(course):
    return (
        f"The course is closed ({course.get_status_display().lower()}). "
        "Sessions still to come are cancelled and the patient has been sent the "
        "end-of-therapy message."
    )


def _open_flag_error(error, course, user):
    """The refusal, with a link to the flag for the one who can acknowledge it."""
    if user != course.therapist:
        return error.message
    url = reverse("risk_flag", args=[error.flag_id])
    return format_html('{} <a href="{}">Open the risk flag</a>', error.message, url)


@login_required
def discharge(request, public_id):
    course = get_course_to_close(request.user, public_id)
    form = None if course.is_closed else DischargeForm(posted(request))
    if form is None and request.method == "POST":
        messages.error(request, "This course has already been closed.")
        return redirect("discharge_course", public_id=course.public_id)
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            course = discharge_services.discharge_course(
                course,
                by=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                ip=audit.client_ip(request),
            )
        except RiskFlagOpen as error:
            form.add_error(None, _open_flag_error(error, course, request.user))
        except FocusError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _closed_message(course))
            return redirect("discharge_course", public_id=course.public_id)
    audit.record(request, audit.Action.VIEW, course, patient=course.patient)
    page = selectors.discharge(course, request.user)
    return render(request, "therapy/discharge.html", {"page": page, "form": form})
