"""Patients answer questionnaires: one group of questions per page, drafts kept, a
review page, then send. Assignments come only through permissions (404 otherwise);
every change goes through services (which audit it); pages come from selectors."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from dit_portal.accounts.decorators import patient_required
from dit_portal.audit import services as audit
from dit_portal.core.forms import posted
from therapy.models import Clinic

from . import selectors, services
from .forms import GroupForm
from .permissions import get_assignment_for_patient

SAVED = (
    "Your answers are saved. You can come back and finish at any time from My therapy."
)


def _closed_or_sent(request, assignment, clinic):
    """A redirect when the questionnaire cannot be changed any more, else None."""
    response = selectors.response_of(assignment)
    if response is not None and response.is_submitted:
        messages.info(
            request,
            "You have already sent this questionnaire. Answers cannot be changed "
            "after they are sent.",
        )
        return redirect("questionnaire_sent", assignment.public_id)
    if not services.is_open(assignment, clinic):
        messages.info(
            request,
            "This questionnaire has closed, so it can no longer be filled in. "
            "You can talk about anything on your mind at your next session.",
        )
        return redirect("my_therapy")
    return None


def _answering(request, public_id):
    """(assignment, clinic, refusal): refusal is a redirect when it is closed or sent."""
    assignment = get_assignment_for_patient(request.user, public_id)
    clinic = Clinic.load()
    return assignment, clinic, _closed_or_sent(request, assignment, clinic)


@patient_required
def start(request, public_id):
    assignment, _, refusal = _answering(request, public_id)
    if refusal:
        return refusal
    page = selectors.start_page(assignment)
    return render(request, "questionnaires/start.html", {"page": page})


@patient_required
def page(request, public_id, number):
    assignment, clinic, refusal = _answering(request, public_id)
    if refusal:
        return refusal
    page = selectors.question_page(assignment, number)
    if page is None:
        raise Http404
    saving = request.POST.get("action") == "save"
    form = GroupForm(
        posted(request),
        group=page.group,
        answers=page.answers,
        check_required=not saving,
        number=page.first_question,
    )
    if request.method == "POST" and form.is_valid():
        response = services.response_for(assignment)
        try:
            services.save_answers(
                response,
                form.answers(),
                clinic,
                by=request.user,
                ip=audit.client_ip(request),
            )
        except services.QuestionnaireError as error:
            messages.error(request, error.message)
            return redirect("my_therapy")
        if saving:
            messages.success(request, SAVED)
            return redirect("my_therapy")
        if page.is_last:
            return redirect("questionnaire_review", assignment.public_id)
        return redirect("questionnaire_page", assignment.public_id, number + 1)
    return render(request, "questionnaires/page.html", {"page": page, "form": form})


@patient_required
def review(request, public_id):
    assignment, clinic, refusal = _answering(request, public_id)
    if refusal:
        return refusal
    missing = ()
    if request.method == "POST":
        response = services.response_for(assignment)
        try:
            services.submit(
                response, clinic, by=request.user, ip=audit.client_ip(request)
            )
        except services.MissingAnswers as error:
            missing = error.items
        except services.QuestionnaireError as error:
            messages.error(request, error.message)
            return redirect("my_therapy")
        else:
            return redirect("questionnaire_sent", assignment.public_id)
    response = selectors.response_of(assignment)
    if response is not None:  # the page shows every answer given so far
        audit.record(request, audit.Action.VIEW, response, patient=assignment.patient)
    page = selectors.review_page(assignment, missing)
    return render(request, "questionnaires/review.html", {"page": page})


@patient_required
def sent(request, public_id):
    assignment = get_assignment_for_patient(request.user, public_id)
    page = selectors.sent_page(assignment)
    if page is None:
        return redirect("questionnaire_start", assignment.public_id)
    return render(request, "questionnaires/sent.html", {"page": page})
