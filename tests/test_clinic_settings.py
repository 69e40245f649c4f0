"""Clinic admins edit the clinic's details; every page shows PALS and urgent help."""

import pytest
from django.urls import reverse

from therapy.models import Clinic

pytestmark = pytest.mark.django_db


def settings_form(clinic, **overrides):
    data = {
        "name": clinic.name,
        "portal_name": clinic.portal_name,
        "address": clinic.address,
        "phone": clinic.phone,
        "pals_phone": clinic.pals_phone,
        "pals_email": clinic.pals_email,
        "pals_hours": clinic.pals_hours,
        "urgent_help_text": clinic.urgent_help_text,
        "session_minutes": clinic.session_minutes,
        "course_sessions": clinic.course_sessions,
        "cancellation_notice_hours": clinic.cancellation_notice_hours,
        "booking_window_days": clinic.booking_window_days,
        "missed_session_policy": clinic.missed_session_policy,
        "reminder_lead_hours": clinic.reminder_lead_hours,
    }
    data.update(overrides)
    return data


def test_defaults_match_the_therapy():
    clinic = Clinic.load()
    assert clinic.course_sessions == 16
    assert clinic.session_minutes == 50
    assert clinic.reminder_leads == [48, 2]
    assert "111" in clinic.urgent_help_text and "116 123" in clinic.urgent_help_text


def test_there_is_only_one_clinic():
    Clinic.load()
    Clinic(name="Another").save()
    assert Clinic.objects.count() == 1
    assert Clinic.load().name == "Another"


def test_admin_changes_pals_contact_and_it_shows_everywhere(
    client, clinic_admin, clinic
):
    client.force_login(clinic_admin)
    response = client.post(
        reverse("clinic_settings"),
        settings_form(clinic, pals_phone="0300 555 0199", reminder_lead_hours="24,72"),
    )
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.reminder_leads == [72, 24]

    client.logout()
    for url in ["/", reverse("questions_or_worries"), reverse("account_login")]:
        assert b"0300 555 0199" in client.get(url).content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reminder_lead_hours", "soon", "Enter whole hours"),
        ("reminder_lead_hours", "0", "Enter whole hours"),
        (
            "session_minutes",
            "5",
            "Enter the session length: a whole number of minutes from 20 to 120.",
        ),
        (
            "cancellation_notice_hours",
            "-1",
            "Enter the cancellation notice: a whole number of hours from 0 to 336.",
        ),
        ("booking_window_days", "91", "from 1 to 90."),
        ("course_sessions", "", "Enter the number of sessions in a course"),
        ("pals_email", "not-an-email", "Enter a valid email address"),
    ],
)
def test_bad_values_are_form_errors(
    client, clinic_admin, clinic, field, value, message
):
    client.force_login(clinic_admin)
    response = client.post(
        reverse("clinic_settings"), settings_form(clinic, **{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Ensure this value" not in response.content.decode()
    assert b"nhsuk-error-summary" in response.content
    assert Clinic.load().session_minutes == 50


def test_patients_and_therapists_cannot_edit_settings(
    client, patient, therapist, clinic
):
    for user in (patient.user, therapist):
        client.force_login(user)
        response = client.post(
            reverse("clinic_settings"), settings_form(clinic, name="Hijacked")
        )
        assert response.status_code == 403
    assert Clinic.load().name != "Hijacked"
