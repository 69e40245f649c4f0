"""Staff must set up two-factor sign-in (TOTP) before using the portal, and their
sessions end after 30 idle minutes."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from .factories import PASSWORD, ClinicAdminFactory, TherapistFactory
from .helpers import sign_in, totp_code

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("factory", [TherapistFactory, ClinicAdminFactory])
def test_staff_without_totp_are_sent_to_setup_then_get_in(client, factory):
    user = factory(totp=False)
    response = sign_in(client, user.email)
    assert response.status_code == 302

    for url_name in ["caseload", "schedule", "patient_list", "clinic_settings"]:
        response = client.get(reverse(url_name))
        assert response.status_code == 302
        assert response.url == reverse("mfa_activate_totp")

    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert secret.encode() in page.content  # shown for people who cannot scan the QR

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).exists()

    home = client.get("/", follow=True)
    assert home.status_code == 200
    assert home.redirect_chain[-1][0] in {reverse("caseload"), reverse("schedule")}


def test_wrong_setup_code_is_a_form_error(client):
    user = TherapistFactory(totp=False)
    sign_in(client, user.email)
    client.get(reverse("mfa_activate_totp"))
    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert response.status_code == 200
    assert b"Incorrect code" in response.content
    assert not Authenticator.objects.filter(user=user).exists()


def test_patients_do_not_need_totp(client, patient):
    sign_in(client, patient.user.email)
    assert client.get(reverse("my_therapy")).status_code == 200


def test_staff_session_expires_after_30_idle_minutes(client, therapist, clock):
    client.force_login(therapist)
    assert client.get(reverse("caseload")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    remaining = session.expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < remaining <= datetime.timedelta(minutes=30)

    # 31 minutes without a request: the stored session has expired.
    clock.move_to(timezone.now() + datetime.timedelta(minutes=31), sign_in_again=False)
    response = client.get(reverse("caseload"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_activity_keeps_a_staff_session_alive(client, therapist, clock):
    client.force_login(therapist)
    client.get(reverse("caseload"))
    clock.move_to(  # 25 idle minutes: 5 left
        timezone.now() + datetime.timedelta(minutes=25), sign_in_again=False
    )
    client.get(reverse("caseload"))
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.expire_date - timezone.now() > datetime.timedelta(minutes=29)


def test_repeated_wrong_passwords_are_rate_limited(client, patient):
    for _ in range(5):
        response = sign_in(client, patient.user.email, "wrong-password")
        assert response.status_code == 200
        assert b"not correct" in response.content
    # Even the right password is refused for now.
    response = sign_in(client, patient.user.email, PASSWORD)
    assert response.status_code in {200, 429}
    assert b"Too many failed login attempts" in response.content
    assert client.get(reverse("my_therapy")).status_code == 302


def test_staff_pages_ask_for_the_second_factor_once_a_minute(client, therapist, clock):
    """A TOTP seen set up is kept in the session; the database is asked again when the
    session is written (once a minute), so a removed authenticator stops the next
    page within a minute, and the pages in between cost no query for it."""
    client.force_login(therapist)
    assert client.get(reverse("caseload")).status_code == 200
    Authenticator.objects.filter(user=therapist).delete()  # e.g. in the Django admin

    # Within the minute: still in (the session remembers the TOTP).
    clock.move_to(timezone.now() + datetime.timedelta(seconds=30), sign_in_again=False)
    assert client.get(reverse("caseload")).status_code == 200
    # After it: asked again, and sent to set up two-factor sign-in.
    clock.move_to(timezone.now() + datetime.timedelta(seconds=45), sign_in_again=False)
    response = client.get(reverse("caseload"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
