"""The idle warning in a browser: shown before the time-out, "Stay signed in" keeps
the session, and when time runs out the page goes to sign-in and says why."""

import re

import pytest
from playwright.sync_api import expect

from .test_sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_patient_is_warned_and_can_stay_signed_in(page, patient, clinic, settings):
    # A 10-second time-out with its warning 7 seconds before (at 3 seconds idle).
    settings.PATIENT_IDLE_TIMEOUT_SECONDS = 10
    settings.IDLE_WARNING_SECONDS = 7
    sign_in(page, patient.user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("My therapy")
    notice = page.get_by_role("alertdialog", name=re.compile("signed out soon"))
    expect(notice).to_be_hidden()

    expect(notice).to_be_visible(timeout=6000)
    stay = notice.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    page.assert_accessible()

    stay.click()
    expect(notice).to_be_hidden()
    page.page.wait_for_timeout(7000)  # past the first time-out: the ping kept it
    page.visit("/my-therapy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My therapy")

    # Nothing more: the page goes to sign-in, which says why.
    expect(page.page).to_have_url(re.compile(r"/accounts/login/"), timeout=15000)
    expect(page.get_by_text("You were signed out because")).to_be_visible()
    page.visit("/my-therapy/")
    expect(page.page).to_have_url(re.compile(r"/accounts/login/"))
