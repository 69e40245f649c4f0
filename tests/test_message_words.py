"""Every message's words, pinned. For each kind, to a patient and to a therapist, the
subject, the email's text and HTML, its attachment and the SMS are compared with the
golden files in tests/golden/messages/, first written by the code that built the words
in Python, before they moved into templates.

A change of words on purpose: run with UPDATE_GOLDEN=1, then read the golden files'
diff as the review of what people will receive."""

import datetime
import os
import re
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from messaging import channels
from messaging.models import Message
from therapy.models import Clinic, Course, Room, Session

from .factories import PatientFactory, TherapistFactory, UserFactory

GOLDEN = Path(__file__).parent / "golden" / "messages"
NOW = datetime.datetime(2026, 3, 20, 9, 0, tzinfo=datetime.UTC)
LONDON = ZoneInfo("Europe/London")

# Two clinics at the ends of what the settings page allows. "named" names the service
# in subjects and has characters the HTML must escape (&, <, ') and the text must not;
# "plain" has the defaults and no phone numbers at all.
CLINICS = {
    "named": {
        "name": "Riverside Talking Therapies & Wellbeing",
        "portal_name": "Riverside portal",
        "address": "Riverside Centre\n1 Mill Lane,\nRiverton RV1 2AB",
        "phone": "020 7946 0000",
        "pals_phone": "0800 123 4567",
        "pals_email": "pals@riverside.example.test",
        "pals_hours": "Monday to Friday, 9am to 5pm <not bank holidays>",
        "subjects_name_service": True,
        "course_sessions": 12,
        "session_minutes": 50,
    },
    "plain": {
        "name": "Dynamic Interpersonal Therapy Service",
        "portal_name": "Patient portal",
        "phone": "",
        "pals_phone": "",
        "pals_email": "",
        "pals_hours": "",
        "subjects_name_service": False,
        "course_sessions": 16,
        "session_minutes": 50,
    },
}
# Where each scenario's sessions are: a room (with an &), video, or nowhere yet.
PLACES = {"named": "room", "plain": "video", "unplaced": None}
# First sessions, in UK wall time. The "named" course runs across the clocks going
# forward (29 March), the "plain" one across their going back (25 October).
STARTS = {
    "named": (datetime.date(2026, 3, 23), datetime.time(14, 30)),
    "plain": (datetime.date(2026, 10, 19), datetime.time(10, 0)),
    "unplaced": (datetime.date(2026, 11, 2), datetime.time(9, 5)),
}
KINDS = [kind.value for kind in Message.Kind]
CASES = [
    (scenario, kind, recipient)
    for scenario in ("named", "plain")
    for kind in KINDS
    for recipient in ("patient", "therapist")
] + [("unplaced", kind, "patient") for kind in ("reminder", "moved")]


def build(scenario):
    """A clinic, a patient with an apostrophe in her name, her therapist and a course
    of four weekly sessions (the third cancelled), all at fixed times and ids."""
    clinic = Clinic.load()
    for field, value in CLINICS.get(scenario, CLINICS["plain"]).items():
        setattr(clinic, field, value)
    clinic.save()
    therapist = TherapistFactory(
        full_name="Terry Therapist", email="terry@example.test"
    )
    user = UserFactory(full_name="D'Arcy Patient", email="darcy@example.test")
    patient = PatientFactory(user=user, therapist=therapist)
    place = {"room": None, "video_link": ""}
    if PLACES[scenario] == "room":
        place["room"] = Room.objects.create(name="Room 2 & 3")
    elif PLACES[scenario] == "video":
        place["video_link"] = "https://video.example.test/r/abc"
    course = Course.objects.create(patient=patient, therapist=therapist, **place)
    for number in range(1, 5):
        day, time = STARTS[scenario]
        day += datetime.timedelta(weeks=number - 1)
        start = datetime.datetime.combine(day, time, tzinfo=LONDON)
        Session.objects.create(
            public_id=uuid.UUID(int=number),
            course=course,
            number=number,
            therapist=therapist,
            patient=patient,
            start=start,
            end=start + datetime.timedelta(minutes=50),
            status="cancelled_clinic" if number == 3 else "booked",
            **place,
        )
    return clinic, course, therapist


def rendered(scenario, kind, recipient):
    """What today's code sends for this case, part by part."""
    clinic, course, therapist = build(scenario)
    session = course.sessions.get(number=2)
    if kind == "cancelled":
        session.status = "cancelled_clinic"
        session.save()
    moved_from = session.start - datetime.timedelta(days=2) if kind == "moved" else None
    message = Message(
        moved_from=moved_from,
        kind=kind,
        recipient=course.patient.user if recipient == "patient" else therapist,
        course=course,
        session=session,
        due_at=NOW,
    )
    composed = channels.compose(message, clinic, NOW)
    mail.outbox.clear()
    channels.send_email(message, composed, clinic)
    (email,) = mail.outbox
    (html, mimetype) = email.alternatives[0]
    assert mimetype == "text/html"
    return {
        "subject": email.subject,
        "text": email.body,
        "html": html,
        "sms": composed.sms,
        "attachments": "\n".join(attachment(a) for a in email.attachments),
    }


def attachment(item):
    """Name, type and the calendar's lines, less SEQUENCE (it is the row's save time)."""
    lines = item.content.replace("\r\n", "\n").splitlines()
    kept = [line for line in lines if not line.startswith("SEQUENCE:")]
    return "\n".join([f"{item.filename} {item.mimetype}", *kept])


def write(path, parts):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"== {name} ==\n{text}\n" for name, text in parts.items()))


def read(path):
    """The parts of a golden file: each section's text, less the newline `write` adds."""
    pieces = re.split(r"^== (\w+) ==\n", path.read_text(), flags=re.M)[1:]
    return {
        name: text[:-1] for name, text in zip(pieces[::2], pieces[1::2], strict=True)
    }


def squeeze(html):
    """Whitespace is free in HTML: compare the markup and the words."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize(("scenario", "kind", "recipient"), CASES)
def test_every_message_says_what_it_said(db, settings, scenario, kind, recipient):
    settings.SITE_URL = "https://portal.example.test"
    parts = rendered(scenario, kind, recipient)
    path = GOLDEN / scenario / f"{kind}.{recipient}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        write(path, parts)
    golden = read(path)
    assert list(golden) == list(parts)
    for name in ("subject", "text", "sms", "attachments"):
        assert parts[name] == golden[name], name
    assert squeeze(parts["html"]) == squeeze(golden["html"])


def test_text_is_not_escaped_and_html_is(db):
    """A person reads '&' in a text and '&amp;' only in the HTML source."""
    parts = rendered("named", "reminder", "patient")
    for name in ("subject", "text", "sms"):
        assert "&amp;" not in parts[name] and "&#x27;" not in parts[name]
    assert "Riverside Talking Therapies & Wellbeing" in parts["subject"]
    assert "Hello D'Arcy," in parts["text"]
    assert "in Room 2 & 3" in parts["sms"]
    assert "Hello D&#x27;Arcy," in parts["html"]
    assert "in Room 2 &amp; 3" in parts["html"]
    assert "&lt;not bank holidays&gt;" in parts["html"]
