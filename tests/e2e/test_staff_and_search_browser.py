"""A clinic admin finds a patient, corrects their details and invites a therapist in
a real browser; a therapist finds one of their own patients. axe checks each page,
with and without form errors."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from dit_portal.accounts.models import User

from ..factories import PASSWORD
from ..helpers import totp_code
from .test_schedule_admin_browser import sign_in_admin

pytestmark = pytest.mark.django_db(transaction=True)


def heading(page):
    return page.get_by_role("heading", level=1)


def test_admin_searches_edits_a_patient_and_invites_a_therapist(
    page, clinic, clinic_admin, therapist, patient, other_patient
):
    sign_in_admin(page, clinic_admin)

    # Search: the term is posted, so it is in no address.
    page.get_by_role("link", name="Find a patient").first.click()
    expect(heading(page)).to_have_text("Find a patient")
    page.assert_accessible()
    box = page.get_by_label("Name, NHS number, date of birth or email address")
    box.fill("1/2/80")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Write the year in full"
    )
    page.assert_accessible()
    box.fill("aLiCe")
    page.get_by_role("button", name="Search").click()
    expect(
        page.get_by_role("heading", name=re.compile("1 patient found"))
    ).to_be_visible()
    page.assert_accessible()
    assert "alice" not in page.url.lower()

    # Patient details: checked as on invitation, a new address waits for the patient.
    page.get_by_role("link", name="Alice Patient").click()
    page.get_by_role("link", name="Change details of Alice Patient").click()
    expect(heading(page)).to_have_text("Change details of Alice Patient")
    page.assert_accessible()
    page.get_by_label("NHS number").fill("943 476 5918")
    page.get_by_role("button", name="Save details").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "This is not a valid NHS number"
    )
    page.assert_accessible()
    page.get_by_label("NHS number").fill(patient.nhs_number)
    page.get_by_label("GP practice").fill("Mill Lane Surgery")
    page.get_by_label("Email address").fill("alice.new@example.test")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Patient details saved.")).to_be_visible()
    expect(
        page.get_by_text("We have emailed a link to the new address.")
    ).to_be_visible()
    page.assert_accessible()
    patient.refresh_from_db()
    assert patient.gp_practice == "Mill Lane Surgery"
    assert patient.user.email == "alice@example.test"

    # Staff: the list, then an invitation (the password is asked for again first).
    page.get_by_role("link", name="Staff").first.click()
    expect(heading(page)).to_have_text("Staff")
    page.assert_accessible()
    page.get_by_role("link", name="Invite a member of staff").click()
    page.assert_accessible()
    page.get_by_role("button", name="Send invitation").click()
    expect(heading(page)).to_have_text("Confirm it is you")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.assert_accessible()
    page.get_by_role("button", name="Confirm").click()
    # The form that was sent is answered once the password is given: here, its errors.
    expect(heading(page)).to_have_text("Invite a member of staff")
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    page.assert_accessible()
    page.get_by_label("Full name").fill("Nadia New")
    page.get_by_label("Email address").fill("nadia@example.test")
    page.get_by_label("Therapist", exact=True).check()
    page.get_by_role("button", name="Send invitation").click()
    expect(heading(page)).to_have_text("Nadia New")
    expect(page.get_by_text("Invitation sent to nadia@example.test.")).to_be_visible()
    page.assert_accessible()
    assert User.objects.get(email="nadia@example.test").is_therapist
    assert [m.to for m in mail.outbox] == [
        ["alice@example.test"],  # told of the change
        ["alice.new@example.test"],  # the link
        ["nadia@example.test"],
    ]

    # A therapist's page shows the caseload to hand over before they can leave.
    page.get_by_role("link", name="Back to staff").click()
    page.get_by_role("link", name="Terry Therapist").click()
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    expect(page.get_by_label("Therapist for Alice Patient")).to_be_visible()
    page.assert_accessible()


def test_a_therapist_finds_only_their_own_patients(
    page, clinic, therapist, patient, other_patient
):
    page.visit("/accounts/login/")
    page.get_by_label("Email").fill(therapist.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label(re.compile("code", re.I)).fill(totp_code(therapist.totp_secret))
    page.get_by_role("button", name=re.compile("sign in|confirm|verify", re.I)).click()
    page.get_by_role("link", name="Find a patient").first.click()
    box = page.get_by_label("Name, NHS number, date of birth or email address")
    box.fill(other_patient.nhs_number)
    page.get_by_role("button", name="Search").click()
    expect(
        page.get_by_role("heading", name=re.compile("No patients found"))
    ).to_be_visible()
    box.fill("@example.test")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Alice Patient")).to_be_visible()
    expect(page.get_by_role("link", name="Otto Outsider")).to_have_count(0)
    page.assert_accessible()
