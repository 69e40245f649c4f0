"""The therapist's to-do list on the caseload: what is waiting for them, one query
for each kind of thing, whatever the size of the caseload.

- notes to sign: draft notes of sessions the patient was seen at;
- attendance to record: sessions still "booked" that have ended;
- focus replies: a patient asked to talk about the shared focus (active courses);
- risk flags still open;
- overdue questionnaires: PHQ-9 or GAD-7 assigned for a session that has ended and
  not sent (the patient may need a word at the next session);
- full copies of a patient's information waiting for a clinician's review before
  the clinic can release them (patients.subject_access)."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from patients.models import SubjectAccessRequest
from questionnaires import services as questionnaires
from questionnaires.definitions import GAD7, PHQ9
from questionnaires.models import Assignment, Response
from therapy.models import ClinicalNote, Course, FocusAgreement, Session


@dataclass(frozen=True)
class Todo:
    notes_to_sign: list[ClinicalNote]
    attendance_to_record: list[Session]
    focus_replies: list[FocusAgreement]
    risk_flags: list
    overdue_questionnaires: list[Assignment]
    copies_to_review: list[SubjectAccessRequest]

    def __bool__(self):
        return any(vars(self).values())


def todo(therapist, now=None):
    now = now or timezone.now()
    # Notes to sign and attendance to record are both about the therapist's past
    # sessions: one query for the two.
    sessions = list(
        Session.objects.for_therapist(therapist)
        .filter(
            Q(status=Session.Status.BOOKED, end__lte=now)
            | Q(
                status__in=Session.SEEN_STATUSES, note__status=ClinicalNote.Status.DRAFT
            )
        )
        .select_related("patient__user", "note")
        # What the list shows: compiling whole joined rows cost more than the query.
        .only(
            "public_id", "number", "start", "end", "status", "patient__user__full_name",
            "note__public_id", "note__status",
        )
        .order_by("start")
    )  # fmt: skip
    return Todo(
        notes_to_sign=[s.note for s in sessions if not s.is_booked],
        attendance_to_record=[s for s in sessions if s.is_booked],
        focus_replies=list(
            FocusAgreement.objects.filter(
                course__therapist=therapist,
                course__status=Course.Status.ACTIVE,
                status=FocusAgreement.Status.TALK,
            )
            .select_related("course__patient__user")
            .only(
                "patient_comment",
                "course__public_id",
                "course__patient__user__full_name",
            )
            .order_by("responded_at")
        ),
        risk_flags=list(questionnaires.open_flags_for(therapist)),
        overdue_questionnaires=list(
            Assignment.objects.filter(
                course__therapist=therapist,
                course__status=Course.Status.ACTIVE,
                code__in=(PHQ9, GAD7),
                session__end__lte=now,
                session__status__in=Session.LIVE_STATUSES,
            )
            .filter(
                Q(response__isnull=True)
                | ~Q(response__status=Response.Status.SUBMITTED)
            )
            .select_related("session", "course", "patient__user")
            .only(
                "code",
                "session__number",
                "course__public_id",
                "patient__user__full_name",
            )
            .order_by("session__start", "code")
        ),
        copies_to_review=list(
            SubjectAccessRequest.objects.visible_to(therapist)
            .filter(reviewed_at__isnull=True)
            .select_related("patient__user")
            .only("public_id", "requested_at", "patient__user__full_name")
            .order_by("requested_at", "pk")
        ),
    )
