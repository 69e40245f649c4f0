"""Change time on a phone (390 px wide): a day, then a time, by keyboard only; and a
patient cannot move a session out of the course's order. axe checks every page."""

import datetime

import pytest
from playwright.sync_api import expect

from dit_portal.core import timefmt
from dit_portal.core.timefmt import when

from ..factories import book_course, working_week
from .test_patient_booking import tab_to
from .test_sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def fits_the_screen(page):
    """Nothing is wider than the screen, so nothing needs sideways scrolling."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), page.url


def checked_value(page, name):
    return page.locator(f"input[name={name}]:checked").get_attribute("value")


def test_a_patient_moves_a_session_by_keyboard_on_a_phone(
    page, clinic, patient, therapist, room
):
    working_week(therapist)
    course = book_course(patient, therapist, room=room)
    first = course.sessions.get(number=1)
    others = {s.number: s.start for s in course.sessions.exclude(number=1)}
    page.set_viewport_size(PHONE)
    sign_in(page, patient.user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("My therapy")

    tab_to(page, f"a[href$='/my-therapy/sessions/{first.public_id}/change-time/']")
    page.keyboard.press("Enter")
    days = page.get_by_role("group", name="Choose a day")
    expect(days).to_be_visible()
    page.assert_accessible()
    fits_the_screen(page)

    # Step 1: Tab into the days, arrow to the second nearest, Enter on Continue.
    tab_to(page, "input[name=day]")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    day = checked_value(page, "day")
    assert day == page.locator("input[name=day]").nth(1).get_attribute("value")
    tab_to(page, "button", text="Continue")
    page.keyboard.press("Enter")
    label = f"Choose a time on {datetime.date.fromisoformat(day):%A}"
    expect(page.get_by_role("group", name=label)).to_be_visible()
    assert f"day={day}" in page.url
    page.assert_accessible()
    fits_the_screen(page)

    # Step 2: the first time shown (the nearest to 10:00), Enter on the button.
    tab_to(page, "input[name=start]")
    page.keyboard.press("Space")
    chosen = checked_value(page, "start")
    tab_to(page, "button", text="Move to this time")
    page.keyboard.press("Enter")
    expect(page.get_by_text("has moved")).to_be_visible()
    page.assert_accessible()  # My therapy's table is issue 12 item 7's to fit

    first.refresh_from_db()
    assert first.start == datetime.datetime.fromisoformat(chosen)
    assert timefmt.local(first.start).date().isoformat() == day
    assert {s.number: s.start for s in course.sessions.exclude(number=1)} == others


def test_a_patient_cannot_move_a_session_out_of_order(
    page, clinic, patient, therapist, room
):
    clinic.booking_window_days = 35  # the window reaches well past session 3
    clinic.save()
    working_week(therapist)
    course = book_course(patient, therapist, room=room)
    first, second, third = (course.sessions.get(number=n) for n in (1, 2, 3))
    page.set_viewport_size(PHONE)
    sign_in(page, patient.user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("My therapy")

    url = f"/my-therapy/sessions/{second.public_id}/change-time/"
    page.visit(url)
    rule = (
        f"Session 2 must stay between session 1 ({when(first.start)}) "
        f"and session 3 ({when(third.start)})."
    )
    expect(page.get_by_text(rule)).to_be_visible()
    page.assert_accessible()
    fits_the_screen(page)
    # Every day offered lies between sessions 1 and 3.
    offered = page.locator("input[name=day]").evaluate_all("l => l.map(i => i.value)")
    assert offered
    low, high = (timefmt.local(s.start).date() for s in (first, third))
    assert all(low <= datetime.date.fromisoformat(d) <= high for d in offered)

    # A day after session 3, typed into the address bar, is refused.
    late = timefmt.local(third.start).date() + datetime.timedelta(days=1)
    page.visit(f"{url}?day={late.isoformat()}")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "There are no free times on that day now"
    )
    expect(page.locator("input[name=start]")).to_have_count(0)
    page.assert_accessible()
    second.refresh_from_db()
    assert second.start < third.start
