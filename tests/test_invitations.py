"""A clinic admin adds a patient; the email's one-time link lets them set a password."""

import datetime
import logging
import re

import pytest
from django.core import mail
from django.urls import reverse
from gunicorn.config import Config

from dit_portal.accounts.models import Invitation, User
from dit_portal.audit.models import AuditEvent
from dit_portal.gunicorn_conf import RedactingLogger
from patients.models import Patient

from .factories import valid_nhs_number
from .helpers import sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-new-password-9"


def invite_form(**overrides):
    data = {
        "full_name": "Beth Newcomer",
        "email": "Beth@Example.test",
        "nhs_number": "",
        "date_of_birth_day": "7",
        "date_of_birth_month": "3",
        "date_of_birth_year": "1990",
        "therapist": "",
    }
    data.update(overrides)
    return data


def invitation_path(message):
    """The path of the one-time link in an invitation email."""
    match = re.search(r"https?://[^/\s]+(/accounts/invitation/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_invite_flow_end_to_end(client, clinic, clinic_admin, therapist):
    client.force_login(clinic_admin)
    nhs = valid_nhs_number()
    spaced = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
    response = client.post(
        reverse("invite_patient"),
        invite_form(nhs_number=spaced, therapist=str(therapist.pk)),
    )
    assert response.status_code == 302
    patient = Patient.objects.get(nhs_number=nhs)
    assert patient.user.email == "beth@example.test"
    assert patient.therapist == therapist
    assert not patient.user.has_usable_password()
    assert AuditEvent.objects.filter(
        patient=patient, action="create", actor=clinic_admin
    ).exists()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["beth@example.test"]
    assert "therapy" not in message.subject.lower()
    assert nhs not in message.body and "1990" not in message.body
    assert clinic.pals_phone in message.body
    link = invitation_path(message)

    client.logout()
    response = client.get(link)
    assert response.status_code == 200
    assert b"You are about to set a password for" in response.content
    assert b"beth@example.test" in response.content
    response = client.post(link)
    assert response.status_code == 302
    assert response.url == reverse("set_invited_password")
    page = client.get(response.url)
    assert b"Set your password" in page.content

    response = client.post(
        reverse("set_invited_password"),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("account_login")

    response = sign_in(client, "beth@example.test", NEW_PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("my_therapy")).status_code == 200

    # The link works once.
    client.logout()
    response = client.get(link)
    assert response.status_code == 404
    assert b"expired or been used" in response.content


def test_invite_form_errors_are_shown_not_saved(client, clinic_admin, patient):
    client.force_login(clinic_admin)
    response = client.post(
        reverse("invite_patient"),
        invite_form(
            email=patient.user.email,
            nhs_number="1234567890",
            date_of_birth_day="31",
            date_of_birth_month="2",
        ),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Someone already uses this email address." in content
    assert "This is not a valid NHS number" in content
    assert "Enter a real date" in content
    assert User.objects.filter(full_name="Beth Newcomer").count() == 0
    assert len(mail.outbox) == 0


def test_an_empty_patient_invitation_says_what_to_fix(client, clinic_admin):
    client.force_login(clinic_admin)
    response = client.post(reverse("invite_patient"), {})
    errors = response.context["form"].errors
    assert errors["full_name"] == ["Enter their full name."]
    assert errors["email"] == ["Enter their email address."]
    assert "This field is required" not in str(errors["full_name"] + errors["email"])


def test_duplicate_nhs_number_is_a_form_error(client, clinic_admin, patient):
    client.force_login(clinic_admin)
    response = client.post(
        reverse("invite_patient"), invite_form(nhs_number=patient.nhs_number)
    )
    assert b"A patient with this NHS number already exists." in response.content


def test_weak_password_is_refused(client, clinic_admin):
    client.force_login(clinic_admin)
    client.post(reverse("invite_patient"), invite_form(nhs_number=valid_nhs_number()))
    client.logout()
    client.post(invitation_path(mail.outbox[0]))
    response = client.post(
        reverse("set_invited_password"),
        {"new_password1": "password", "new_password2": "password"},
    )
    assert response.status_code == 200
    assert b"too common" in response.content
    assert not User.objects.get(email="beth@example.test").has_usable_password()
    # The error is under the box the password was typed in, not the confirmation.
    response = client.post(
        reverse("set_invited_password"),
        {"new_password1": "short", "new_password2": "short"},
    )
    errors = re.findall(r'id="(id_new_password\d)_error"', response.content.decode())
    assert errors == ["id_new_password1"]


def test_new_invitation_replaces_the_old_link(client, clinic_admin):
    client.force_login(clinic_admin)
    client.post(reverse("invite_patient"), invite_form(nhs_number=valid_nhs_number()))
    patient = Patient.objects.get(user__email="beth@example.test")
    client.post(reverse("resend_invitation", args=[patient.public_id]))
    assert len(mail.outbox) == 2
    first, second = (invitation_path(m) for m in mail.outbox)
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert client.post(second).status_code == 302


def test_a_bad_token_is_a_calm_404(client):
    response = client.get("/accounts/invitation/not-a-real-token/")
    assert response.status_code == 404
    assert b"expired or been used" in response.content


def invite_beth(client, clinic_admin):
    client.force_login(clinic_admin)
    client.post(reverse("invite_patient"), invite_form(nhs_number=valid_nhs_number()))
    client.logout()
    return invitation_path(mail.outbox[-1])


def test_opening_the_link_signs_nobody_out(client, clinic_admin, patient):
    """Mail scanners and link previews open links: a GET only asks."""
    link = invite_beth(client, clinic_admin)
    client.force_login(patient.user)
    page = client.get(link)
    assert b"You are signed in as someone else" in page.content
    assert client.get(reverse("my_therapy")).status_code == 200  # still signed in
    assert "invitation_token" not in client.session

    client.post(link)  # the button: now they are signed out
    assert client.get(reverse("my_therapy")).status_code == 302
    assert client.get(reverse("set_invited_password")).status_code == 200


def test_a_password_reset_ends_the_invitation(client, clinic_admin):
    """Someone who set a password through 'Forgotten your password?' cannot have it
    replaced by whoever holds the old invitation email."""
    link = invite_beth(client, clinic_admin)
    client.post(reverse("account_reset_password"), {"email": "beth@example.test"})
    reset = re.search(r"(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)
    form_url = client.get(reset.group(1), follow=True).redirect_chain[-1][0]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert User.objects.get(email="beth@example.test").has_usable_password()

    response = client.get(link)
    assert response.status_code == 404
    assert b"expired or been used" in response.content
    assert (
        Invitation.objects.usable().filter(user__email="beth@example.test").count() == 0
    )


def test_no_invitation_token_in_the_logs(client, clinic_admin, caplog):
    """Valid, used and unknown links: no log line carries the token."""
    used = invite_beth(client, clinic_admin)
    client.post(used)
    client.post(
        reverse("set_invited_password"),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    client.force_login(clinic_admin)
    client.post(
        reverse("invite_patient"),
        invite_form(email="cal@example.test", nhs_number=valid_nhs_number()),
    )
    client.logout()
    valid = invitation_path(mail.outbox[-1])
    unknown = "/accounts/invitation/an-unknown-token-123/"

    caplog.set_level(logging.DEBUG)
    assert client.get(valid).status_code == 200
    assert client.get(used).status_code == 404  # Django warns "Not Found: <path>"
    assert client.get(unknown).status_code == 404
    assert client.post(valid).status_code == 302

    assert "Not Found: /accounts/invitation/[redacted]/" in caplog.text
    for link in (valid, used, unknown):
        token = link.split("/")[-2]
        assert token not in caplog.text
        assert not any(token in record.getMessage() for record in caplog.records)


def test_the_access_log_leaves_tokens_out():
    """gunicorn's access log (its config, as the Dockerfile runs it) hides tokens
    in the request line, the path and the referrer."""
    path = "/accounts/invitation/s3cret-Token_value/"
    logger = RedactingLogger(Config())
    response = type(
        "R", (), {"status": "200 OK", "response_length": 10, "sent": 10, "headers": []}
    )()
    request = type("Q", (), {"headers": []})()
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://portal.example" + path,
        "REMOTE_ADDR": "192.0.2.1",
    }
    atoms = logger.atoms(response, request, environ, datetime.timedelta(seconds=1))
    line = logger.cfg.access_log_format % atoms
    assert "s3cret-Token_value" not in line
    assert "/accounts/invitation/[redacted]/" in line
