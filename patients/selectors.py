"""What the patient record page shows, as a plain value."""

from dataclasses import dataclass, field

from dit_portal.accounts.models import Invitation
from questionnaires.models import RiskFlag
from questionnaires.services import open_flags_for
from therapy.models import Course

from .models import Patient


@dataclass
class PatientRecord:
    patient: Patient
    invitation: Invitation | None  # the latest
    course: Course | None  # the latest
    # Open risk flags: clinical, so for the course's therapist only.
    risk_flags: list[RiskFlag] = field(default_factory=list)
    referrals: list = field(default_factory=list)  # latest first


def patient_record(patient, viewer):
    risk_flags = []
    if viewer.is_therapist:
        risk_flags = list(open_flags_for(viewer).filter(patient=patient))
    return PatientRecord(
        patient=patient,
        invitation=patient.user.invitations.first(),
        course=patient.courses.select_related("therapist", "room").first(),
        risk_flags=risk_flags,
        referrals=list(patient.referrals.latest_first()),
    )
