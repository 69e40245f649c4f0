"""A clinic admin plans a course, checks it, books it and moves a session in a real
browser; axe checks every scheduling page, with and without form errors."""

import re

import pytest
from playwright.sync_api import expect

from dit_portal.core import timefmt
from messaging.models import Message
from therapy.models import Closure

from ..factories import PASSWORD, next_weekday, working_week
from ..helpers import totp_code

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_admin(page, admin):
    page.visit("/accounts/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label(re.compile("code", re.I)).fill(totp_code(admin.totp_secret))
    page.get_by_role("button", name=re.compile("sign in|confirm|verify", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schedule")


def fill_date(page, legend, day):
    group = page.get_by_role("group", name=re.compile(legend))
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_admin_plans_books_and_moves_a_session(
    page, clinic, clinic_admin, therapist, patient, room
):
    working_week(therapist)
    sign_in_admin(page, clinic_admin)
    page.assert_accessible()

    page.get_by_role("link", name="Waiting list").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Waiting list")
    page.assert_accessible()
    page.get_by_role("link", name="Plan a course for Alice Patient").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan a course")
    page.assert_accessible()

    page.get_by_role("button", name="Check the plan").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    page.assert_accessible()

    page.get_by_label("Therapist").select_option(label="Terry Therapist")
    page.get_by_label("Day of the week").select_option(label="Wednesday")
    page.get_by_label("Start time (UK time)").fill("11:00")
    fill_date(page, "Start from", next_weekday(2))
    page.get_by_label("Room").select_option(label="Room 1")
    page.get_by_role("button", name="Check the plan").click()
    expect(page.get_by_text("All 16 sessions are free")).to_be_visible()
    page.assert_accessible()
    page.get_by_role("button", name="Book the course").click()
    expect(page.get_by_text("Course booked for Alice Patient")).to_be_visible()
    page.assert_accessible()

    session = patient.courses.get().sessions.get(number=1)
    page.get_by_role("link", name=re.compile("^Move Alice Patient")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Move a session")
    page.get_by_role("button", name="Move the session").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    page.assert_accessible()
    day = timefmt.local(session.start).date()
    fill_date(page, "New date", day)
    page.get_by_label("New time (UK time)").fill("15:00")
    page.get_by_label("Reason for the move").fill("Room works")
    page.get_by_role("button", name="Move the session").click()
    expect(page.get_by_text("moved to")).to_be_visible()
    page.assert_accessible()

    page.get_by_role("link", name=re.compile("^Cancel Alice Patient")).first.click()
    page.assert_accessible()


def test_resource_pages_are_accessible(
    page, clinic, clinic_admin, therapist, course, room
):
    sign_in_admin(page, clinic_admin)
    day = timefmt.local(course.sessions.get(number=2).start).date()
    closure = Closure.objects.create(
        start_date=day, end_date=day, reason="Staff training"
    )
    # A failed message, so the log shows its explanation and its Send again button.
    failed = Message.objects.filter(course=course).first()
    Message.objects.filter(pk=failed.pk).update(
        status="failed", last_error="email: SMTPRecipientsRefused; sms: HTTPError 400"
    )
    for path in [
        "/schedule/resources/",
        "/schedule/rooms/",
        f"/schedule/rooms/{room.pk}/",
        "/schedule/hours/",
        f"/schedule/hours/{therapist.pk}/",
        "/schedule/closures/",
        f"/schedule/closures/{closure.pk}/",
        f"/schedule/patients/{course.patient.public_id}/offer/",
        "/clinic/messages/",
        "/clinic/messages/?status=pending",
        "/schedule/waiting-list/",
        "/patients/",
        f"/patients/{course.patient.public_id}/",
        f"/patients/{course.patient.public_id}/audit/",
        f"/courses/{course.public_id}/timeline/",
        "/clinic/settings/",
    ]:
        assert page.visit(path).ok, path
        page.assert_accessible()

    page.visit(f"/schedule/hours/{therapist.pk}/")
    page.get_by_role("button", name="Add hours").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    page.assert_accessible()
    page.visit("/schedule/closures/")
    page.get_by_role("button", name="Add closure").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    page.assert_accessible()
