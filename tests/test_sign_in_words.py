"""Sign-in pages and allauth's emails in the portal's own words: links on SITE_URL,
the clinic's name, phone and PALS lines; no sign-up offers; recovery codes at setup."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from .factories import PASSWORD, TherapistFactory
from .helpers import sign_in, totp_code

pytestmark = pytest.mark.django_db

SITE = "https://portal.riverside.example.test"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def html_of(message):
    return message.alternatives[0][0]


def test_the_reset_email_links_to_site_url_not_the_host_header(client, clinic, patient):
    client.post(
        reverse("account_reset_password"),
        {"email": patient.user.email},
        HTTP_HOST="127.0.0.1",
    )
    (message,) = mail.outbox
    assert message.subject == f"Reset your password for {clinic.portal_name}"
    assert re.search(rf"{SITE}/accounts/password/reset/key/\S+/", message.body)
    assert f'href="{SITE}/accounts/password/reset/key/' in html_of(message)
    for text in (message.body, html_of(message)):
        assert "127.0.0.1" not in text and "Hello from" not in text
        assert "Hello Alice Patient," in text
        assert clinic.name in text and clinic.phone in text
        assert "Patient Advice and Liaison Service (PALS): 0800 123 4567" in text


def test_the_reset_email_for_an_unknown_address_offers_no_sign_up(client, clinic):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.test"})
    (message,) = mail.outbox
    assert "no account" in message.body
    assert "invitation" in message.body and clinic.phone in message.body
    for text in (message.body, html_of(message)):
        assert "sign up" not in text.lower() and "signup" not in text
        assert "/accounts/signup/" not in text
    assert "PALS" in message.body


def test_a_password_change_is_confirmed_by_email(client, clinic, patient):
    client.force_login(patient.user)
    new = "a-different-password-77"
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject == "Your password was changed"
    assert "If this was not you, call the clinic on 020 7946 0000" in message.body
    assert SITE in message.body


def test_sign_in_pages_use_the_portals_words(client, patient):
    reset = client.get(reverse("account_reset_password")).content.decode()
    assert '<h1 class="nhsuk-heading-l">Reset your password</h1>' in reset
    assert "Password Reset" not in reset and "Reset My Password" not in reset
    assert "Send the link" in reset
    done = client.get(reverse("account_reset_password_done")).content.decode()
    assert "Check your email" in done
    bad = client.get(
        reverse("account_reset_password_from_key", args=["x", "y-z"])
    ).content.decode()
    assert "This link has expired or been used" in bad and "Bad Token" not in bad


def test_patients_are_told_they_are_signed_in(client, patient):
    response = sign_in(client, patient.user.email)
    words = [str(m) for m in get_messages(response.wsgi_request)]
    assert words == ["You are signed in."]


def test_staff_still_setting_up_two_factor_are_not_told_they_are_signed_in(
    client, clinic
):
    user = TherapistFactory(totp=False)
    response = sign_in(client, user.email)
    page = client.get(response.url, follow=True)
    assert page.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    content = page.content.decode()
    assert "You are signed in" not in content
    assert "Successfully signed in" not in content
    assert "Staff must set up two-factor sign-in before using the portal." in content
    assert "you get recovery codes to save" in content


@pytest.mark.django_db(transaction=True)  # allauth's notice and email wait for commit
def test_recovery_codes_are_offered_when_two_factor_is_set_up(client, clinic):
    user = TherapistFactory(totp=False)
    sign_in(client, user.email)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.url == reverse("mfa_view_recovery_codes")

    page = client.get(response.url).content.decode()
    assert "Your recovery codes" in page
    assert len(re.findall(r"<li><code>\w+</code></li>", page)) == 10
    assert reverse("mfa_download_recovery_codes") in page
    assert "Two-factor sign-in is set up." in page

    (message,) = mail.outbox  # the notice, in the portal's words, without PALS
    assert message.subject == "Two-factor sign-in is set up"
    assert "PALS" not in message.body and SITE in message.body

    index = client.get(reverse("mfa_index")).content.decode()
    assert "Two-factor sign-in" in index and "Two-Factor Authentication" not in index
    assert "You have 10 unused recovery codes." in index


def test_recovery_codes_later_ask_for_the_password_again(client, clinic, clock):
    """Only the codes just made at setup are shown without asking again."""
    user = TherapistFactory(totp=False)
    sign_in(client, user.email)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert client.get(reverse("mfa_view_recovery_codes")).status_code == 200

    clock.move_to(timezone.now() + datetime.timedelta(minutes=10))
    response = client.get(reverse("mfa_view_recovery_codes"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
