"""The therapy app's models, one module per job; imported here so Django and the
rest of the code find them as therapy.models.X."""

from .clinic import Clinic, MissedSessionPolicy, parse_lead_hours, validate_lead_hours
from .ending import FocusAgreement, GoodbyeLetter
from .notes import ClinicalNote, ClinicalNoteAddendum
from .scheduling import (
    Closure,
    Course,
    Room,
    Session,
    SlotOffer,
    TherapistAvailability,
)

__all__ = [
    "Clinic",
    "ClinicalNote",
    "ClinicalNoteAddendum",
    "Closure",
    "Course",
    "FocusAgreement",
    "GoodbyeLetter",
    "MissedSessionPolicy",
    "Room",
    "Session",
    "SlotOffer",
    "TherapistAvailability",
    "parse_lead_hours",
    "validate_lead_hours",
]
