"""Forged or racing input on the admin scheduling pages ends in a clear message,
never a 500 or a silent change."""

import pytest
from django.urls import reverse

from patients.models import Patient

from .factories import valid_nhs_number

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "forged",
    [
        "9999-12-31T23:00:00-05:00",
        "0001-01-01T00:30:00+05:00",
        "9999-12-31T10:00:00+00:00",
        "2027-01-01T10:00:00",  # no time zone
        "not a time",
    ],
)
def test_a_forged_alternative_time_is_a_form_error(
    client, clinic_admin, course, forged
):
    client.force_login(clinic_admin)
    session = course.sessions.get(number=3)
    before = (session.start, session.end)
    response = client.post(
        reverse("admin_move_session", args=[session.public_id]),
        {"alternative": forged, "reason": "Room repairs"},
    )
    assert response.status_code == 200
    assert b"nhsuk-error-summary" in response.content
    session.refresh_from_db()
    assert (session.start, session.end) == before


def test_a_patient_with_a_course_keeps_the_course_therapist(
    client, clinic_admin, course, other_therapist
):
    client.force_login(clinic_admin)
    patient = course.patient
    response = client.post(
        reverse("assign_therapist", args=[patient.public_id]),
        {"therapist": other_therapist.pk},
    )
    assert response.status_code == 200
    assert b"already has a course" in response.content
    patient.refresh_from_db()
    assert patient.therapist == course.therapist


def test_flash_messages_are_not_kept_in_a_cookie(client, clinic_admin, patient):
    client.force_login(clinic_admin)
    client.post(
        reverse("invite_patient"),
        {
            "full_name": "Nina Newname",
            "email": "nina@example.test",
            "nhs_number": valid_nhs_number(),
            "date_of_birth_day": "1",
            "date_of_birth_month": "2",
            "date_of_birth_year": "1980",
        },
    )
    assert Patient.objects.filter(user__full_name="Nina Newname").exists()
    assert "messages" not in client.cookies
