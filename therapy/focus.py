"""The focus agreement (IPAF), the goodbye letter and discharge: every change, once.

Each operation is one transaction that locks the course row first, so two people
acting at once cannot both succeed. Messages to the patient say only that something
is waiting in the portal (Message.Kind.WAITING) or that therapy has ended; never the
content. Views write the audit events."""

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from patients.models import Patient

from .models import Course, FocusAgreement, GoodbyeLetter, Message, Session
from .services import ENDING_SESSIONS, drop_reminders, phase_for, queue_message

FOCUS_FIELDS = (*FocusAgreement.WORKING_FIELDS, "patient_summary")
LETTER_FIELDS = GoodbyeLetter.SECTIONS
CLOSED = (Course.Status.COMPLETED, Course.Status.DROPPED_OUT)

# The initial phase is open-ended; from this session without an agreed focus the
# therapist's caseload prompts them (a prompt, never a block).
FOCUS_PROMPT_FROM = 5


class FocusError(Exception):
    """A rule refused the change; the message is for the person asking."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _lock(course):
    return Course.objects.select_for_update().get(pk=course.pk)


def _open(course):
    if course.status in CLOSED:
        raise FocusError("This course has ended, so it cannot be changed.")


# Phases -------------------------------------------------------------------------


def current_session(course, now=None):
    """The patient's current or most recent session: the last one that has begun and
    was not cancelled. None before the first session."""
    return (
        course.sessions.live()
        .filter(start__lte=now or timezone.now())
        .order_by("-start")
        .first()
    )


def session_now(sessions, now=None):
    """The number of the current or most recent session among `sessions` (already
    fetched, no queries): the last that has begun and was not cancelled; None before
    the first."""
    now = now or timezone.now()
    started = [s for s in sessions if s.is_live and s.start <= now]
    return max(started, key=lambda s: s.start).number if started else None


def with_focus_prompt(patients, therapist, now=None):
    """Annotate each patient with `initial_session`: the number of the latest session
    begun on their active course with `therapist` while no focus is agreed (None
    otherwise), and whether that calls for the caseload prompt. One aggregate."""
    return patients.annotate(
        initial_session=Max(
            "sessions__number",
            filter=Q(
                sessions__therapist=therapist,
                sessions__course__status=Course.Status.ACTIVE,
                sessions__course__focus_agreed_session__isnull=True,
                sessions__status__in=Session.LIVE_STATUSES,
                sessions__start__lte=now or timezone.now(),
            ),
        )
    )


def needs_focus_prompt(initial_session):
    return initial_session is not None and initial_session >= FOCUS_PROMPT_FROM


def phase_of_sessions(course, sessions, now=None):
    """The course's phase now, from its sessions (already fetched, no queries)."""
    if course.status in CLOSED:
        return "completed"
    number = session_now(sessions, now)
    return "initial" if number is None else phase_for(course, number)


# Focus agreement ------------------------------------------------------------------


def latest_focus(course):
    return course.focus_agreements.order_by("-version").first()


def save_focus_draft(course, *, by, data):
    """Save the therapist's draft: edit the open draft, or start a new version."""
    with transaction.atomic():
        course = _lock(course)
        _open(course)
        draft = course.focus_agreements.filter(
            status=FocusAgreement.Status.DRAFT
        ).first()
        if draft is None:
            latest = latest_focus(course)
            draft = FocusAgreement(
                course=course,
                version=(latest.version + 1) if latest else 1,
                created_by=by,
            )
        for name in FOCUS_FIELDS:
            setattr(draft, name, (data.get(name) or "").strip())
        draft.save()
        return draft


def share_focus(focus, *, by):
    """Share a draft with the patient. Versions shared before and not agreed are
    replaced by it; the patient is told something is waiting."""
    with transaction.atomic():
        course = _lock(focus.course)
        _open(course)
        focus = FocusAgreement.objects.select_for_update().get(pk=focus.pk)
        if not focus.is_draft:
            raise FocusError("This version has already been shared.")
        if not focus.patient_summary:
            raise FocusError(
                "Write the summary for the patient before sharing the focus."
            )
        course.focus_agreements.filter(
            status__in=[FocusAgreement.Status.SHARED, FocusAgreement.Status.TALK]
        ).update(status=FocusAgreement.Status.SUPERSEDED)
        focus.status = FocusAgreement.Status.SHARED
        focus.shared_at = timezone.now()
        focus.save(update_fields=["status", "shared_at", "updated_at"])
        queue_message(
            Message.Kind.WAITING,
            course.patient.user,
            course=course,
            key=f"focus:{focus.public_id}",
        )
        return focus


def respond_to_focus(focus, *, agree, comment=""):
    """The patient agrees the shared focus, or asks to talk about it (with an
    optional comment). Agreeing records the session it was agreed at; the first
    agreement ends the initial phase."""
    with transaction.atomic():
        course = _lock(focus.course)
        _open(course)
        focus = FocusAgreement.objects.select_for_update().get(pk=focus.pk)
        if focus.status != FocusAgreement.Status.SHARED:
            raise FocusError(
                "This focus is not waiting for your answer any more. "
                "Your therapist may have shared a newer version."
            )
        focus.responded_at = timezone.now()
        focus.patient_comment = comment.strip()
        if agree:
            session = current_session(course)
            if session is None:
                raise FocusError(
                    "A focus can be agreed once your sessions have started."
                )
            course.focus_agreements.filter(status=FocusAgreement.Status.AGREED).update(
                status=FocusAgreement.Status.SUPERSEDED
            )
            focus.status = FocusAgreement.Status.AGREED
            focus.agreed_at_session = session.number
            if course.focus_agreed_session is None:
                course.focus_agreed_session = session.number
                course.save(update_fields=["focus_agreed_session"])
        else:
            focus.status = FocusAgreement.Status.TALK
        focus.save()
        return focus


# Goodbye letter -------------------------------------------------------------------


def letter_sessions(course):
    """The sessions a letter may be shared at: the ending phase's live sessions."""
    return (
        course.sessions.live()
        .filter(number__gte=first_ending_session(course))
        .order_by("number")
    )


def in_ending_phase(course, now=None):
    """True once the ending phase has begun (the letter is drafted in it)."""
    if course.status in CLOSED:
        return False
    started = current_session(course, now)
    return started is not None and phase_for(course, started.number) == "ending"


def first_ending_session(course):
    return course.planned_sessions - ENDING_SESSIONS + 1


def save_letter(course, *, by, data):
    with transaction.atomic():
        course = _lock(course)
        _open(course)
        if not in_ending_phase(course):
            raise FocusError(
                "The goodbye letter is written in the ending phase, which starts "
                f"at session {first_ending_session(course)}."
            )
        letter = GoodbyeLetter.objects.filter(course=course).first()
        if letter is None:
            letter = GoodbyeLetter(course=course, created_by=by)
        elif not letter.is_draft:
            raise FocusError("This letter has been shared, so it cannot be changed.")
        for name in LETTER_FIELDS:
            setattr(letter, name, (data.get(name) or "").strip())
        letter.save()
        return letter


def share_letter(letter, *, by, session):
    """Share the letter at one of the ending sessions: the patient can read it from
    the start of that session, and is told then that something is waiting."""
    with transaction.atomic():
        course = _lock(letter.course)
        _open(course)
        letter = GoodbyeLetter.objects.select_for_update().get(pk=letter.pk)
        if not letter.is_draft:
            raise FocusError("This letter has already been shared.")
        if not all(getattr(letter, name) for name in LETTER_FIELDS):
            raise FocusError("Write each part of the letter before sharing it.")
        if not letter_sessions(course).filter(pk=session.pk).exists():
            raise FocusError("Choose one of the ending sessions of this course.")
        letter.status = GoodbyeLetter.Status.SHARED
        letter.shared_session = session
        letter.shared_at = timezone.now()
        letter.save()
        queue_message(
            Message.Kind.WAITING,
            course.patient.user,
            course=course,
            session=session,
            due_at=max(session.start, timezone.now()),
            key=f"letter:{letter.public_id}",
        )
        return letter


# Discharge ------------------------------------------------------------------------


def discharge_course(course, *, by, status, reason=""):
    """Close the course: completed, or dropped out with a reason. Sessions still to
    come are cancelled (their reminders stop; no replacement is booked), the patient's
    status follows, and they get the end-of-therapy message with the PALS contact."""
    reason = reason.strip()
    if status not in CLOSED:
        raise FocusError("Choose how the course ended.")
    if status == Course.Status.DROPPED_OUT and not reason:
        raise FocusError("Give the reason the patient dropped out.")
    now = timezone.now()
    with transaction.atomic():
        course = _lock(course)
        if course.status in CLOSED:
            raise FocusError("This course has already been closed.")
        Patient.objects.select_for_update().filter(pk=course.patient_id).first()
        label = "completed" if status == Course.Status.COMPLETED else "ended early"
        for session in course.sessions.filter(
            status=Session.Status.BOOKED, start__gt=now
        ):
            session.status = Session.Status.CANCELLED_BY_CLINIC
            session.change_reason = f"Course {label}"
            session.save(update_fields=["status", "change_reason", "updated_at"])
            drop_reminders(session)
        course.status = status
        course.ended_at = now
        course.ended_by = by
        course.end_reason = reason
        course.save(update_fields=["status", "ended_at", "ended_by", "end_reason"])
        patient = course.patient
        patient.status = (
            Patient.Status.DISCHARGED
            if status == Course.Status.COMPLETED
            else Patient.Status.DROPPED_OUT
        )
        patient.save(update_fields=["status"])
        # A letter shared at a session that will not now happen is readable at once,
        # so its "something is waiting" message goes now too.
        Message.objects.pending().filter(
            course=course, kind=Message.Kind.WAITING, due_at__gt=now
        ).update(due_at=now)
        queue_message(Message.Kind.END_OF_THERAPY, patient.user, course=course)
        return course
