"""Handing a patient, with their live course, to another therapist: what a clinic
admin does before a therapist leaves (the staff page shows the caseload).

The course keeps its times. Its sessions still to come move to the new therapist;
those that have begun stay with the therapist who held them. The database refuses
two live sessions of one therapist at once (migration therapy/0003), so a clash is
found first and named."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from dit_portal.accounts.models import User
from dit_portal.audit.services import Action, record_change
from dit_portal.core.errors import BookingError
from dit_portal.core.timefmt import when
from patients.models import Patient

from ..models import Course, Session
from .rules import lock


@dataclass
class CaseloadRow:
    patient: Patient
    course: Course | None  # the live one, if any


def caseload(therapist):
    """The patients still in care assigned to `therapist`, with their live course,
    and patients of the therapist's live courses assigned elsewhere (two queries)."""
    courses = {
        course.patient_id: course
        for course in Course.objects.current()
        .filter(therapist=therapist)
        .select_related("patient__user")
    }
    patients = {
        patient.pk: patient
        for patient in Patient.objects.open()
        .filter(therapist=therapist)
        .select_related("user")
    }
    for course in courses.values():
        patients.setdefault(course.patient_id, course.patient)
    rows = [CaseloadRow(patient, courses.get(pk)) for pk, patient in patients.items()]
    return sorted(rows, key=lambda row: row.patient.full_name)


def other_therapists(therapist):
    return User.objects.therapists().exclude(pk=therapist.pk)


def hand_over(patient, to_therapist, *, from_therapist, by, ip=None):
    """`patient` and their live courses held by `from_therapist` go to
    `to_therapist`, with the course's sessions still to come."""
    if not (to_therapist.is_therapist and to_therapist.is_active):
        raise BookingError("Choose an active therapist.")
    if to_therapist.pk == from_therapist.pk:
        raise BookingError("Choose a different therapist.")
    with transaction.atomic():
        lock(from_therapist, patient, None)
        User.objects.select_for_update().filter(pk=to_therapist.pk).first()
        courses = list(
            Course.objects.current().filter(patient=patient, therapist=from_therapist)
        )
        patient.refresh_from_db(fields=["therapist"])
        if not courses and patient.therapist_id != from_therapist.pk:
            raise BookingError(
                f"{patient.full_name} is not on {from_therapist.full_name}'s caseload."
            )
        coming = Session.objects.booked().filter(
            course__in=courses, start__gt=timezone.now()
        )
        _refuse_clashes(coming, to_therapist)
        try:
            with transaction.atomic():
                coming.update(therapist=to_therapist)
        except IntegrityError as error:
            raise BookingError(
                f"{to_therapist.full_name} has just been booked at one of these "
                "times. Try again."
            ) from error
        names = [from_therapist.full_name, to_therapist.full_name]
        for course in courses:
            course.therapist = to_therapist
            course.save(update_fields=["therapist"])
            record_change(
                by,
                Action.CHANGE,
                course,
                patient=patient,
                ip=ip,
                changes={"therapist": names},
            )
        if patient.therapist_id == from_therapist.pk:
            patient.therapist = to_therapist
            patient.save(update_fields=["therapist"])
            record_change(
                by,
                Action.CHANGE,
                patient,
                patient=patient,
                ip=ip,
                changes={"therapist": names},
            )
    return patient


def _refuse_clashes(coming, therapist):
    """The first of the sessions to come that the new therapist is busy for."""
    for session in coming.order_by("start"):
        busy = (
            Session.objects.live()
            .for_therapist(therapist)
            .between(session.start, session.end)
            .exists()
        )
        if busy:
            raise BookingError(
                f"{therapist.full_name} already has a session on "
                f"{when(session.start)}. Move that session first, or choose "
                "another therapist."
            )
