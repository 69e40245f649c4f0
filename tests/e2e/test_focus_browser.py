"""In a real browser: the patient reads and agrees the focus their therapist shared,
and later reads and downloads their goodbye letter; the therapist's focus, letter
and discharge pages too. axe finds no violations on any page."""

import pytest
from playwright.sync_api import expect

from therapy.ending import focus
from therapy.ending import letter as letters
from therapy.models import FocusAgreement

from ..factories import book_course, working_week
from ..focus_helpers import SUMMARY, WORKING, begin_session, focus_data
from ..helpers import totp_code
from .test_sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LETTER = {
    "focus": "We worked on how you step back when you fear being too much.",
    "changes": "You have started to say what you need, at work and at home.",
    "still_to_work_on": "Noticing the pull to withdraw when you feel ashamed.",
}


@pytest.fixture
def course(clinic, patient, therapist, room):
    working_week(therapist)
    return book_course(patient, therapist, room=room)


def test_patient_agrees_the_focus_and_later_reads_the_goodbye_letter(
    page, course, clock
):
    shared = focus.save_focus_draft(course, by=course.therapist, data=focus_data())
    focus.share_focus(shared, by=course.therapist)
    begin_session(clock, course, 5)

    sign_in(page, course.patient.user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("My therapy")
    expect(
        page.get_by_text("Where you are in your therapy: initial phase")
    ).to_be_visible()
    page.assert_accessible()

    page.get_by_role("link", name="Your therapy focus").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your therapy focus")
    expect(page.get_by_text(SUMMARY)).to_be_visible()
    for text in WORKING.values():
        expect(page.get_by_text(text)).to_have_count(0)
    page.assert_accessible()

    # Sending without choosing is an accessible error, then agree.
    page.get_by_role("button", name="Send my answer").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose whether")
    page.assert_accessible()
    page.get_by_label("I agree with this focus").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("You have agreed your focus")).to_be_visible()
    expect(page.get_by_text("You agreed this focus at session 5")).to_be_visible()
    page.assert_accessible()
    shared.refresh_from_db()
    assert shared.status == FocusAgreement.Status.AGREED

    page.get_by_role("link", name="Back to my therapy").click()
    # Session 5, at which it was agreed, stays initial: the middle starts at 6.
    expect(
        page.get_by_text("Where you are in your therapy: initial phase")
    ).to_be_visible()
    expect(
        page.get_by_text("The middle phase starts at your next session.")
    ).to_be_visible()
    page.assert_accessible()

    # Weeks later, in the ending phase, the therapist shares the goodbye letter.
    begin_session(clock, course, 13)
    letter = letters.save_letter(course, by=course.therapist, data=LETTER)
    letters.share_letter(
        letter, by=course.therapist, session=course.sessions.get(number=13)
    )
    sign_in(page, course.patient.user.email)  # signed out by then: in again
    expect(
        page.get_by_text("Where you are in your therapy: ending phase")
    ).to_be_visible()
    page.get_by_role("link", name="Your goodbye letter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your goodbye letter")
    expect(page.get_by_text(LETTER["changes"])).to_be_visible()
    page.assert_accessible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the letter").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"


def test_therapist_focus_letter_and_discharge_pages_are_accessible(page, course, clock):
    therapist = course.therapist
    sign_in(page, therapist.email)
    page.get_by_label("Code").fill(totp_code(therapist.totp_secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")

    page.visit(f"/courses/{course.public_id}/timeline/")
    page.get_by_role("link", name="Open the focus").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Focus (IPAF)")
    page.assert_accessible()
    page.get_by_role("link", name="Write the focus").click()
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("at least one part")
    page.assert_accessible()
    page.get_by_label("Summary for the patient").fill(SUMMARY)
    page.get_by_label("The feeling that links them").fill(WORKING["linking_feeling"])
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Focus, version 1")
    page.assert_accessible()
    page.get_by_role("button", name="Share with").click()
    expect(page.get_by_text("Version 1 is shared")).to_be_visible()
    page.assert_accessible()

    page.visit(f"/courses/{course.public_id}/goodbye-letter/")
    expect(page.get_by_text("which starts at session 13")).to_be_visible()
    page.assert_accessible()
    begin_session(clock, course, 13)  # weeks later, signed out by then: in again
    sign_in(page, therapist.email)
    page.get_by_label("Code").fill(totp_code(therapist.totp_secret))
    page.get_by_role("button", name="Sign in").click()
    page.visit(f"/courses/{course.public_id}/goodbye-letter/")
    page.get_by_label("What has changed").fill(LETTER["changes"])
    page.get_by_label("The focus you worked on").fill(LETTER["focus"])
    page.get_by_label("What is left to work on").fill(LETTER["still_to_work_on"])
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Goodbye letter")
    page.assert_accessible()
    page.get_by_role("link", name="Choose when to share it").click()
    page.get_by_role("button", name="Share the letter").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    page.assert_accessible()
    page.get_by_label("Session 14", exact=False).check()
    page.get_by_role("button", name="Share the letter").click()
    expect(page.get_by_text("The letter will be shared at session 14")).to_be_visible()
    page.assert_accessible()

    page.visit(f"/courses/{course.public_id}/discharge/")
    page.get_by_label("Dropped out").check()
    page.get_by_role("button", name="Close the course").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Give the reason")
    page.assert_accessible()
    page.get_by_label("Completed").check()
    page.get_by_role("button", name="Close the course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Course ended")
    page.assert_accessible()
