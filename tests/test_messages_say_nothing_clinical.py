"""Through the real flows — a PHQ-9 that raises a risk flag, a session note, a shared
focus, a shared goodbye letter, discharge — every message the outbox sends says that
something is waiting or has happened, never what: no note, no score, no focus text."""

from django.core import mail
from django.utils import timezone

from messaging import outbox
from messaging.models import Message
from questionnaires import services as questionnaires
from questionnaires.models import RiskFlag
from therapy.ending import discharge, focus
from therapy.ending import letter as letters
from therapy.notes import services as notes

from .factories import phq9_answers, send_measure
from .focus_helpers import SUMMARY, WORKING, begin_session, focus_data

NOTE = "NOTE-TEXT-her sister and her manager"
LETTER = {
    "focus": "LETTER-FOCUS-pulling away first",
    "changes": "LETTER-CHANGES-speaking up at work",
    "still_to_work_on": "LETTER-LEFT-asking for help",
}
CLINICAL_WORDS = ["PHQ", "GAD", "score", "severe", "moderate", "risk", "dead", "harm"]


def test_no_message_carries_clinical_content(course, clinic, patient, therapist, clock):
    send_measure(course.sessions.get(number=1), "phq9", phq9_answers(17, item9=2))
    begin_session(clock, course, 5)
    held = course.sessions.get(number=4)
    notes.start_note(held, by=therapist, relationships=NOTE, patterns="", risk=NOTE)
    shared = focus.share_focus(
        focus.save_focus_draft(course, by=therapist, data=focus_data()), by=therapist
    )
    focus.respond_to_focus(shared, agree=True)
    begin_session(clock, course, 13)
    letter = letters.save_letter(course, by=therapist, data=LETTER)
    letters.share_letter(letter, by=therapist, session=course.sessions.get(number=14))
    # Discharge waits for the risk flag to be answered.
    questionnaires.acknowledge_risk(RiskFlag.objects.get(), by=therapist, note=NOTE)
    discharge.discharge_course(course, by=therapist, status="completed")

    kinds = set(Message.objects.values_list("kind", flat=True))
    assert {"welcome", "waiting", "risk", "ended"} <= kinds
    mail.outbox.clear()
    for row in Message.objects.filter(status="pending"):
        outbox.send(row.pk, now=max(row.due_at, timezone.now()))  # when each falls due
    assert len(mail.outbox) >= 5
    secrets = [NOTE, SUMMARY, *WORKING.values(), *LETTER.values()]
    for message in mail.outbox:
        text = " ".join(
            [message.subject, message.body, message.alternatives[0].content]
        )
        for secret in secrets:
            assert secret not in text
        for word in CLINICAL_WORDS:
            assert word.lower() not in text.lower(), (word, message.subject)
