"""The portal's own sign-in pages in a browser: accessible, and in the portal's words."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from dit_portal.accounts.services import create_invitation

from ..factories import TherapistFactory, UserFactory
from ..helpers import totp_code
from .test_sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_reset_pages_are_accessible_and_in_our_words(page, patient, clinic):
    page.visit("/accounts/password/reset/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    page.assert_accessible()
    page.get_by_label("Email").fill(patient.user.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.assert_accessible()
    link = re.search(r"/accounts/password/reset/key/\S+/", mail.outbox[-1].body)
    page.visit(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.assert_accessible()


def test_invitation_asks_first_and_your_account_page(page, patient, clinic):
    invited = UserFactory(full_name="Beth Newcomer", password=None)
    invited.set_unusable_password()
    invited.save()
    token = create_invitation(invited)
    page.visit(f"/accounts/invitation/{token}/")
    expect(page.get_by_text("You are about to set a password for")).to_be_visible()
    page.assert_accessible()

    sign_in(page, patient.user.email)
    page.visit("/accounts/email/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    page.assert_accessible()


def test_staff_see_recovery_codes_after_setup(page, clinic):
    user = TherapistFactory(totp=False)
    sign_in(page, user.email)
    page.visit("/accounts/2fa/totp/activate/")
    secret = page.locator("#authenticator_secret").inner_text().strip()
    page.get_by_label(re.compile("code", re.I)).fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(
        page.get_by_role("list", name="Unused recovery codes").locator("li")
    ).to_have_count(10)
    page.assert_accessible()
    page.get_by_role("link", name="I have saved my codes: continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")
