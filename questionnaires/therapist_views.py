"""Therapists read their patients' responses and measures, and acknowledge risk flags.

Courses come through therapy.permissions, responses and flags through this app's
permissions: anyone but the course's therapist (the patient, a clinic admin, another
therapist) gets 404. Every view writes a VIEW audit event; acknowledging a flag is
audited by the service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from dit_portal.audit import services as audit
from dit_portal.core.forms import posted
from therapy.permissions import get_course_to_write

from . import selectors, services
from .forms import AcknowledgeRiskForm
from .permissions import get_response_for_therapist, get_risk_flag_for_therapist


@login_required
def measures(request, public_id):
    course = get_course_to_write(request.user, public_id)  # its therapist only
    audit.record(
        request,
        audit.Action.VIEW,
        course,
        patient=course.patient,
        object_type="questionnaires.CourseMeasures",
    )
    page = selectors.measures_page(course)
    return render(request, "questionnaires/measures.html", {"page": page})


@login_required
def response_detail(request, public_id):
    response = get_response_for_therapist(request.user, public_id)
    page = selectors.response_page(response)
    audit.record(request, audit.Action.VIEW, response, patient=page.patient)
    return render(request, "questionnaires/response_detail.html", {"page": page})


@login_required
def risk_flag(request, public_id):
    flag = get_risk_flag_for_therapist(request.user, public_id)
    form = AcknowledgeRiskForm(posted(request))
    if flag.acknowledged_at is None and request.method == "POST" and form.is_valid():
        try:
            services.acknowledge_risk(
                flag,
                by=request.user,
                note=form.cleaned_data["note"],
                ip=audit.client_ip(request),
            )
        except services.QuestionnaireError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "The risk flag is acknowledged.")
            return redirect("caseload")
    audit.record(request, audit.Action.VIEW, flag, patient=flag.patient)
    page = selectors.risk_flag_page(flag)
    return render(
        request,
        "questionnaires/risk_flag.html",
        {"page": page, "flag": flag, "form": form, "patient": flag.patient},
    )
