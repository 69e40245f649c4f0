"""Each role signs in through the real forms and lands on its own home; nobody
reaches another role's pages."""

import pytest
from django.urls import reverse

from .factories import TherapistFactory
from .helpers import sign_in, sign_in_staff

pytestmark = pytest.mark.django_db


def test_patient_signs_in_and_lands_on_my_therapy(client, patient):
    response = sign_in(client, patient.user.email)
    assert response.status_code == 302
    response = client.get(response.url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("my_therapy")
    assert b"My therapy" in response.content
    assert patient.user.full_name.encode() in response.content


def test_therapist_signs_in_with_totp_and_lands_on_caseload(client, therapist, patient):
    response = sign_in_staff(client, therapist)
    response = client.get(response.url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("caseload")
    assert patient.user.full_name.encode() in response.content


def test_clinic_admin_signs_in_with_totp_and_lands_on_schedule(client, clinic_admin):
    response = sign_in_staff(client, clinic_admin)
    response = client.get(response.url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("schedule")
    assert b"Waiting for a therapist" in response.content


def test_wrong_totp_code_does_not_sign_in(client, therapist):
    sign_in(client, therapist.email)
    response = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert response.status_code == 200
    assert b"Incorrect code" in response.content
    assert client.get(reverse("caseload")).status_code == 302


@pytest.mark.parametrize(
    "url_name",
    ["my_therapy", "caseload", "schedule", "patient_list", "clinic_settings"],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("who", "url_name", "status"),
    [
        ("patient", "caseload", 403),
        ("patient", "schedule", 403),
        ("patient", "patient_list", 403),
        ("patient", "clinic_settings", 403),
        ("patient", "invite_patient", 403),
        ("therapist", "my_therapy", 403),
        ("therapist", "schedule", 403),
        ("therapist", "clinic_settings", 403),
        ("therapist", "invite_patient", 403),
        ("clinic_admin", "my_therapy", 403),
        ("clinic_admin", "caseload", 403),
    ],
)
def test_roles_cannot_reach_other_roles_pages(client, who, url_name, status, request):
    user = {
        "patient": lambda: request.getfixturevalue("patient").user,
        "therapist": lambda: request.getfixturevalue("therapist"),
        "clinic_admin": lambda: request.getfixturevalue("clinic_admin"),
    }[who]()
    client.force_login(user)
    response = client.get(reverse(url_name))
    assert response.status_code == status
    assert b"You cannot see this page" in response.content


def test_patient_record_matrix(client, patient, other_patient, therapist, clinic_admin):
    """Own caseload or any record for admins; everyone else gets 404, not 403."""
    own = reverse("patient_detail", args=[patient.public_id])
    other = reverse("patient_detail", args=[other_patient.public_id])

    client.force_login(therapist)
    assert client.get(own).status_code == 200
    assert client.get(other).status_code == 404

    client.force_login(clinic_admin)
    assert client.get(own).status_code == 200
    assert client.get(other).status_code == 200

    client.force_login(patient.user)
    assert client.get(own).status_code == 403  # patients read theirs on My therapy
    assert client.get(other).status_code == 403


def test_therapist_caseload_shows_only_their_patients(client, patient, other_patient):
    client.force_login(patient.therapist)
    content = client.get(reverse("caseload")).content
    assert patient.user.full_name.encode() in content
    assert other_patient.user.full_name.encode() not in content


def test_unknown_role_home_is_not_a_500(client):
    user = TherapistFactory()
    client.force_login(user)
    assert client.get("/").status_code == 302


def test_signup_is_closed(client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert b'name="password1"' not in response.content
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.test", "password1": "x" * 12, "password2": "x" * 12},
    )
    from dit_portal.accounts.models import User

    assert not User.objects.filter(email="new@example.test").exists()
