"""The service reports in a real browser, as a clinical-lead admin: axe finds
nothing on any report page (nor on a page with a form error), a 390px phone (and
320px) needs no sideways scrolling and sees the narrow chart, and the keyboard alone
reaches the reports from the home page and chooses a date range."""

import pytest
from playwright.sync_api import expect

from .. import report_world
from ..factories import ClinicAdminFactory
from .test_schedule_admin_browser import sign_in_admin

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = 390


def type_date(page, legend, day, month, year):
    """Into the range form's date by keyboard: Day, Tab, Month, Tab, Year."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").focus()
    for value in (day, month, year):
        page.keyboard.press("Control+A")
        page.keyboard.type(str(value))
        if value is not year:
            page.keyboard.press("Tab")


def test_reports_by_keyboard_on_a_phone_with_axe(page, clinic):
    people = report_world.build(clinic)
    lead = ClinicAdminFactory(clinical_lead=True)
    sign_in_admin(page, lead)
    page.set_viewport_size({"width": PHONE, "height": 800})

    # From the home page to the reports, by keyboard.
    page.get_by_role("link", name="Service reports: waiting times, attendance, "
                     "caseloads and outcomes").focus()  # fmt: skip
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Service reports")
    page.assert_accessible()
    page.get_by_role("link", name="Attendance").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance")

    # Choose January to June 2025 by keyboard; Enter in a box sends the form.
    type_date(page, "From", 1, 1, 2025)
    type_date(page, "To", 30, 6, 2025)
    page.keyboard.press("Enter")
    table = page.get_by_role("table", name="Attendance by month")
    expect(table.get_by_role("row")).to_have_count(1 + 6 + 1)
    expect(table.get_by_role("row").nth(2)).to_contain_text("February 2025")
    # On a phone the narrow chart is drawn; its title names it for screen readers.
    expect(page.get_by_role("img", name="DNA rate by month").last).to_be_visible()
    page.assert_fits(PHONE)
    page.assert_accessible()

    # Each report with the range, on the phone.
    query = page.url.split("?", 1)[1]
    for path, heading in [
        ("/reports/waiting/", "Waiting times"),
        ("/reports/outcomes/", "Outcomes"),
        ("/reports/caseload/", "Caseloads"),
    ]:
        page.visit(f"{path}?{query}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        page.assert_fits(PHONE)
        page.assert_accessible()
    expect(page.get_by_role("table")).to_contain_text("Ann Adams")

    # A reversed range: the error summary says what to fix, and stays accessible.
    page.visit("/reports/outcomes/")
    type_date(page, "From", 1, 6, 2025)
    type_date(page, "To", 1, 1, 2025)
    page.keyboard.press("Enter")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "The end date must be the same as or after the start date."
    )
    page.assert_fits(PHONE)
    page.assert_accessible()

    # Alice was discharged: the admin refers her again from her record.
    page.visit(f"/patients/{people['alice'].public_id}/")
    page.get_by_role("link", name="Refer this patient again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer again")
    page.assert_fits(PHONE)
    page.assert_accessible()
    page.get_by_label("Self-referral").check()
    page.get_by_role("button", name="Refer again").click()
    expect(page.get_by_text("the patient is on the waiting list")).to_be_visible()
