"""The focus agreement (IPAF): the therapist's drafts, sharing a version with the
patient, and the patient's answer.

Each operation is one transaction that locks the course row first, so two people
acting at once cannot both succeed. Messages to the patient say only that something
is waiting in the portal (Message.Kind.WAITING) or that therapy has ended; never the
content. Each change writes its audit event in the same transaction (`ip` is the
client's address, when a view knows it)."""

from django.db import transaction
from django.utils import timezone

from dit_portal.audit import services as audit
from dit_portal.core.errors import FocusError
from messaging.models import Message
from messaging.queueing import queue_message
from therapy.models import Course, FocusAgreement

FOCUS_FIELDS = (*FocusAgreement.WORKING_FIELDS, "patient_summary")


def lock_open_course(course):
    """Lock the course row; refuse if it has been closed."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.is_closed:
        raise FocusError("This course has ended, so it cannot be changed.")
    return course


def current_session(course, now=None):
    """The patient's current or most recent session: the last one that has begun and
    was not cancelled. None before the first session."""
    return (
        course.sessions.live()
        .filter(start__lte=now or timezone.now())
        .order_by("-start")
        .first()
    )


def latest_focus(course):
    return course.focus_agreements.order_by("-version").first()


def save_focus_draft(course, *, by, data, ip=None):
    """Save the therapist's draft: edit the open draft, or start a new version."""
    with transaction.atomic():
        course = lock_open_course(course)
        draft = course.focus_agreements.filter(
            status=FocusAgreement.Status.DRAFT
        ).first()
        action = audit.Action.CHANGE
        if draft is None:
            action = audit.Action.CREATE
            latest = latest_focus(course)
            draft = FocusAgreement(
                course=course,
                version=(latest.version + 1) if latest else 1,
                created_by=by,
            )
        for name in FOCUS_FIELDS:
            setattr(draft, name, (data.get(name) or "").strip())
        draft.save()
        audit.record_change(by, action, draft, patient=course.patient, ip=ip)
        return draft


def share_focus(focus, *, by, ip=None):
    """Share a draft with the patient. Versions shared before and not agreed are
    replaced by it; the patient is told something is waiting."""
    with transaction.atomic():
        course = lock_open_course(focus.course)
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
        audit.record_change(
            by, audit.Action.SHARE, focus, patient=course.patient, ip=ip
        )
        return focus


def respond_to_focus(focus, *, agree, comment="", by=None, ip=None):
    """The patient agrees the shared focus, or asks to talk about it (with an
    optional comment). Agreeing records the session it was agreed at; the first
    agreement ends the initial phase. Either way the therapist is sent a message
    (nothing of the answer in it); a wish to talk waits on their caseload's to-do list. Only the patient answers, so `by` is the
    course's patient unless given."""
    with transaction.atomic():
        course = lock_open_course(focus.course)
        by = by or course.patient.user
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
        # The therapist hears that the patient answered (agreed or asked to talk),
        # in staff words that say only that something needs their attention.
        queue_message(
            Message.Kind.FOCUS_REPLY,
            course.therapist,
            course=course,
            key=f"focus-reply:{focus.public_id}",
        )
        action = audit.Action.AGREE if agree else audit.Action.CHANGE
        audit.record_change(by, action, focus, patient=course.patient, ip=ip)
        return focus
