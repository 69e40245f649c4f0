"""'Who has looked at my record', the admins' audit trail and a copy of one's
information, in a browser: the therapist and an admin open Alice's record, Alice
reads who did, in words, and downloads her information; the admin filters the
trail and asks for a full copy. axe checks every page."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from patients import subject_access

from .test_risk_flag_browser import sign_in_staff
from .test_sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_access_page_the_audit_trail_and_my_information(
    page, clinic, patient, therapist, clinic_admin, course
):
    subject_access.request_full_copy(patient, by=clinic_admin, clinic=clinic)
    sign_in_staff(page, therapist)
    page.visit(f"/patients/{patient.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alice Patient")
    page.get_by_role("link", name="Copies to review").first.click()
    expect(page.get_by_role("table")).to_contain_text("Alice Patient")
    page.assert_accessible()
    page.get_by_role("button", name="Mark as reviewed").click()
    expect(page.get_by_text("Marked as reviewed.")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Reviewed")

    sign_in_staff(page, clinic_admin)
    page.visit(f"/patients/{patient.public_id}/")
    page.get_by_role("link", name="Who has viewed or changed this record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Who has looked at or changed this record"
    )
    table = page.get_by_role("table")
    expect(table).to_contain_text("Terry Therapist")
    expect(table).to_contain_text("Looked at the patient's details")
    expect(table).not_to_contain_text("patients.Patient")
    page.assert_accessible()

    page.get_by_role("link", name="Show every patient").click()
    page.get_by_label("Who").select_option(label="Terry Therapist (Therapist)")
    page.get_by_role("button", name="Filter").click()
    rows = page.get_by_role("table").locator("tbody tr")
    # Newest first: the list of copies after his review, the review, that list,
    # Alice's details, and the caseload his sign-in opened.
    expect(rows).to_have_count(5)
    expect(rows.nth(1)).to_contain_text(
        "Reviewed the full copy of the patient's information before release"
    )
    expect(rows.nth(3)).to_contain_text("Looked at the patient's details")
    expect(rows.nth(3)).to_contain_text("Alice Patient")
    expect(rows.nth(4)).to_contain_text("Looked at a therapist's caseload")
    assert "Terry" not in page.url  # ids in the address, never names
    with page.expect_download() as download:
        page.get_by_role(
            "link", name="Download these events as a spreadsheet (CSV)"
        ).click()
    csv_text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Looked at the patient's details" in csv_text
    page.assert_accessible()

    page.visit(f"/patients/{patient.public_id}/copies/")
    page.get_by_role("button", name="Release to the patient").click()
    expect(page.get_by_text("Released: the patient can download it")).to_be_visible()
    page.get_by_role("button", name="Ask for a full copy").click()
    expect(page.get_by_role("table")).to_contain_text(
        "Waiting for the therapist's review"
    )
    page.assert_accessible()

    page.context.clear_cookies()
    sign_in(page, patient.user.email)
    page.get_by_role("link", name="Who has looked at my record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Who has looked at my record"
    )
    table = page.get_by_role("table")
    expect(table).to_contain_text("Ada Admin")
    expect(table).to_contain_text("Clinic admin")
    expect(table).to_contain_text("Asked for a full copy of your information")
    expect(table).to_contain_text("Looked at your details")
    expect(table).not_to_contain_text("Alice Patient")  # her own visits are not listed
    page.assert_accessible()

    page.get_by_role("link", name="Get a copy of my information").click()
    expect(
        page.get_by_role("heading", name="Full copies released to you")
    ).to_be_visible()
    page.assert_accessible()
    with page.expect_download() as download:
        page.get_by_role(
            "link", name="Download my information as a data file (JSON)"
        ).click()
    bundle = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert bundle["details"]["full_name"] == "Alice Patient"
    assert len(bundle["sessions"]) == 16
