"""Discharge: closing a course, completed or dropped out (audited in the same
transaction as a change to the course)."""

from django.db import transaction
from django.utils import timezone

from dit_portal.audit import services as audit
from dit_portal.core.errors import FocusError, RiskFlagOpen
from messaging.models import Message
from messaging.queueing import drop_reminders, queue_message
from patients.models import Patient
from therapy.models import Course, Session

# The reason discharge gives the sessions it cancels. The patient's page tells them
# apart by it: "Not needed: therapy ended", not "Cancelled by the clinic".
ENDED_REASONS = {
    Course.Status.COMPLETED: "Course completed",
    Course.Status.DROPPED_OUT: "Course ended early",
}


def ended_with_course(session):
    """Whether discharge cancelled this session (it was never needed)."""
    return (
        session.status == Session.Status.CANCELLED_BY_CLINIC
        and session.change_reason in ENDED_REASONS.values()
        and session.course.is_closed
    )


def discharge_course(course, *, by, status, reason="", ip=None):
    """Close the course: completed, or dropped out with a reason. Sessions still to
    come are cancelled (their reminders stop; no replacement is booked), the patient's
    status follows, and they get the end-of-therapy message with the PALS contact.
    Refused while a risk flag of the course is open: a patient must not leave the
    caseload with a risk nobody has answered."""
    reason = reason.strip()
    if status not in Course.CLOSED_STATUSES:
        raise FocusError("Choose how the course ended.")
    if status == Course.Status.DROPPED_OUT and not reason:
        raise FocusError("Give the reason the patient dropped out.")
    now = timezone.now()
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk)
        if course.is_closed:
            raise FocusError("This course has already been closed.")
        flag = course.risk_flags.open().first()
        if flag is not None:
            raise RiskFlagOpen(flag.public_id)
        Patient.objects.select_for_update().filter(pk=course.patient_id).first()
        for session in course.sessions.booked().filter(start__gt=now):
            session.status = Session.Status.CANCELLED_BY_CLINIC
            session.change_reason = ENDED_REASONS[status]
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
        audit.record_change(by, audit.Action.CHANGE, course, patient=patient, ip=ip)
        return course
