"""What an audit event means, in words a patient or an admin reads.

Events store internal labels ("therapy.Session", "clinic_admin"); pages and exports
never show them. This is the one table from (object type, action) to words, used by
the patient's "Who has looked at my record" page, the admins' audit pages and the
CSV export. tests/test_access_words.py fails when a type the portal records has no
words here, so a new page cannot be audited in internal labels by accident."""

import re

from dit_portal.accounts.models import User

from .models import AuditEvent

Action = AuditEvent.Action

# What was opened or changed, said to the patient whose record it is ("your …").
# Types that never carry a patient (rooms, the clinic's settings) are said as the
# admin reads them.
WHAT = {
    "patients.Patient": "your details",
    "patients.Referral": "your referral",
    "patients.PatientList": "the patient list, which showed your name and NHS number",
    "patients.PatientSearch": "the results of a search for a patient, which listed you",
    "patients.SubjectAccessRequest": "your request for a copy of your information",
    "patients.MyInformation": "a copy of your information",
    "patients.SubjectAccessReviews": "the list of full copies waiting for review",
    "accounts.User": "your account",
    "accounts.Invitation": "your invitation to the portal",
    "accounts.EmailChange": "a change to your email address",
    "accounts.SignInEmail": "your sign-in email address",
    "accounts.TwoFactorSignIn": "a member of staff's two-factor sign-in",
    "accounts.StaffCaseload": "a therapist's caseload, which listed you",
    "admin.accounts.User": "the list of people who can sign in",
    "admin.accounts.Invitation": "the list of invitations",
    "audit.AuditEvent": "the record of who has looked at records",
    "audit.AuditLog": "the list of who has looked at your record",
    "audit.AccessList": "the list of who has looked at your record",
    "therapy.Course": "your sessions",
    "therapy.Session": "your sessions",
    "therapy.SlotOffer": "the times offered for your first session",
    "therapy.ClinicalNote": "your session notes",
    "therapy.ClinicalNoteAddendum": "your session notes",
    "therapy.FocusAgreement": "your focus agreement",
    "therapy.GoodbyeLetter": "your letter",
    "therapy.Clinic": "the clinic's settings",
    "therapy.Room": "a room",
    "therapy.TherapistAvailability": "a therapist's working hours",
    "therapy.Closure": "a clinic closure",
    "therapy.MessageLog": "the message log",
    "therapy.WeekView": "the clinic's week",
    "therapy.WaitingList": "the waiting list",
    "therapy.Caseload": "a therapist's caseload",
    "therapy.Diary": "a therapist's diary",
    "therapy.OpenRiskFlags": "the clinic's list of open safety alerts, which listed you",
    "questionnaires.Response": "your questionnaire answers",
    "questionnaires.CourseMeasures": "your questionnaire scores",
    "questionnaires.RiskFlag": "the safety alert raised by your answers",
    "questionnaires.Assignment": "your questionnaires",
    "questionnaires.Instrument": "a questionnaire's questions",
    "messaging.Message": "your messages",
    "reports.WaitingList": "the list of people waiting, which listed you",
}
# The service reports ("reports.Waiting times", "reports.Attendance.csv"…) count
# people; only the waiting list names anyone (above).
REPORTS = "the service's reports"
UNKNOWN = "your record"

VERB = {
    Action.VIEW: "Looked at",
    Action.CREATE: "Added",
    Action.CHANGE: "Changed",
    Action.EXPORT: "Downloaded",
    Action.SIGN: "Signed",
    Action.AGREE: "Agreed",
    Action.SHARE: "Shared",
    Action.DELETE: "Removed",
}

# Where "verb + what" reads badly, the whole phrase.
PHRASES = {
    ("patients.PatientList", Action.VIEW): (
        "Saw your name and NHS number on the patient list"
    ),
    ("accounts.Invitation", Action.CREATE): "Sent you an invitation to the portal",
    ("patients.SubjectAccessRequest", Action.CREATE): (
        "Asked for a full copy of your information"
    ),
    ("patients.SubjectAccessRequest", Action.EXPORT): (
        "Downloaded the full copy of your information"
    ),
    ("patients.SubjectAccessRequest", Action.SIGN): (
        "Reviewed the full copy of your information before release"
    ),
    ("patients.SubjectAccessRequest", Action.SHARE): (
        "Released the full copy of your information to you"
    ),
}


def what(object_type):
    if object_type not in WHAT and object_type.startswith("reports."):
        return REPORTS
    return WHAT.get(object_type, UNKNOWN)


def describe(object_type, action):
    """'Looked at your session notes'."""
    phrase = PHRASES.get((object_type, action))
    if phrase:
        return phrase
    verb = VERB.get(action, Action(action).label if action in Action else "Used")
    return f"{verb} {what(object_type)}"


# The admins' trail says the same things about "the patient" rather than to them.
_YOU = re.compile(r"\b(your|you)\b")


def describe_for_staff(object_type, action):
    """'Looked at the patient's session notes': the trail's Patient column names them."""
    said = []

    def third_person(match):
        first = not said
        said.append(match)
        if match.group(1) == "your":
            return "the patient's" if first else "their"
        return "the patient" if first else "them"

    return _YOU.sub(third_person, describe(object_type, action))


def role(actor_role):
    """'Therapist', 'Clinic admin'; the portal itself when nobody acted."""
    if actor_role in User.Role.values:
        return User.Role(actor_role).label
    return "The portal" if not actor_role else "Someone else"
