"""One patient's whole record, and the people who may or may not see it, for the
permission matrix (tests/test_permission_matrix.py)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from messaging.models import Message
from patients import subject_access
from questionnaires.models import RiskFlag
from therapy.ending import focus, letter
from therapy.models import Clinic, Closure, TherapistAvailability
from therapy.notes import services as notes

from .factories import (
    ClinicAdminFactory,
    book_course,
    phq9_answers,
    send_measure,
    working_week,
)
from .focus_helpers import begin_session, focus_data

LETTER = {
    "focus": "How you pull away first.",
    "changes": "You have started to say what you need.",
    "still_to_work_on": "Noticing the pull to withdraw.",
}


@dataclass
class World:
    course: object
    session: object
    note: object
    focus: object
    letter: object
    response: object
    flag: object
    intake: object
    message: object
    room: object
    hours: object
    closure: object
    other_course: object
    copy: object  # a full copy of A's information, reviewed and released

    def args(self, name):
        """The URL arguments for a named URL, all pointing into patient A's record
        (or the clinic's resources)."""
        patient = self.course.patient
        by_kind = {
            "patient": [patient.public_id],
            "course": [self.course.public_id],
            "session": [self.session.public_id],
            "note": [self.note.public_id],
            "focus": [self.focus.public_id],
            "letter": [self.letter.public_id],
            "response": [self.response.public_id],
            "flag": [self.flag.public_id],
            "assignment": [self.intake.public_id],
            "page": [self.intake.public_id, 1],
            "message": [self.message.pk],
            "room": [self.room.pk],
            "hours": [self.hours.pk],
            "therapist": [self.course.therapist.pk],
            "closure": [self.closure.pk],
            "slug": ["about-dit"],
            "token": ["not-a-real-invitation-token"],
            "fmt": ["pdf"],
            "sar": [self.copy.public_id],
            "copy": [self.copy.public_id, "pdf"],
        }
        return by_kind


def build(clock, course, other_patient, other_therapist, room):
    therapist = course.therapist
    working_week(other_therapist)
    other_course = book_course(other_patient, other_therapist, weekday=1)
    hours = TherapistAvailability.objects.filter(therapist=therapist).first()
    closure = Closure.objects.create(
        start_date=timezone.localdate() + datetime.timedelta(days=400),
        end_date=timezone.localdate() + datetime.timedelta(days=400),
        reason="Staff training",
    )
    first = course.sessions.get(number=1)
    send_measure(course.sessions.get(number=2), "phq9", phq9_answers(12, item9=1))
    begin_session(clock, course, 1)
    note = notes.start_note(first, by=therapist, relationships="Met her sister.")
    draft = focus.save_focus_draft(course, by=therapist, data=focus_data())
    shared = focus.share_focus(draft, by=therapist)
    begin_session(clock, course, 13)
    written = letter.save_letter(course, by=therapist, data=LETTER)
    given = letter.share_letter(
        written, by=therapist, session=course.sessions.get(number=13)
    )
    flag = RiskFlag.objects.get(course=course)
    admin = ClinicAdminFactory()
    copy = subject_access.request_full_copy(
        course.patient, by=admin, clinic=Clinic.load()
    )
    subject_access.mark_reviewed(copy, by=therapist)
    copy = subject_access.release(copy, by=admin)
    return World(
        course=course,
        session=course.sessions.get(number=14),
        note=note,
        focus=shared,
        letter=given,
        response=flag.response,
        flag=flag,
        intake=course.assignments.get(code="intake"),
        message=Message.objects.filter(course=course).first(),
        room=room,
        hours=hours,
        closure=closure,
        other_course=other_course,
        copy=copy,
    )
