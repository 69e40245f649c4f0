"""The goodbye letter: drafted in the ending phase, shared at an ending session.

Each operation is one transaction that locks the course row first, so two people
acting at once cannot both succeed. Messages to the patient say only that something
is waiting in the portal (Message.Kind.WAITING) or that therapy has ended; never the
content. Each change writes its audit event in the same transaction."""

from django.db import transaction
from django.utils import timezone

from dit_portal.audit import services as audit
from dit_portal.core.errors import FocusError
from messaging.models import Message
from messaging.queueing import queue_message
from therapy.models import GoodbyeLetter
from therapy.phases import Phase, first_ending_session, phase_for

from .focus import current_session, lock_open_course

LETTER_FIELDS = GoodbyeLetter.SECTIONS


def letter_sessions(course):
    """The sessions a letter may be shared at: the ending phase's live sessions."""
    return (
        course.sessions.live()
        .filter(number__gte=first_ending_session(course))
        .order_by("number")
    )


def in_ending_phase(course, now=None):
    """True once the ending phase has begun (the letter is drafted in it)."""
    if course.is_closed:
        return False
    started = current_session(course, now)
    return started is not None and phase_for(course, started.number) == Phase.ENDING


def save_letter(course, *, by, data, ip=None):
    with transaction.atomic():
        course = lock_open_course(course)
        if not in_ending_phase(course):
            raise FocusError(
                "The goodbye letter is written in the ending phase, which starts "
                f"at session {first_ending_session(course)}."
            )
        letter = GoodbyeLetter.objects.filter(course=course).first()
        action = audit.Action.CHANGE
        if letter is None:
            action = audit.Action.CREATE
            letter = GoodbyeLetter(course=course, created_by=by)
        elif not letter.is_draft:
            raise FocusError("This letter has been shared, so it cannot be changed.")
        for name in LETTER_FIELDS:
            setattr(letter, name, (data.get(name) or "").strip())
        letter.save()
        audit.record_change(by, action, letter, patient=course.patient, ip=ip)
        return letter


def share_letter(letter, *, by, session, ip=None):
    """Share the letter at one of the ending sessions: the patient can read it from
    the start of that session, and is told then that something is waiting."""
    with transaction.atomic():
        course = lock_open_course(letter.course)
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
        audit.record_change(
            by, audit.Action.SHARE, letter, patient=course.patient, ip=ip
        )
        return letter
