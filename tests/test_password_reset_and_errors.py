"""Forgotten passwords can be reset by email; errors are calm NHS.UK pages."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.template.loader import get_template
from django.urls import reverse

from .helpers import sign_in

pytestmark = pytest.mark.django_db


def test_password_reset_by_email(client, patient):
    response = client.post(
        reverse("account_reset_password"), {"email": patient.user.email}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body
    )
    assert link, mail.outbox[0].body

    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    new = "a-brand-new-password-5"
    response = client.post(form_url, {"password1": new, "password2": new})
    assert response.status_code == 302

    assert sign_in(client, patient.user.email, new).status_code == 302
    assert client.get(reverse("my_therapy")).status_code == 200


def test_reset_for_an_unknown_address_looks_the_same(client, patient):
    """Nobody can learn from this page whether an address has an account."""
    known = client.post(
        reverse("account_reset_password"), {"email": patient.user.email}
    )
    unknown = client.post(
        reverse("account_reset_password"), {"email": "nobody@example.test"}
    )
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("account_reset_password_done")


def test_404_page_is_styled_and_helpful(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"nhsuk-header" in response.content


def test_500_page_renders_without_a_request():
    html = get_template("500.html").render()
    assert "Sorry, there is a problem with the service" in html
    assert "116 123" in html
    assert "<script>" not in html


@pytest.mark.parametrize("who", ["patient", "therapist"])
def test_nobody_adds_or_changes_their_own_sign_in_address(client, request, who):
    """The clinic changes sign-in (and reminder) addresses: allauth's email page is
    replaced by one that says so, and posting to it changes nothing."""
    user = request.getfixturevalue(who)
    user = getattr(user, "user", user)  # the patient fixture is a Patient
    client.force_login(user)
    page = client.get(reverse("account_email"))
    assert page.status_code == 200
    assert b"only the clinic can change it" in page.content
    assert user.email.encode() in page.content

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "new@example.test"}
    )
    assert response.status_code == 405
    assert not EmailAddress.objects.filter(email="new@example.test").exists()
    assert len(mail.outbox) == 0
