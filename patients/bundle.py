"""A patient's information as one plain dict: the subject access bundle.

Built once here and used by the JSON download, the PDF and the schema test
(docs/schemas/subject-access-bundle.schema.json), so the three cannot disagree.
A fixed number of queries however long the record. Clinical notes are in it only
when `with_notes` (a full copy a clinician reviews before release); the
self-service copy never has them, nor the therapist's working words of the focus."""

from django.db.models import Prefetch
from django.utils import timezone

from dit_portal.audit import selectors as access
from dit_portal.core.timefmt import local, when
from messaging.models import Message
from questionnaires.models import Response
from questionnaires.services import answer_text
from therapy.models import (
    ClinicalNote,
    ClinicalNoteAddendum,
    FocusAgreement,
    GoodbyeLetter,
    Session,
)

SCHEMA = "https://dit-portal.example/schemas/subject-access-bundle/1"
CHANNEL_WORDS = {"email": "email", "sms": "text message"}


def _at(moment):
    """An instant as London time with its offset (ISO 8601), or None."""
    return local(moment).isoformat() if moment else None


def _details(patient):
    return {
        "full_name": patient.user.full_name,
        "email": patient.user.email,
        "nhs_number": patient.nhs_number_display,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "phone": patient.phone,
        "gp_practice": patient.gp_practice,
        "referral_date": patient.referral_date.isoformat(),
        "status": patient.get_status_display(),
        "assigned_therapist": patient.therapist.full_name if patient.therapist else "",
        "reminders": {
            "by_email": patient.email_reminders,
            "by_text_message": patient.sms_reminders,
            "none_at_all": patient.reminders_opt_out,
        },
    }


def _sessions(patient):
    sessions = (
        Session.objects.filter(course__patient=patient)
        .select_related("course__therapist", "room")
        .order_by("start", "id")
    )
    return [
        {
            "number": session.number,
            "start": _at(session.start),
            "end": _at(session.end),
            "when": when(session.start),
            "therapist": session.course.therapist.full_name,
            "place": session.place,
            "attendance": session.get_status_display(),
            "nhs_attendance_code": Session.NHS_CODES[session.status],
        }
        for session in sessions
    ]


def _answers(patient):
    responses = (
        Response.objects.submitted()
        .filter(assignment__patient=patient)
        .select_related("instrument", "assignment__session")
        .order_by("submitted_at", "id")
    )
    return [
        {
            "questionnaire": response.instrument.title,
            "version": response.instrument.version,
            "sent": _at(response.submitted_at),
            "session_number": (
                response.assignment.session.number
                if response.assignment.session_id
                else None
            ),
            "score": response.total,
            "band": response.band,
            "answers": [
                {
                    "question": item["text"],
                    "answer": answer_text(item, response.answers),
                }
                for item in response.instrument.items
            ],
        }
        for response in responses
    ]


def _focus(patient):
    versions = (
        FocusAgreement.objects.shared()
        .filter(course__patient=patient)
        .order_by("shared_at", "version")
    )
    return [
        {
            "version": focus.version,
            "shared": _at(focus.shared_at),
            "summary": focus.patient_summary,
            "status": focus.get_status_display(),
            "your_reply": _at(focus.responded_at),
            "your_comment": focus.patient_comment,
        }
        for focus in versions
    ]


def _letters(patient):
    letters = GoodbyeLetter.objects.visible_to(patient.user).select_related(
        "course__therapist"
    )
    return [
        {
            "from": letter.course.therapist.full_name,
            "shared": _at(letter.shared_at),
            "sections": [
                {"heading": heading, "text": text}
                for heading, text in letter.sections()
            ],
        }
        for letter in letters
    ]


def _messages(patient):
    sent = Message.objects.filter(
        recipient=patient.user, status=Message.Status.SENT
    ).order_by("sent_at", "id")
    return [
        {
            "message": message.get_kind_display(),
            "sent": _at(message.sent_at),
            "by": [
                CHANNEL_WORDS.get(name.strip(), name.strip())
                for name in message.channels.split(",")
                if name.strip()
            ],
        }
        for message in sent
    ]


def _access_list(patient):
    return [
        {"when": _at(event.at), "who": row.who, "role": row.role, "what": row.what}
        for event in access.staff_accesses(patient)
        for row in [access.access_row(event)]
    ]


def _notes(patient):
    notes = (
        ClinicalNote.objects.filter(session__patient=patient)
        .select_related("session", "author", "signed_by")
        .prefetch_related(
            Prefetch(
                "addenda",
                queryset=ClinicalNoteAddendum.objects.select_related("author"),
                to_attr="added",
            )
        )
        .order_by("session__start", "id")
    )
    return [
        {
            "session_number": note.session.number,
            "written_by": note.author.full_name,
            "status": note.get_status_display(),
            "signed": _at(note.signed_at),
            "sections": [
                {
                    "heading": str(
                        note._meta.get_field(name).verbose_name
                    ).capitalize(),
                    "text": getattr(note, name),
                }
                for name in ClinicalNote.PROMPT_FIELDS
            ],
            "addenda": [
                {
                    "written_by": addendum.author.full_name,
                    "at": _at(addendum.created_at),
                    "text": addendum.text,
                }
                for addendum in note.added
            ],
        }
        for note in notes
    ]


def subject_access_bundle(patient, *, clinic, with_notes=False):
    """Everything the portal holds that the patient may have a copy of."""
    bundle = {
        "$schema": SCHEMA,
        "produced": _at(timezone.now()),
        "clinic": {"name": clinic.name, "phone": clinic.phone},
        "includes_clinical_notes": with_notes,
        "details": _details(patient),
        "sessions": _sessions(patient),
        "questionnaires": _answers(patient),
        "focus_agreements": _focus(patient),
        "letters": _letters(patient),
        "messages": _messages(patient),
        "access_list": _access_list(patient),
    }
    if with_notes:
        bundle["clinical_notes"] = _notes(patient)
    return bundle
