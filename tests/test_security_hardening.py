"""Issue 13's hardening: the client address behind our proxy, re-authentication for
second-factor changes, no caching of signed-in pages, the development key refused
for a real database, and clinic settings that cannot break a page or an email."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from therapy.models import Clinic

from .factories import TherapistFactory
from .helpers import sign_in, sign_in_staff
from .test_clinic_settings import settings_form
from .test_deploy import manage

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


def sign_in_from(client, address, email, password):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


def test_one_client_behind_the_proxy_cannot_lock_out_another(client, patient, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = "203.0.113.5"
    for n in range(10):
        sign_in_from(client, attacker, f"made-up-{n}@example.test", "wrong")
    refused = sign_in_from(client, attacker, "made-up-11@example.test", "wrong")
    assert b"Too many failed" in refused.content or refused.status_code == 429

    response = sign_in_from(
        client, "198.51.100.7", patient.user.email, "correct-horse-battery-staple"
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.get(reverse("my_therapy")).status_code == 200


def test_without_a_trusted_proxy_the_forwarded_header_is_not_believed(
    client, patient, settings
):
    """Writing a new X-Forwarded-For each time does not escape the limit."""
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(10):
        sign_in_from(client, f"203.0.113.{n}", f"made-up-{n}@example.test", "wrong")
    refused = sign_in_from(client, "203.0.113.99", "made-up-x@example.test", "wrong")
    assert b"Too many failed" in refused.content or refused.status_code == 429


def test_removing_the_second_factor_right_after_sign_in_asks_for_the_password(
    client,
):
    therapist = TherapistFactory()
    sign_in_staff(client, therapist)
    totp = Authenticator.objects.get(user=therapist, type=Authenticator.Type.TOTP)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert reverse("account_reauthenticate") in response.url
    assert Authenticator.objects.filter(pk=totp.pk).exists()


def test_new_recovery_codes_right_after_sign_in_ask_for_the_password(client):
    therapist = TherapistFactory()
    sign_in_staff(client, therapist)
    response = client.post(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302
    assert reverse("account_reauthenticate") in response.url


def test_first_second_factor_setup_needs_no_second_password(client):
    therapist = TherapistFactory(totp=False)
    sign_in(client, therapist.email)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200


@pytest.mark.parametrize("url_name", ["my_therapy", "questions_or_worries"])
def test_signed_in_pages_are_never_stored(patient_client, url_name):
    response = patient_client.get(reverse(url_name))
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_public_pages_stay_cacheable_by_the_browser(client):
    response = client.get(reverse("questions_or_worries"))
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("portal_name", "Patient\nportal", "on one line"),
        ("name", "Clinic\x1b[31m", "on one line"),
        ("pals_hours", "9am\tto 5pm", "on one line"),
        ("urgent_help_text", "x" * 1001, "1000 characters or fewer"),
        ("address", "1 High Street\x07", "letters, numbers and punctuation"),
    ],
)
def test_settings_that_would_break_a_page_or_an_email_are_refused(
    client, clinic_admin, clinic, field, value, message
):
    client.force_login(clinic_admin)
    response = client.post(
        reverse("clinic_settings"), settings_form(clinic, **{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert getattr(Clinic.load(), field) != value


def test_an_address_may_have_several_lines(client, clinic_admin, clinic):
    client.force_login(clinic_admin)
    address = "Riverside House\r\n1 High Street\r\nLondon"
    response = client.post(
        reverse("clinic_settings"), settings_form(clinic, address=address)
    )
    assert response.status_code == 302
    assert "High Street" in Clinic.load().address


def test_a_real_database_refuses_the_public_development_key():
    env = {
        "SECRET_KEY": "",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/dit_portal",
        "ALLOW_DEVELOPMENT_KEY": "",
        "DIT_ENV": "",
    }
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DATABASE_URL is" in result.stderr
    allowed = manage("check", env={**env, "ALLOW_DEVELOPMENT_KEY": "1"})
    assert allowed.returncode == 0, allowed.stderr


def test_admins_are_not_shown_clinical_context(client, course, clinic_admin, therapist):
    from messaging import queueing
    from messaging.models import Message
    from therapy.ending import discharge

    queueing.queue_message(
        Message.Kind.RISK_FLAG, therapist, course=course, key="risk:x"
    )
    discharge.discharge_course(
        course, by=therapist, status="dropped_out", reason="REASON: felt unheard"
    )
    client.force_login(clinic_admin)
    log = client.get(reverse("message_log")).content.decode()
    assert "Risk flag raised" not in log and "Message to a therapist" in log
    page = client.get(reverse("discharge_course", args=[course.public_id]))
    assert "REASON" not in page.content.decode()
    client.force_login(therapist)
    page = client.get(reverse("discharge_course", args=[course.public_id]))
    assert "REASON: felt unheard" in page.content.decode()
