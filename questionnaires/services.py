"""Every operation on questionnaires: versions, assignments, answering, risk flags,
and the scores other pages read. Views call these and nothing else changes state.
Answers and acknowledgements write their audit event in their own transaction (`by`
is who acts, `ip` their address when a view knows it)."""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from dit_portal.audit import services as audit
from dit_portal.core.errors import QuestionnaireError
from messaging.models import Message
from messaging.queueing import queue_message

from . import scoring
from .definitions import DEFINITIONS, GAD7, INTAKE, MEASURES, PHQ9, PREFER_NOT
from .models import Assignment, Instrument, Response, RiskFlag


class MissingAnswers(QuestionnaireError):
    def __init__(self, items):
        super().__init__("Some questions still need an answer.")
        self.items = items


# Versions ------------------------------------------------------------------------------


def checksum(definition):
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def current_instrument(code, definitions=DEFINITIONS):
    """The stored version matching today's definition, made if the definition changed."""
    definition = definitions[code]
    digest = checksum(definition)
    latest = Instrument.objects.filter(code=code).order_by("-version").first()
    if latest is not None and latest.checksum == digest:
        return latest
    try:
        with transaction.atomic():
            return Instrument.objects.create(
                code=code,
                version=(latest.version + 1) if latest else 1,
                definition=definition,
                checksum=digest,
            )
    except IntegrityError:  # another process made it first
        return Instrument.objects.filter(code=code).order_by("-version").first()


# Assignments ---------------------------------------------------------------------------


def measures_lead(clinic):
    """Measures open this long before a session: the clinic's first reminder."""
    return datetime.timedelta(hours=max(clinic.reminder_leads))


def assign_intake(course):
    """Called when a course is booked (in the booking's transaction)."""
    assignment, created = Assignment.objects.get_or_create(
        course=course,
        code=INTAKE,
        session=None,
        defaults={"patient": course.patient},
    )
    if created:
        queue_message(
            Message.Kind.WAITING,
            course.patient.user,
            course=course,
            key=f"questionnaire:{assignment.public_id}",
        )
    return assignment


def is_open(assignment, clinic, now=None):
    now = now or timezone.now()
    if assignment.session_id is None:
        return assignment.course.is_current
    return assignment.course.is_active and _measures_open(
        assignment.session, clinic, now
    )


@dataclass
class Waiting:
    assignment: Assignment
    title: str
    started: bool
    closes_at: datetime.datetime | None


def _measures_open(session, clinic, now):
    return (
        session.is_booked
        and session.start - measures_lead(clinic) <= now <= session.end
    )


def waiting_for(course, sessions, clinic, now=None):
    """What the patient is asked to fill in now for their course (whose `sessions`
    the caller has loaded), making measure assignments as sessions come within the
    opening window. One query, three on the visit that opens a session's measures."""
    now = now or timezone.now()
    if not course.is_current:
        return []
    by_id = {session.id: session for session in sessions}
    open_ids = [
        session.id
        for session in sessions
        if course.is_active and _measures_open(session, clinic, now)
    ]
    query = (
        Assignment.objects.filter(course=course)
        .filter(Q(session__isnull=True) | Q(session_id__in=open_ids))
        .select_related("response")
    )
    assignments = list(query)
    have = {(a.session_id, a.code) for a in assignments}
    missing = [
        Assignment(patient_id=course.patient_id, course=course, session_id=sid, code=c)
        for sid in open_ids
        for c in MEASURES
        if (sid, c) not in have
    ]
    if missing:
        Assignment.objects.bulk_create(missing, ignore_conflicts=True)
        assignments = list(query.all())  # a fresh query, not the cached result
    waiting = []
    for assignment in assignments:
        response = getattr(assignment, "response", None)
        if response is not None and response.is_submitted:
            continue
        session = by_id.get(assignment.session_id)
        assignment.session = session
        waiting.append(
            Waiting(
                assignment=assignment,
                title=title_for(assignment),
                started=response is not None,
                closes_at=session.end if session else None,
            )
        )
    order = {code: index for index, code in enumerate((INTAKE, *MEASURES))}
    waiting.sort(
        key=lambda w: (w.closes_at or now, order.get(w.assignment.code, 9), w.title)
    )
    return waiting


def title_for(assignment):
    definition = DEFINITIONS[assignment.code]
    if assignment.session_id:
        return f"{definition['short_title']} before session {assignment.session.number}"
    return definition["title"]


# Answering -----------------------------------------------------------------------------


def response_for(assignment):
    """The patient's response (a draft until sent), started on first use."""
    try:
        return assignment.response
    except Response.DoesNotExist:
        pass
    response, _ = Response.objects.get_or_create(
        assignment=assignment,
        defaults={"instrument": current_instrument(assignment.code)},
    )
    return response


def _locked(response, clinic, now):
    response = (
        Response.objects.select_for_update(of=("self",))
        .select_related(
            "assignment__session",
            "assignment__course",
            "assignment__patient__user",
            "instrument",
        )
        .get(pk=response.pk)
    )
    if response.is_submitted:
        raise QuestionnaireError(
            "You have already sent this questionnaire. Answers cannot be changed "
            "after they are sent."
        )
    if not is_open(response.assignment, clinic, now):
        raise QuestionnaireError(
            "This questionnaire has closed, so it can no longer be changed or sent."
        )
    return response


def _audit(response, action, by, ip):
    """Only the patient answers their questionnaires, so they are `by` unless given."""
    patient = response.assignment.patient
    audit.record_change(by or patient.user, action, response, patient=patient, ip=ip)


def save_answers(response, answers, clinic, now=None, *, by=None, ip=None):
    """Keep the answers given so far (a draft); only the instrument's own items."""
    now = now or timezone.now()
    with transaction.atomic():
        response = _locked(response, clinic, now)
        known = {item["id"] for item in response.instrument.items}
        merged = dict(response.answers)
        for key, value in answers.items():
            if key in known:
                if value is None or value == "":
                    merged.pop(key, None)
                else:
                    merged[key] = value
        response.answers = merged
        response.save(update_fields=["answers", "updated_at"])
        _audit(response, audit.Action.CHANGE, by, ip)
    return response


def submit(response, clinic, now=None, *, by=None, ip=None):
    """Send the response: score it, lock it, and raise a risk flag when PHQ-9 item 9 is
    above 0 (with a message to the course's therapist, in the same transaction)."""
    now = now or timezone.now()
    with transaction.atomic():
        response = _locked(response, clinic, now)
        definition = response.instrument.definition
        missing = scoring.missing_required(definition, response.answers)
        if missing:
            raise MissingAnswers(missing)
        result = scoring.score(definition, response.answers)
        if result is not None:
            response.total, response.band = result.total, result.band
        response.status = Response.Status.SUBMITTED
        response.submitted_at = now
        response.save()
        if scoring.raises_risk(definition, response.answers):
            course = response.assignment.course
            RiskFlag.objects.create(
                response=response, course=course, patient_id=course.patient_id
            )
            queue_message(
                Message.Kind.RISK_FLAG,
                course.therapist,
                course=course,
                key=f"risk:{response.public_id}",
            )
        _audit(response, audit.Action.CREATE, by, ip)
    return response


def acknowledge_risk(flag, *, by, note, now=None, ip=None):
    with transaction.atomic():
        flag = (
            RiskFlag.objects.select_for_update(of=("self",))
            .select_related("patient")
            .get(pk=flag.pk)
        )
        if flag.acknowledged_at is not None:
            raise QuestionnaireError("This risk flag has already been acknowledged.")
        flag.acknowledged_at = now or timezone.now()
        flag.acknowledged_by = by
        flag.acknowledgement = note
        flag.save()
        audit.record_change(by, audit.Action.CHANGE, flag, patient=flag.patient, ip=ip)
    return flag


# Reading -------------------------------------------------------------------------------


def answer_text(item, answers):
    value = answers.get(item["id"])
    if value == PREFER_NOT:
        return "I'd rather not say"
    if value is None or value == "":
        return "Not answered"
    if item["kind"] == "choice":
        label = dict(item["options"]).get(value, str(value))
        return f"{label} ({value})" if item.get("scored") else label
    return value


def course_responses(course):
    """Every sent response of the course, oldest first, in one query."""
    return list(
        Response.objects.submitted()
        .for_course(course)
        .select_related("assignment__session", "instrument")
        .order_by("submitted_at")
    )


def course_scores(course, responses=None):
    """{"phq9": [(session number, total, band)], "gad7": [...]} in session order."""
    responses = course_responses(course) if responses is None else responses
    scores = {PHQ9: [], GAD7: []}
    for response in responses:
        code = response.assignment.code
        if code in scores and response.total is not None:
            session = response.assignment.session
            scores[code].append((session.number, response.total, response.band))
    for points in scores.values():
        points.sort(key=lambda point: point[0])
    return scores


def first_and_last(points):
    """(first, last) total of (session number, total, ...) points in session order:
    None where there is no score, and `last` is None while there is only one (change
    needs two measurements)."""
    first = points[0][1] if points else None
    last = points[-1][1] if len(points) > 1 else None
    return first, last


def first_and_last_totals(course):
    """{"phq9": (first, last), "gad7": (first, last)} for one course."""
    return {
        code: first_and_last(points) for code, points in course_scores(course).items()
    }


def scores_of_courses(courses):
    """{course id: {"phq9": [(session number, total)], "gad7": [...]}} in session
    order, for many courses in one query (the service reports). Feed each list to
    `first_and_last`, as `first_and_last_totals` does for one course."""
    rows = (
        Response.objects.submitted()
        .filter(
            assignment__course__in=courses,
            assignment__code__in=(PHQ9, GAD7),
            assignment__session__isnull=False,
            total__isnull=False,
        )
        .order_by("assignment__session__number", "submitted_at")
        .values_list(
            "assignment__course_id",
            "assignment__code",
            "assignment__session__number",
            "total",
        )
    )
    result = {}
    for course_id, code, number, total in rows:
        scores = result.setdefault(course_id, {PHQ9: [], GAD7: []})
        scores[code].append((number, total))
    return result


def open_flags_for(user):
    return (
        RiskFlag.objects.open()
        .for_therapist(user)
        .select_related("patient__user", "response__assignment__session")
        # What the banners and lists show (whole joined rows cost more to compile).
        .only(
            "public_id", "raised_at", "course_id", "patient__user__full_name",
            "response__assignment__session__number",
        )
    )  # fmt: skip
