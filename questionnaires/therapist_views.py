"""Therapists read their patients' responses and measures, and acknowledge risk flags.

Courses come through therapy.permissions, responses and flags through this app's
permissions: anyone but the course's therapist (the patient, a clinic admin, another
therapist) gets 404. Every view writes an audit event."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from dit_portal.audit import services as audit
from dit_portal.core.forms import posted
from therapy.permissions import get_course_to_write
from therapy.phases import phases_for

from . import chart, services
from .definitions import DEFINITIONS, GAD7, INTAKE, PHQ9
from .forms import AcknowledgeRiskForm
from .models import RiskFlag
from .permissions import get_response_for_therapist, get_risk_flag_for_therapist


@login_required
def measures(request, public_id):
    course = get_course_to_write(request.user, public_id)  # its therapist only
    patient = course.patient
    audit.record(
        request,
        audit.Action.VIEW,
        course,
        patient=patient,
        object_type="questionnaires.CourseMeasures",
    )
    responses = services.course_responses(course)
    scores = services.course_scores(course, responses)
    last = max(
        [
            course.planned_sessions,
            *[n for points in scores.values() for n, _, _ in points],
        ]
    )
    phases = phases_for(course, range(1, last + 2))
    charts = [
        chart.build(
            code=code,
            title=DEFINITIONS[code]["title"],
            definition=DEFINITIONS[code],
            points=scores[code],
            sessions=course.planned_sessions,
            phase_for=phases.__getitem__,
        )
        for code in (PHQ9, GAD7)
    ]
    by_session = {}
    for response in responses:
        session = response.assignment.session
        if session is not None:
            by_session.setdefault(session.number, {})[response.assignment.code] = (
                response
            )
    rows = [
        {
            "number": number,
            "phase": chart.PHASE_NAMES.get(phases[number], ""),
            "phq9": by_session[number].get(PHQ9),
            "gad7": by_session[number].get(GAD7),
        }
        for number in sorted(by_session)
    ]
    intake = [r for r in responses if r.assignment.code == INTAKE]
    flags = list(
        RiskFlag.objects.filter(course=course).select_related(
            "response__assignment__session", "acknowledged_by"
        )
    )
    return render(
        request,
        "questionnaires/measures.html",
        {
            "course": course,
            "patient": patient,
            "charts": charts,
            "rows": rows,
            "intake": intake[0] if intake else None,
            "flags": flags,
        },
    )


@login_required
def response_detail(request, public_id):
    response = get_response_for_therapist(request.user, public_id)
    assignment = response.assignment
    patient = assignment.course.patient
    audit.record(request, audit.Action.VIEW, response, patient=patient)
    answers = [
        {
            "group": group["title"],
            "items": [
                (item["text"], services.answer_text(item, response.answers))
                for item in group["items"]
            ],
        }
        for group in response.instrument.groups
    ]
    return render(
        request,
        "questionnaires/response_detail.html",
        {
            "response": response,
            "assignment": assignment,
            "course": assignment.course,
            "patient": patient,
            "title": services.title_for(assignment),
            "answers": answers,
        },
    )


@login_required
def risk_flag(request, public_id):
    flag = get_risk_flag_for_therapist(request.user, public_id)
    form = AcknowledgeRiskForm(posted(request))
    if flag.acknowledged_at is None and request.method == "POST" and form.is_valid():
        try:
            flag = services.acknowledge_risk(
                flag, by=request.user, note=form.cleaned_data["note"]
            )
        except services.QuestionnaireError as error:
            messages.error(request, error.message)
        else:
            audit.record(request, audit.Action.CHANGE, flag, patient=flag.patient)
            messages.success(request, "The risk flag is acknowledged.")
            return redirect("caseload")
    audit.record(request, audit.Action.VIEW, flag, patient=flag.patient)
    return render(
        request,
        "questionnaires/risk_flag.html",
        {"flag": flag, "form": form, "patient": flag.patient},
    )
