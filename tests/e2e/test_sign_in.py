"""Each role signs in through a real browser and reaches an accessible home page."""

import re

import pytest
from playwright.sync_api import expect

from ..factories import PASSWORD
from ..helpers import totp_code

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, email):
    page.visit("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_public_pages_are_accessible(page, clinic):
    for path in ["/", "/accounts/login/", "/questions-or-worries/", "/information/"]:
        page.visit(path)
        page.assert_accessible()


def test_pages_are_set_in_arial_not_the_browsers_serif(page, clinic):
    page.visit("/accounts/login/")
    for selector in ["body", "h1", "label", "input#id_login", "button"]:
        family = page.locator(selector).first.evaluate(
            "el => getComputedStyle(el).fontFamily"
        )
        assert family.startswith("Arial"), (selector, family)


def test_patient_signs_in_and_reaches_my_therapy(page, patient, clinic):
    page.visit("/accounts/login/")
    page.assert_accessible()
    sign_in(page, patient.user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("My therapy")
    expect(page.get_by_text(clinic.pals_phone).first).to_be_visible()
    page.assert_accessible()


def test_wrong_password_shows_an_accessible_error(page, patient, clinic):
    page.visit("/accounts/login/")
    page.get_by_label("Email").fill(patient.user.email)
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    page.assert_accessible()


@pytest.mark.parametrize(
    ("who", "heading"), [("therapist", "Caseload"), ("clinic_admin", "Schedule")]
)
def test_staff_sign_in_with_totp_and_reach_their_home(
    page, request, who, heading, clinic
):
    user = request.getfixturevalue(who)
    sign_in(page, user.email)
    expect(page.page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.assert_accessible()
    page.get_by_label(re.compile("code", re.I)).fill(totp_code(user.totp_secret))
    page.get_by_role("button", name=re.compile("sign in|confirm|verify", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.assert_accessible()


def test_therapist_without_totp_is_taken_to_setup(page, clinic):
    from ..factories import TherapistFactory

    user = TherapistFactory(totp=False)
    sign_in(page, user.email)
    page.visit("/caseload/")
    expect(page.page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    page.assert_accessible()
