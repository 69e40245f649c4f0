"""Who may open what: every named URL of the portal, GET and POST, for each kind of
visitor. The table is the specification; a URL added without a row here fails
`test_every_url_has_a_row`, so nobody adds a page without saying who may see it.

Columns: anonymous, patient A (whose record the URLs point into), patient B (another
patient), A's therapist, another therapist, a clinic admin, and staff half-way
through sign-in (password given, second factor not yet). 403 is a page the role may
never open; 404 a record the user may not know exists; 302 from anonymous and
half-signed-in visitors is the way to sign in."""

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver

from .factories import TherapistFactory
from .helpers import sign_in
from .permission_world import build

OURS = ("dit_portal", "therapy", "messaging", "questionnaires", "patients")
ROLES = (
    "anonymous",
    "patient_a",
    "patient_b",
    "therapist",
    "other_therapist",
    "clinic_admin",
    "half_signed_in_staff",
)

# name: (what its argument points at, GET statuses, POST statuses), in ROLES order.
EXPECTED = {
    "account_email": (
        None,
        (302, 200, 200, 200, 200, 200, 302),
        (302, 405, 405, 405, 405, 405, 302),
    ),
    "keep_alive": (
        None,
        (405, 405, 405, 405, 405, 405, 405),
        (401, 204, 204, 204, 204, 204, 401),
    ),
    "accept_invitation": (
        "token",
        (404, 404, 404, 404, 404, 404, 404),
        (404, 404, 404, 404, 404, 404, 404),
    ),
    "add_addendum": (
        "note",
        (302, 404, 404, 302, 404, 404, 302),
        (302, 404, 404, 200, 404, 404, 302),
    ),
    "admin_cancel_session": (
        "session",
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "admin_move_session": (
        "session",
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "assign_therapist": (
        "patient",
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "audit_log": (
        "patient",
        (302, 403, 403, 403, 403, 302, 302),
        (302, 403, 403, 403, 403, 302, 302),
    ),
    "audit_events": (
        None,
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "audit_events_csv": (
        None,
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "cancel_session": (
        "session",
        (302, 200, 404, 403, 403, 403, 302),
        (302, 200, 404, 403, 403, 403, 302),
    ),
    "caseload": (
        None,
        (302, 403, 403, 200, 200, 403, 302),
        (302, 403, 403, 200, 200, 403, 302),
    ),
    "clinic_settings": (
        None,
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "closure_detail": (
        "closure",
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "closures": (
        None,
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "contact_preferences": (
        None,
        (302, 200, 200, 403, 403, 403, 302),
        (302, 302, 302, 403, 403, 403, 302),
    ),
    "course_calendar": (
        "course",
        (302, 200, 404, 200, 404, 403, 302),
        (302, 200, 404, 200, 404, 403, 302),
    ),
    "course_measures": (
        "course",
        (302, 404, 404, 200, 404, 404, 302),
        (302, 404, 404, 200, 404, 404, 302),
    ),
    "course_timeline": (
        "course",
        (302, 403, 403, 200, 404, 200, 302),
        (302, 403, 403, 200, 404, 200, 302),
    ),
    "delete_closure": (
        "closure",
        (302, 403, 403, 403, 403, 405, 302),
        (302, 403, 403, 403, 403, 302, 302),
    ),
    "diary": (
        None,
        (302, 403, 403, 200, 200, 403, 302),
        (302, 403, 403, 200, 200, 403, 302),
    ),
    "discharge_course": (
        "course",
        (302, 404, 404, 200, 404, 200, 302),
        (302, 404, 404, 200, 404, 200, 302),
    ),
    "edit_note": (
        "note",
        (302, 404, 404, 200, 404, 404, 302),
        (302, 404, 404, 302, 404, 404, 302),
    ),
    "edit_room": (
        "room",
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "focus_detail": (
        "focus",
        (302, 404, 404, 200, 404, 404, 302),
        (302, 404, 404, 200, 404, 404, 302),
    ),
    "focus_draft": (
        "course",
        (302, 404, 404, 200, 404, 404, 302),
        (302, 404, 404, 200, 404, 404, 302),
    ),
    "focus_history": (
        "course",
        (302, 404, 404, 200, 404, 404, 302),
        (302, 404, 404, 200, 404, 404, 302),
    ),
    "healthz": (
        None,
        (200, 200, 200, 200, 200, 200, 200),
        (200, 200, 200, 200, 200, 200, 200),
    ),
    "home": (
        None,
        (200, 302, 302, 302, 302, 302, 200),
        (200, 302, 302, 302, 302, 302, 200),
    ),
    "information": (
        "slug",
        (200, 200, 200, 200, 200, 200, 200),
        (200, 200, 200, 200, 200, 200, 200),
    ),
    "information_index": (
        None,
        (200, 200, 200, 200, 200, 200, 200),
        (200, 200, 200, 200, 200, 200, 200),
    ),
    "invite_patient": (
        None,
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "letter_detail": (
        "letter",
        (302, 200, 404, 200, 404, 404, 302),
        (302, 200, 404, 200, 404, 404, 302),
    ),
    "letter_edit": (
        "course",
        (302, 404, 404, 302, 404, 404, 302),
        (302, 404, 404, 302, 404, 404, 302),
    ),
    "letter_pdf": (
        "letter",
        (302, 200, 404, 200, 404, 404, 302),
        (302, 200, 404, 200, 404, 404, 302),
    ),
    "message_log": (
        None,
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "message_resend": (
        "message",
        (405, 405, 405, 405, 405, 405, 405),
        (302, 403, 403, 403, 403, 302, 302),
    ),
    "my_information": (
        None,
        (302, 200, 200, 403, 403, 403, 302),
        (302, 200, 200, 403, 403, 403, 302),
    ),
    "my_information_download": (
        "fmt",
        (302, 200, 200, 403, 403, 403, 302),
        (302, 200, 200, 403, 403, 403, 302),
    ),
    "my_record_access": (
        None,
        (302, 200, 200, 403, 403, 403, 302),
        (302, 200, 200, 403, 403, 403, 302),
    ),
    "my_therapy": (
        None,
        (302, 200, 200, 403, 403, 403, 302),
        (302, 302, 302, 403, 403, 403, 302),
    ),
    "note_detail": (
        "note",
        (302, 404, 404, 200, 404, 404, 302),
        (302, 404, 404, 200, 404, 404, 302),
    ),
    "offer_slots": (
        "patient",
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    # The whole list for the clinical lead (tests/test_open_risk_flags.py), the
    # numbers for clinic admins, no such page for anyone else.
    "open_risk_flags": (
        None,
        (302, 404, 404, 404, 404, 200, 302),
        (302, 404, 404, 404, 404, 200, 302),
    ),
    "patient_detail": (
        "patient",
        (302, 403, 403, 200, 404, 200, 302),
        (302, 403, 403, 200, 404, 200, 302),
    ),
    "patient_focus": (
        "focus",
        (302, 200, 404, 404, 404, 404, 302),
        (302, 200, 404, 404, 404, 404, 302),
    ),
    "patient_list": (
        None,
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "plan_course": (
        "patient",
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "questionnaire_page": (
        "page",
        (302, 200, 404, 403, 403, 403, 302),
        (302, 302, 404, 403, 403, 403, 302),
    ),
    "questionnaire_review": (
        "assignment",
        (302, 200, 404, 403, 403, 403, 302),
        (302, 302, 404, 403, 403, 403, 302),
    ),
    "questionnaire_sent": (
        "assignment",
        (302, 200, 404, 403, 403, 403, 302),
        (302, 200, 404, 403, 403, 403, 302),
    ),
    "questionnaire_start": (
        "assignment",
        (302, 302, 404, 403, 403, 403, 302),
        (302, 302, 404, 403, 403, 403, 302),
    ),
    "questions_or_worries": (
        None,
        (200, 200, 200, 200, 200, 200, 200),
        (200, 200, 200, 200, 200, 200, 200),
    ),
    "record_attendance": (
        "session",
        (302, 403, 403, 200, 404, 403, 302),
        (302, 403, 403, 200, 404, 403, 302),
    ),
    "remove_hours": (
        "hours",
        (302, 403, 403, 403, 403, 405, 302),
        (302, 403, 403, 403, 403, 302, 302),
    ),
    "reschedule_session": (
        "session",
        (302, 200, 404, 403, 403, 403, 302),
        (302, 200, 404, 403, 403, 403, 302),
    ),
    "release_subject_access": (
        "sar",
        (405, 405, 405, 405, 405, 405, 405),
        (302, 403, 403, 403, 403, 302, 302),
    ),
    "resend_invitation": (
        "patient",
        (302, 403, 403, 403, 403, 405, 302),
        (302, 403, 403, 403, 403, 302, 302),
    ),
    "resources": (
        None,
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "response_detail": (
        "response",
        (302, 404, 404, 200, 404, 404, 302),
        (302, 404, 404, 200, 404, 404, 302),
    ),
    "review_subject_access": (
        "sar",
        (405, 405, 405, 405, 405, 405, 405),
        (302, 403, 403, 302, 404, 403, 302),
    ),
    "risk_flag": (
        "flag",
        (302, 404, 404, 200, 404, 404, 302),
        (302, 404, 404, 200, 404, 404, 302),
    ),
    "rooms": (
        None,
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "schedule": (
        None,
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "session_calendar": (
        "session",
        (302, 200, 404, 200, 404, 403, 302),
        (302, 200, 404, 200, 404, 403, 302),
    ),
    "set_invited_password": (
        None,
        (404, 404, 404, 404, 404, 404, 404),
        (404, 404, 404, 404, 404, 404, 404),
    ),
    "share_focus": (
        "focus",
        (302, 405, 405, 405, 405, 405, 302),
        (302, 404, 404, 200, 404, 404, 302),
    ),
    "share_letter": (
        "letter",
        (302, 404, 404, 302, 404, 404, 302),
        (302, 404, 404, 302, 404, 404, 302),
    ),
    "sign_note": (
        "note",
        (302, 404, 404, 200, 404, 404, 302),
        (302, 404, 404, 200, 404, 404, 302),
    ),
    "subject_access_copy": (
        "copy",
        (302, 200, 404, 200, 404, 403, 302),
        (302, 200, 404, 200, 404, 403, 302),
    ),
    "subject_access_reviews": (
        None,
        (302, 403, 403, 200, 200, 403, 302),
        (302, 403, 403, 200, 200, 403, 302),
    ),
    "subject_access_requests": (
        "patient",
        (302, 403, 403, 200, 404, 200, 302),
        (302, 403, 403, 403, 404, 302, 302),
    ),
    "therapist_hours": (
        "therapist",
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "refer_again": (
        "patient",
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "report_attendance": (
        None,
        (302, 404, 404, 404, 404, 200, 302),
        (302, 404, 404, 404, 404, 405, 302),
    ),
    "report_attendance_csv": (
        None,
        (302, 404, 404, 404, 404, 200, 302),
        (302, 404, 404, 404, 404, 405, 302),
    ),
    "report_caseload": (
        None,
        (302, 404, 404, 404, 404, 200, 302),
        (302, 404, 404, 404, 404, 405, 302),
    ),
    "report_caseload_csv": (
        None,
        (302, 404, 404, 404, 404, 200, 302),
        (302, 404, 404, 404, 404, 405, 302),
    ),
    "report_extract_csv": (
        None,
        (302, 404, 404, 404, 404, 200, 302),
        (302, 404, 404, 404, 404, 405, 302),
    ),
    "report_outcomes": (
        None,
        (302, 404, 404, 404, 404, 404, 302),
        (302, 404, 404, 404, 404, 404, 302),
    ),
    "report_outcomes_csv": (
        None,
        (302, 404, 404, 404, 404, 404, 302),
        (302, 404, 404, 404, 404, 404, 302),
    ),
    "report_waiting": (
        None,
        (302, 404, 404, 404, 404, 200, 302),
        (302, 404, 404, 404, 404, 405, 302),
    ),
    "report_waiting_csv": (
        None,
        (302, 404, 404, 404, 404, 200, 302),
        (302, 404, 404, 404, 404, 405, 302),
    ),
    "reports": (
        None,
        (302, 404, 404, 404, 404, 200, 302),
        (302, 404, 404, 404, 404, 405, 302),
    ),
    "waiting_list": (
        None,
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "working_hours": (
        None,
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "confirm_email_change": (
        "token",
        (404, 404, 404, 404, 404, 404, 404),
        (404, 404, 404, 404, 404, 404, 404),
    ),
    "edit_patient": (
        "patient",
        (302, 403, 403, 403, 403, 200, 302),
        (302, 403, 403, 403, 403, 200, 302),
    ),
    "patient_search": (
        None,
        (302, 403, 403, 200, 200, 200, 302),
        (302, 403, 403, 200, 200, 200, 302),
    ),
    "staff_list": (
        None,
        (302, 404, 404, 404, 404, 200, 302),
        (302, 404, 404, 404, 404, 405, 302),
    ),
    "invite_staff": (
        None,
        (302, 404, 404, 404, 404, 200, 302),
        (302, 404, 404, 404, 404, 302, 302),
    ),
    "staff_detail": (
        "therapist",
        (302, 404, 404, 404, 404, 200, 302),
        (302, 404, 404, 404, 404, 405, 302),
    ),
    "edit_staff": (
        "therapist",
        (302, 404, 404, 404, 404, 200, 302),
        (302, 404, 404, 404, 404, 302, 302),
    ),
    "deactivate_staff": (
        "therapist",
        (302, 404, 404, 404, 404, 200, 302),
        (302, 404, 404, 404, 404, 302, 302),
    ),
    "reactivate_staff": (
        "therapist",
        (302, 404, 404, 404, 404, 405, 302),
        (302, 404, 404, 404, 404, 302, 302),
    ),
    "reset_staff_mfa": (
        "therapist",
        (302, 404, 404, 404, 404, 200, 302),
        (302, 404, 404, 404, 404, 302, 302),
    ),
    "resend_staff_invitation": (
        "therapist",
        (302, 404, 404, 404, 404, 405, 302),
        (302, 404, 404, 404, 404, 302, 302),
    ),
    "hand_over": (
        "therapist",
        (302, 404, 404, 404, 404, 405, 302),
        (302, 404, 404, 404, 404, 302, 302),
    ),
    "write_note": (
        "session",
        (302, 404, 404, 200, 404, 404, 302),
        (302, 404, 404, 200, 404, 404, 302),
    ),
}


def our_url_names():
    def walk(resolver):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if not str(pattern.pattern).startswith("django-admin"):
                    yield from walk(pattern)
            elif pattern.name and pattern.callback.__module__.split(".")[0] in OURS:
                yield pattern.name

    return set(walk(get_resolver()))


def test_every_url_has_a_row():
    assert our_url_names() - set(EXPECTED) == set()
    assert set(EXPECTED) - our_url_names() == set()


@pytest.mark.django_db
def test_who_may_open_what(
    clock,
    course,
    patient,
    other_patient,
    therapist,
    other_therapist,
    clinic_admin,
    room,
):
    world = build(clock, course, other_patient, other_therapist, room)
    users = {
        "patient_a": patient.user,
        "patient_b": other_patient.user,
        "therapist": therapist,
        "other_therapist": other_therapist,
        "clinic_admin": clinic_admin,
    }
    half_signed_in = TherapistFactory().email
    args = world.args(None)

    def client_for(role):
        client = Client()
        if role in users:
            client.force_login(users[role])
        elif role == "half_signed_in_staff":
            sign_in(client, half_signed_in)
        return client

    clients = {role: client_for(role) for role in ROLES}
    wrong = []
    for name, (kind, get, post) in sorted(EXPECTED.items()):
        url = reverse(name, args=args[kind] if kind else [])
        for method, expected in (("get", get), ("post", post)):
            got = tuple(
                getattr(clients[role], method)(url).status_code for role in ROLES
            )
            if got != expected:
                wrong.append(f"{method.upper()} {name}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)
