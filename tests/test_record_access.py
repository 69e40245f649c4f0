"""Who has looked at my record (the patient's page) and the admins' audit trail:
the same words for both, filters, the CSV export."""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from dit_portal.accounts.admin import AuditedAdmin
from dit_portal.audit import words
from dit_portal.audit.models import AuditEvent
from dit_portal.core.timefmt import LONDON

from .factories import TherapistFactory
from .test_query_counts import assert_flat

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
OUR_APPS = ("accounts", "audit", "patients", "therapy", "messaging", "questionnaires")
INTERNAL = re.compile(r"\b(therapy|patients|questionnaires|messaging|audit)\.[A-Z]")


def recorded_types():
    """Every object type the portal can write: the literal names passed to the
    audit functions, every model of ours (record() of an object uses its label),
    and the Django admin's lists of them."""
    found = set()
    for package in ("dit_portal", "therapy", "patients", "questionnaires", "messaging"):
        for path in (ROOT / package).glob("**/*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text()
            found |= set(re.findall(r'object_type\s*=\s*"([^"]+)"', text))
            found |= set(re.findall(r'record_listed\([^)]*?"([^"]+)"\s*\)', text))
            # A type named once as a constant (SEARCH = "patients.PatientSearch").
            found |= set(re.findall(r'^[A-Z_]+ = "([a-z]+\.[A-Z][\w.]*)"', text, re.M))
    for label in OUR_APPS:
        found |= {
            model._meta.label for model in apps.get_app_config(label).get_models()
        }
    found |= {
        f"admin.{model._meta.label}"
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, AuditedAdmin)
    }
    return found


def test_every_type_the_portal_records_has_words():
    types = recorded_types()
    # The scan finds what the code records, so it would notice a new one.
    assert {
        "patients.PatientList", "patients.PatientSearch", "therapy.Caseload",
        "therapy.Session",
    } <= types  # fmt: skip
    missing = sorted(name for name in types if words.what(name) == words.UNKNOWN)
    assert missing == [], f"no patient-facing words for {missing} in audit/words.py"


def test_the_words_for_a_read_and_the_roles():
    assert (
        words.describe("therapy.ClinicalNote", "view") == "Looked at your session notes"
    )
    assert words.describe("questionnaires.Response", "view") == (
        "Looked at your questionnaire answers"
    )
    assert words.describe("therapy.Session", "change") == "Changed your sessions"
    assert words.describe("something.New", "view") == "Looked at your record"
    assert words.role("clinic_admin") == "Clinic admin"
    assert words.role("therapist") == "Therapist"


def rows(response):
    return [(row.who, row.role, row.what) for row in response.context["page"]]


def test_the_access_list_shows_staff_in_the_order_they_acted_newest_first(
    client, course, patient, therapist, clinic_admin, time_machine
):
    # The clock stands still, so every event has the same time, as events written
    # in one request may: the order must still be the order they were written.
    time_machine.move_to(
        datetime.datetime(2027, 7, 1, 9, 30, tzinfo=LONDON), tick=False
    )
    client.force_login(therapist)
    client.get(reverse("patient_detail", args=[patient.public_id]))
    client.get(reverse("course_timeline", args=[course.public_id]))
    client.force_login(clinic_admin)
    client.get(reverse("patient_detail", args=[patient.public_id]))
    client.get(reverse("patient_list"))

    client.force_login(patient.user)
    client.get(reverse("my_therapy"))
    page = client.get(reverse("my_record_access"))
    assert rows(page) == [
        (
            "Ada Admin",
            "Clinic admin",
            "Saw your name and NHS number on the patient list",
        ),
        ("Ada Admin", "Clinic admin", "Looked at your details"),
        ("Terry Therapist", "Therapist", "Looked at your sessions"),
        ("Terry Therapist", "Therapist", "Looked at your details"),
    ]
    html = page.content.decode()
    assert "Thursday 1 July 2027, 09:30" in html  # London time (BST), not 08:30 UTC
    assert not INTERNAL.search(html) and "clinic_admin" not in html


def test_a_patients_own_reads_and_answers_are_never_listed_as_staff(
    client, clock, course, patient
):
    client.force_login(patient.user)
    client.get(reverse("my_therapy"))
    session = course.sessions.get(number=1)
    client.get(reverse("session_calendar", args=[session.public_id]))
    client.get(reverse("course_calendar", args=[course.public_id]))
    client.get(reverse("my_information_download", args=["json"]))
    assert AuditEvent.objects.filter(actor=patient.user).count() == 4
    page = client.get(reverse("my_record_access"))
    assert rows(page) == []
    assert AuditEvent.objects.filter(
        actor=patient.user, object_type="audit.AccessList"
    ).exists()
    assert "Nobody at the clinic has looked at your record" in page.content.decode()


def test_another_patients_accesses_are_not_shown(
    client, patient, other_patient, other_therapist
):
    client.force_login(other_therapist)
    client.get(reverse("patient_detail", args=[other_patient.public_id]))
    client.force_login(patient.user)
    assert rows(client.get(reverse("my_record_access"))) == []


def staff_events(patient, actor, count, object_type="therapy.ClinicalNote"):
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            actor_role=actor.role,
            action="view",
            object_type=object_type,
            patient=patient,
        )
        for _ in range(count)
    )


def test_the_access_list_is_paged_in_a_fixed_number_of_queries(
    client, patient, therapist
):
    client.force_login(patient.user)
    staff_events(patient, therapist, 3)
    assert_flat(
        client,
        reverse("my_record_access"),
        lambda: staff_events(patient, TherapistFactory(), 60),
    )
    page = client.get(reverse("my_record_access"))
    assert len(page.context["page"].object_list) == 50
    assert page.context["page"].paginator.count == 63
    second = client.get(reverse("my_record_access") + "?page=2")
    assert len(second.context["page"].object_list) == 13


# The admins' audit trail ----------------------------------------------------------


def test_the_admins_trail_says_the_patients_words_about_the_patient():
    # The patient reads "your"; the admin reads about the patient in the Patient column.
    assert words.describe_for_staff("patients.PatientList", "view") == (
        "Saw the patient's name and NHS number on the patient list"
    )
    assert words.describe_for_staff("patients.SubjectAccessRequest", "view") == (
        "Looked at the patient's request for a copy of their information"
    )
    assert words.describe_for_staff("patients.SubjectAccessRequest", "share") == (
        "Released the full copy of the patient's information to them"
    )
    assert words.describe_for_staff("therapy.Room", "change") == "Changed a room"
    you = re.compile(r"\b(you|your)\b", re.IGNORECASE)
    said = [
        words.describe_for_staff(object_type, action)
        for object_type in recorded_types()
        for action in AuditEvent.Action.values
    ]
    assert [line for line in said if you.search(line)] == []


def test_the_audit_trail_uses_the_same_words_and_is_flat(
    clinic_admin_client, patient, therapist
):
    staff_events(patient, therapist, 2)
    url = reverse("audit_events")
    assert_flat(
        clinic_admin_client,
        url,
        lambda: staff_events(patient, TherapistFactory(), 60),
        limit=14,  # the admin's banner asks whether messages go out (2 queries)
    )
    html = clinic_admin_client.get(url).content.decode()
    assert "Looked at the patient&#x27;s session notes" in html
    assert "Alice Patient" in html and "your session notes" not in html
    assert not INTERNAL.search(html.split("<tbody")[1])


def test_one_patients_trail_is_the_audit_page_filtered_to_them(
    clinic_admin_client, patient, other_patient, therapist, other_therapist
):
    staff_events(patient, therapist, 1)
    staff_events(other_patient, other_therapist, 1)
    response = clinic_admin_client.get(
        reverse("audit_log", args=[patient.public_id]), follow=True
    )
    page = response.context["page"].object_list
    assert {row.patient for row in page} == {"Alice Patient"}
    assert "Terry Therapist" in {row.who for row in page}
    assert "Tess Therapist" not in {row.who for row in page}
    # Only ids travel in the address, never a name.
    assert response.redirect_chain[0][0].endswith(f"?patient={patient.public_id}")


def test_the_audit_trail_filters_by_person_action_and_dates(
    clinic_admin_client, clinic_admin, patient, therapist, other_therapist, time_machine
):
    def at(day, who, action):
        time_machine.move_to(datetime.datetime(2027, 3, day, 23, 30, tzinfo=LONDON))
        AuditEvent.objects.create(
            actor=who, actor_role=who.role, action=action,
            object_type="therapy.Session", patient=patient,
        )  # fmt: skip

    at(1, therapist, "view")
    at(2, therapist, "change")
    at(3, other_therapist, "view")
    clinic_admin_client.force_login(clinic_admin)  # after the idle time-out
    url = reverse("audit_events")

    def found(**query):
        page = clinic_admin_client.get(url, query).context["page"]
        return sorted((row.who, row.what) for row in page.object_list if row.patient)

    assert found(person=therapist.pk) == [
        ("Terry Therapist", "Changed the patient's sessions"),
        ("Terry Therapist", "Looked at the patient's sessions"),
    ]
    assert found(action="change") == [
        ("Terry Therapist", "Changed the patient's sessions")
    ]
    # 23:30 on 2 March in London is that day, whatever UTC says.
    day_two = {"start_day": 2, "start_month": 3, "start_year": 2027}
    assert found(**day_two, end_day=2, end_month=3, end_year=2027) == [
        ("Terry Therapist", "Changed the patient's sessions")
    ]
    assert found(**day_two) == [
        ("Terry Therapist", "Changed the patient's sessions"),
        ("Tess Therapist", "Looked at the patient's sessions"),
    ]


def test_the_action_filter_uses_the_trails_own_verbs(clinic_admin_client):
    html = clinic_admin_client.get(reverse("audit_events")).content.decode()
    options = re.findall(r'<option value="(\w*)"[^>]*>([^<]+)</option>', html)
    actions = dict(options[-len(AuditEvent.Action.values) - 1 :])
    assert actions == {
        "": "Any action", "view": "Looked at", "create": "Added", "change": "Changed",
        "export": "Downloaded", "sign": "Signed", "agree": "Agreed", "share": "Shared",
        "delete": "Removed",
    }  # fmt: skip


def test_bad_filters_are_form_errors_not_failures(clinic_admin_client):
    url = reverse("audit_events")
    response = clinic_admin_client.get(url, {"person": "not-a-number"})
    assert response.status_code == 200
    assert "Choose a person from the list." in response.content.decode()
    response = clinic_admin_client.get(
        url,
        {"start_day": 5, "start_month": 3, "start_year": 2027}
        | {"end_day": 1, "end_month": 3, "end_year": 2027},
    )
    assert "The &#x27;To&#x27; date must be the same as or after" in (
        response.content.decode()
    )
    response = clinic_admin_client.get(url, {"patient": "no-such-patient"})
    assert "That patient could not be found." in response.content.decode()


def test_the_csv_export_is_in_words_safe_for_spreadsheets_and_audited(
    clinic_admin_client, clinic_admin, patient
):
    odd = TherapistFactory(full_name='=HYPERLINK("http://bad.example","x")')
    staff_events(patient, odd, 1, object_type="questionnaires.Response")
    response = clinic_admin_client.get(reverse("audit_events_csv"), {"person": odd.pk})
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()  # streamed, not held
    # Marked as UTF-8 for Excel, like the reports' downloads ("Ålice" stays Ålice).
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert table[0] == [
        "When (UK time)", "Who", "Role", "What", "Patient", "From address"
    ]  # fmt: skip
    assert [row[1:5] for row in table[1:]] == [
        [
            '\'=HYPERLINK("http://bad.example","x")',
            "Therapist",
            "Looked at the patient's questionnaire answers",
            "Alice Patient",
        ]
    ]
    assert AuditEvent.objects.filter(
        actor=clinic_admin, action="export", object_type="audit.AuditEvent"
    ).exists()
