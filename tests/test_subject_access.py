"""A copy of a patient's information: the self-service bundle (JSON and PDF, no
clinical notes) and the full copy an admin asks for, a clinician reviews and an
admin releases."""

import json
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from jsonschema import Draft202012Validator
from pypdf import PdfReader

from dit_portal.audit.models import AuditEvent
from dit_portal.core.timefmt import when
from messaging.models import Message
from patients import subject_access
from patients.bundle import subject_access_bundle
from patients.models import SubjectAccessRequest
from therapy.models import Clinic
from therapy.notes import services as notes

from .factories import ClinicAdminFactory, PatientFactory, TherapistFactory
from .focus_helpers import SUMMARY, WORKING
from .permission_world import LETTER, build
from .test_query_counts import assert_flat, count_queries

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parent.parent
        / "docs/schemas/subject-access-bundle.schema.json"
    ).read_text()
)
VALIDATOR = Draft202012Validator(
    SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
)
NOTE = "Met her sister."  # the world's clinical note
NAME = "Łukasz Nguyễn-Ó Súilleabháin"


def ask(patient):
    return subject_access.request_full_copy(
        patient, by=ClinicAdminFactory(), clinic=Clinic.load()
    )


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


@pytest.fixture
def world(clock, course, patient, other_patient, other_therapist, room, clinic):
    patient.user.full_name = NAME
    patient.user.save()
    return build(clock, course, other_patient, other_therapist, room)


def test_the_schema_itself_is_valid():
    Draft202012Validator.check_schema(SCHEMA)


def test_both_bundles_validate_and_only_the_full_one_has_notes(world, clinic):
    patient = world.course.patient
    own = subject_access_bundle(patient, clinic=clinic)
    full = subject_access_bundle(patient, clinic=clinic, with_notes=True)
    VALIDATOR.validate(own)
    VALIDATOR.validate(full)
    assert "clinical_notes" not in own and NOTE not in json.dumps(own)
    assert full["clinical_notes"][0]["sections"][0] == {
        "heading": "Relationships explored",
        "text": NOTE,
    }
    # The schema would notice notes in a self-service copy.
    assert not VALIDATOR.is_valid(own | {"clinical_notes": full["clinical_notes"]})


def test_the_patient_downloads_their_information_as_json(world, client):
    patient = world.course.patient
    client.force_login(patient.user)
    response = client.get(reverse("my_information_download", args=["json"]))
    assert response["Content-Disposition"] == (
        'attachment; filename="my-information.json"'
    )
    bundle = json.loads(response.content)
    VALIDATOR.validate(bundle)
    assert bundle["details"]["full_name"] == NAME
    assert bundle["details"]["nhs_number"] == patient.nhs_number_display
    assert [s["number"] for s in bundle["sessions"]] == list(range(1, 17))
    first = bundle["sessions"][0]
    assert first["attendance"] == "Booked" and first["nhs_attendance_code"] == 0
    (phq9,) = bundle["questionnaires"]
    assert phq9["score"] == 12 and phq9["session_number"] == 2
    assert phq9["answers"][0] == {
        "question": "Little interest or pleasure in doing things",
        "answer": "Nearly every day (3)",
    }
    (focus,) = bundle["focus_agreements"]
    assert focus["summary"] == SUMMARY
    (letter,) = bundle["letters"]
    assert [s["text"] for s in letter["sections"]] == list(LETTER.values())
    text = json.dumps(bundle, ensure_ascii=False)
    for working in [*WORKING.values(), NOTE]:
        assert working not in text  # the therapist's working words and notes
    assert (
        AuditEvent.objects.filter(
            actor=patient.user,
            action="export",
            object_type="patients.MyInformation",
            patient=patient,
        ).count()
        == 1
    )


def test_the_bundle_lists_messages_sent_and_who_looked(world, client, clinic_admin):
    patient = world.course.patient
    sent = Message.objects.filter(recipient=patient.user).first()
    Message.objects.filter(pk=sent.pk).update(
        status=Message.Status.SENT, sent_at=sent.due_at, channels="email, sms"
    )
    client.force_login(clinic_admin)
    client.get(reverse("patient_detail", args=[patient.public_id]))
    client.force_login(patient.user)
    bundle = json.loads(
        client.get(reverse("my_information_download", args=["json"])).content
    )
    assert [m["by"] for m in bundle["messages"]] == [["email", "text message"]]
    assert bundle["messages"][0]["message"] == sent.get_kind_display()
    assert {
        "who": "Ada Admin",
        "role": "Clinic admin",
        "what": "Looked at your details",
    } in [{k: row[k] for k in ("who", "role", "what")} for row in bundle["access_list"]]
    assert all(row["role"] != "Patient" for row in bundle["access_list"])


def test_the_pdf_holds_sessions_and_answers_with_names_as_written(world, client):
    patient = world.course.patient
    client.force_login(patient.user)
    response = client.get(reverse("my_information_download", args=["pdf"]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert NAME in text and "?ukasz" not in text
    born = patient.date_of_birth
    assert f"Date of birth: {born.day} {born:%B %Y}" in text
    assert born.isoformat() not in text  # the JSON's format, not a reader's
    first = world.course.sessions.get(number=1)
    assert f"Session 1: {when(first.start)}" in text
    assert "Little interest or pleasure in doing things: Nearly every day (3)" in text
    assert "score 12 (Moderate)" in text
    assert SUMMARY in text and LETTER["changes"] in text
    # Who looked: the therapist's note was written, but its words are not here.
    assert "Terry Therapist (Therapist), Added your session notes" in text
    assert NOTE not in text and WORKING["linking_feeling"] not in text


def test_downloading_runs_a_fixed_number_of_queries(world, client):
    patient = world.course.patient
    client.force_login(patient.user)
    url = reverse("my_information_download", args=["json"])
    client.get(url)
    few = count_queries(client, url)
    therapist = world.course.therapist
    AuditEvent.objects.bulk_create(
        AuditEvent(actor=therapist, actor_role="therapist", action="view",
                   object_type="therapy.Session", patient=patient)
        for _ in range(40)
    )  # fmt: skip
    Message.objects.filter(recipient=patient.user).update(status=Message.Status.SENT)
    assert count_queries(client, url) == few


# The full copy, notes included ----------------------------------------------------


def test_a_full_copy_is_asked_for_reviewed_then_released(world, client, clinic_admin):
    patient = world.course.patient
    therapist = world.course.therapist
    SubjectAccessRequest.objects.all().delete()  # the world's own released copy
    requests_url = reverse("subject_access_requests", args=[patient.public_id])

    client.force_login(clinic_admin)
    client.post(requests_url)
    copy = SubjectAccessRequest.objects.get()
    assert copy.requested_by == clinic_admin and not copy.is_reviewed
    pdf_url = reverse("subject_access_copy", args=[copy.public_id, "pdf"])
    assert client.get(pdf_url).status_code == 403  # admins never read the notes
    page = client.post(
        reverse("release_subject_access", args=[copy.public_id]), follow=True
    )
    assert "A clinician must review this copy before it is released." in (
        page.content.decode()
    )

    client.force_login(patient.user)
    assert client.get(pdf_url).status_code == 404  # not released yet
    assert (
        copy.public_id.hex not in client.get(reverse("my_information")).content.decode()
    )

    # The copy was made when asked for: a later change to the notes is not in
    # it, so the clinician reviews exactly what the patient will get.
    notes.save_draft(world.note, by=therapist, relationships="Written after.")
    client.force_login(therapist)
    reviewed = pdf_text(client.get(pdf_url).content)
    assert NOTE in reviewed and "Written after." not in reviewed
    client.post(reverse("review_subject_access", args=[copy.public_id]))
    copy.refresh_from_db()
    assert copy.reviewed_by == therapist and copy.reviewed_at is not None

    client.force_login(clinic_admin)
    client.post(reverse("release_subject_access", args=[copy.public_id]))
    copy.refresh_from_db()
    assert copy.released_by == clinic_admin

    client.force_login(patient.user)
    assert str(copy.public_id) in client.get(reverse("my_information")).content.decode()
    full = json.loads(
        client.get(
            reverse("subject_access_copy", args=[copy.public_id, "json"])
        ).content
    )
    VALIDATOR.validate(full)
    assert full["clinical_notes"][0]["sections"][0]["text"] == NOTE
    steps = list(
        AuditEvent.objects.filter(
            object_type="patients.SubjectAccessRequest", object_id=copy.public_id
        )
        .exclude(action="view")  # the admin's page of requests
        .order_by("id")
        .values_list("actor_role", "action")
    )
    assert steps == [
        ("clinic_admin", "create"),
        ("therapist", "export"),
        ("therapist", "sign"),
        ("clinic_admin", "share"),
        ("patient", "export"),
    ]
    page = client.get(reverse("my_record_access")).context["page"]
    words = [row.what for row in page if not row.what.startswith("Looked at")]
    assert words[:5] == [
        "Released the full copy of your information to you",
        "Reviewed the full copy of your information before release",
        "Downloaded the full copy of your information",
        "Changed your session notes",
        "Asked for a full copy of your information",
    ]


def test_a_copy_is_reviewed_once(world, client):
    therapist = world.course.therapist
    client.force_login(therapist)
    page = client.post(
        reverse("review_subject_access", args=[world.copy.public_id]), follow=True
    )
    assert "This copy has already been reviewed." in page.content.decode()


def test_the_clinical_lead_may_review_any_copy_another_therapist_none(
    world, client, other_therapist
):
    copy = ask(world.course.patient)
    pdf_url = reverse("subject_access_copy", args=[copy.public_id, "pdf"])
    client.force_login(other_therapist)
    reviews = client.get(reverse("subject_access_reviews"))
    assert not reviews.context["page"].object_list
    assert client.get(pdf_url).status_code == 404
    assert (
        client.post(reverse("review_subject_access", args=[copy.public_id])).status_code
        == 404
    )

    lead = TherapistFactory(full_name="Lee Lead", clinical_lead=True)
    client.force_login(lead)
    listed = client.get(reverse("subject_access_reviews")).content.decode()
    assert NAME in listed and "Mark as reviewed" in listed
    assert NOTE in pdf_text(client.get(pdf_url).content)
    client.post(reverse("review_subject_access", args=[copy.public_id]))
    copy.refresh_from_db()
    assert copy.reviewed_by == lead


def test_the_review_list_is_flat(client, therapist, patient):
    client.force_login(therapist)

    def add():
        for _ in range(30):
            ask(PatientFactory(therapist=therapist))

    ask(patient)
    assert_flat(client, reverse("subject_access_reviews"), add)


def test_a_patients_list_of_full_copies_is_flat(clinic_admin_client, patient):
    def add():
        for _ in range(20):
            ask(patient)

    add()
    assert_flat(
        clinic_admin_client,
        reverse("subject_access_requests", args=[patient.public_id]),
        add,
        limit=14,  # the admin's banner asks whether messages go out (2 queries)
    )
