"""Patients answer questionnaires: one group of questions per page, drafts kept, a
review page, then send. Assignments come only through permissions (404 otherwise);
every change goes through services."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from dit_portal.accounts.decorators import patient_required
from dit_portal.audit import services as audit
from dit_portal.core.forms import posted
from therapy.models import Clinic

from . import services
from .definitions import DEFINITIONS
from .forms import GroupForm
from .permissions import get_assignment_for_patient


def _response(assignment):
    return getattr(assignment, "response", None)


def _instrument(assignment):
    response = _response(assignment)
    if response is not None:
        return response.instrument
    return services.current_instrument(assignment.code)


def _first_numbers(groups):
    """The number of the first scored question on each page (questions run on)."""
    numbers, count = [], 1
    for group in groups:
        numbers.append(count)
        count += sum(1 for item in group["items"] if item.get("scored"))
    return numbers


def _closed_or_sent(request, assignment, clinic):
    """A redirect when the questionnaire cannot be changed any more, else None."""
    response = _response(assignment)
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


@patient_required
def start(request, public_id):
    assignment = get_assignment_for_patient(request.user, public_id)
    clinic = Clinic.load()
    refusal = _closed_or_sent(request, assignment, clinic)
    if refusal:
        return refusal
    instrument = _instrument(assignment)
    return render(
        request,
        "questionnaires/start.html",
        {
            "assignment": assignment,
            "title": services.title_for(assignment),
            "definition": instrument.definition,
            "pages": len(instrument.groups),
            "started": _response(assignment) is not None,
        },
    )


@patient_required
def page(request, public_id, number):
    assignment = get_assignment_for_patient(request.user, public_id)
    clinic = Clinic.load()
    refusal = _closed_or_sent(request, assignment, clinic)
    if refusal:
        return refusal
    instrument = _instrument(assignment)
    groups = instrument.groups
    if not 1 <= number <= len(groups):
        raise Http404
    response = _response(assignment)
    saving = request.POST.get("action") == "save"
    form = GroupForm(
        posted(request),
        group=groups[number - 1],
        answers=response.answers if response else {},
        check_required=not saving,
        number=_first_numbers(groups)[number - 1],
    )
    if request.method == "POST" and form.is_valid():
        response = response or services.response_for(assignment)
        try:
            services.save_answers(response, form.answers(), clinic)
        except services.QuestionnaireError as error:
            messages.error(request, error.message)
            return redirect("my_therapy")
        audit.record(request, audit.Action.CHANGE, response, patient=assignment.patient)
        if saving:
            messages.success(
                request,
                "Your answers are saved. You can come back and finish at any time "
                "from My therapy.",
            )
            return redirect("my_therapy")
        if number < len(groups):
            return redirect("questionnaire_page", assignment.public_id, number + 1)
        return redirect("questionnaire_review", assignment.public_id)
    return render(
        request,
        "questionnaires/page.html",
        {
            "assignment": assignment,
            "title": services.title_for(assignment),
            "definition": instrument.definition,
            "group": groups[number - 1],
            "form": form,
            "number": number,
            "pages": len(groups),
            "back_url": (
                reverse("questionnaire_page", args=[assignment.public_id, number - 1])
                if number > 1
                else reverse("questionnaire_start", args=[assignment.public_id])
            ),
        },
    )


def _review_rows(instrument, answers, assignment):
    rows = []
    for index, group in enumerate(instrument.groups, start=1):
        url = reverse("questionnaire_page", args=[assignment.public_id, index])
        for item in group["items"]:
            rows.append(
                {
                    "id": item["id"],
                    "question": item["text"],
                    "answer": services.answer_text(item, answers),
                    "change_url": f"{url}#id_{item['id']}",
                    "error_url": (
                        f"{url}#id_{item['id']}_0"
                        if item["kind"] == "choice"
                        else f"{url}#id_{item['id']}"
                    ),
                }
            )
    return rows


@patient_required
def review(request, public_id):
    assignment = get_assignment_for_patient(request.user, public_id)
    clinic = Clinic.load()
    refusal = _closed_or_sent(request, assignment, clinic)
    if refusal:
        return refusal
    instrument = _instrument(assignment)
    response = _response(assignment)
    errors = []
    if request.method == "POST":
        response = response or services.response_for(assignment)
        try:
            response = services.submit(response, clinic)
        except services.MissingAnswers as missing:
            rows = {r["id"]: r for r in _review_rows(instrument, {}, assignment)}
            errors = [
                {
                    "text": f"Answer question: {item['text']}",
                    "url": rows[item["id"]]["error_url"],
                }
                for item in missing.items
            ]
        except services.QuestionnaireError as error:
            messages.error(request, error.message)
            return redirect("my_therapy")
        else:
            audit.record(
                request, audit.Action.CREATE, response, patient=assignment.patient
            )
            return redirect("questionnaire_sent", assignment.public_id)
    if response is not None:  # the page shows every answer given so far
        audit.record(request, audit.Action.VIEW, response, patient=assignment.patient)
    return render(
        request,
        "questionnaires/review.html",
        {
            "assignment": assignment,
            "title": services.title_for(assignment),
            "definition": instrument.definition,
            "rows": _review_rows(
                instrument, response.answers if response else {}, assignment
            ),
            "errors": errors,
        },
    )


@patient_required
def sent(request, public_id):
    assignment = get_assignment_for_patient(request.user, public_id)
    response = _response(assignment)
    if response is None or not response.is_submitted:
        return redirect("questionnaire_start", assignment.public_id)
    return render(
        request,
        "questionnaires/sent.html",
        {
            "assignment": assignment,
            "title": services.title_for(assignment),
            "response": response,
            "needs_help": hasattr(response, "risk_flag"),
            "definition": DEFINITIONS[assignment.code],
        },
    )
