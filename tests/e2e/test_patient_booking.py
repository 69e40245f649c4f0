"""A patient picks an offered first time and then moves a session, with the keyboard
only (Tab, Space, arrows, Enter); every page passes axe."""

import datetime

import pytest
from playwright.sync_api import expect

from dit_portal.core import timefmt
from therapy.models import Course
from therapy.scheduling import booking

from ..factories import next_weekday, working_week
from .test_sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSED_MATCHES = (
    "s => !!document.activeElement && document.activeElement.matches(s.selector)"
    " && (!s.text || document.activeElement.textContent.includes(s.text))"
)


def tab_to(page, selector, text="", limit=200):
    """Press Tab until the focused element matches (the way a keyboard user moves)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_MATCHES, {"selector": selector, "text": text}):
            return
    raise AssertionError(f"Tab never reached {selector} {text!r}")


def test_patient_picks_an_offered_time_then_moves_a_session_by_keyboard(
    page, clinic, patient, therapist, room
):
    working_week(therapist)
    offered = [
        timefmt.at_wall_time(next_weekday(1), datetime.time(10, 0)),
        timefmt.at_wall_time(next_weekday(3), datetime.time(15, 0)),
    ]
    course = booking.offer_first_slots(
        patient=patient, therapist=therapist, starts=offered, room=room
    )
    earliest = min(offered)

    sign_in(page, patient.user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("My therapy")
    expect(page.get_by_role("group", name="Choose a time")).to_be_visible()
    page.assert_accessible()

    # Pick the first offered time: Tab into the radios, Space to choose, Enter to send.
    tab_to(page, "input[name=offer]")
    page.keyboard.press("Space")
    expect(page.locator("input[name=offer]").first).to_be_checked()
    tab_to(page, "button", text="Book this time")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your first session is booked")).to_be_visible()
    page.assert_accessible()

    course.refresh_from_db()
    assert course.status == Course.Status.ACTIVE
    sessions = list(course.sessions.order_by("number"))
    assert len(sessions) == 16
    assert sessions[0].start == earliest
    second = sessions[1]
    before = {s.number: s.start for s in sessions if s.number != 2}

    # Move session 2: follow its "Change time" link, choose the second free time.
    tab_to(page, f"a[href$='/my-therapy/sessions/{second.public_id}/change-time/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Change the time of a session"
    )
    page.assert_accessible()
    # Step 1: a day (the nearest to the session's own date is first).
    tab_to(page, "input[name=day]")
    page.keyboard.press("Space")
    tab_to(page, "button", text="Continue")
    page.keyboard.press("Enter")
    expect(page.get_by_role("group", name="Choose a time on")).to_be_visible()
    page.assert_accessible()
    # Step 2: a time on that day.
    tab_to(page, "input[name=start]")
    page.keyboard.press("ArrowDown")  # moves to, and chooses, the next time
    chosen = page.evaluate("document.activeElement.value")
    expect(page.locator("input[name=start]:checked")).to_have_value(chosen)
    tab_to(page, "button", text="Move to this time")
    page.keyboard.press("Enter")
    expect(page.get_by_text("has moved")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("My therapy")
    page.assert_accessible()

    second.refresh_from_db()
    assert second.start == datetime.datetime.fromisoformat(chosen)
    assert {s.number: s.start for s in course.sessions.all() if s.number != 2} == before


def test_session_and_diary_pages_are_accessible(page, clinic, patient, therapist, room):
    from ..factories import book_course
    from ..helpers import totp_code

    working_week(therapist)
    course = book_course(patient, therapist, room=room)
    first = course.sessions.get(number=1)

    sign_in(page, patient.user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("My therapy")
    page.visit(f"/my-therapy/sessions/{first.public_id}/cancel/")
    page.assert_accessible()
    page.get_by_role("button", name="Cancel this session").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    page.assert_accessible()
    page.context.clear_cookies()

    sign_in(page, therapist.email)
    page.get_by_label("Code").fill(totp_code(therapist.totp_secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")
    page.assert_accessible()
    monday = timefmt.local(first.start).date()
    page.visit(f"/diary/?week={monday.isoformat()}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Diary")
    page.assert_accessible()
    page.visit(f"/diary/sessions/{first.public_id}/attendance/")
    page.get_by_label("Attended", exact=True).check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("once the session")
    page.assert_accessible()
    page.visit(f"/courses/{course.public_id}/timeline/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Course timeline")
    page.assert_accessible()
