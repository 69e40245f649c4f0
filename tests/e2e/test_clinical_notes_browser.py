"""A therapist writes a session note, signs it and adds an addendum in the browser;
axe checks every note page, with and without form errors."""

import pytest
from playwright.sync_api import expect

from therapy.models import ClinicalNote, Session

from ..factories import book_course, working_week
from ..helpers import totp_code
from ..test_clinical_notes import put_in_the_past
from .test_sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_therapist_writes_signs_and_adds_to_a_note(
    page, clinic, patient, therapist, room, clock
):
    working_week(therapist)
    course = book_course(patient, therapist, room=room)
    first = put_in_the_past(clock, course.sessions.get(number=1))
    Session.objects.filter(pk=first.pk).update(status=Session.Status.ATTENDED)

    sign_in(page, therapist.email)
    page.get_by_label("Code").fill(totp_code(therapist.totp_secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")

    page.visit(f"/courses/{course.public_id}/timeline/")
    page.get_by_role("link", name="Write note on session 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write a note")
    page.assert_accessible()
    page.get_by_label("Relationships explored").fill("Her sister and her manager")
    page.get_by_label("Risk").fill("None raised")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Session note")
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    page.assert_accessible()

    page.get_by_role("link", name="Sign the note").click()
    page.get_by_role("button", name="Sign the note").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Confirm")
    page.assert_accessible()
    page.get_by_label("I have checked this note and want to sign it").check()
    page.get_by_role("button", name="Sign the note").click()
    expect(page.get_by_text("Signed notes cannot be changed")).to_be_visible()
    expect(page.get_by_text("Signed by Terry Therapist")).to_be_visible()
    page.assert_accessible()

    page.get_by_role("button", name="Add addendum").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the addendum")
    page.assert_accessible()
    page.get_by_label("Add an addendum").fill("She also mentioned her father.")
    page.get_by_role("button", name="Add addendum").click()
    expect(page.get_by_text("She also mentioned her father.")).to_be_visible()
    page.assert_accessible()

    note = ClinicalNote.objects.get(session=first)
    page.visit(f"/notes/{note.public_id}/edit/")
    expect(page.get_by_text("This note is signed")).to_be_visible()
    page.assert_accessible()
    assert note.is_signed and note.addenda.count() == 1
