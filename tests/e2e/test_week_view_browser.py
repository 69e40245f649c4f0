"""The admin's week view at clinic scale (40 therapists, 750 sessions) in a real
browser: axe finds nothing, a 320px phone needs no sideways scrolling, and the
keyboard reaches a therapist's week from the clinic's counts."""

import datetime

import pytest
from playwright.sync_api import expect

from ..factories import busy_clinic_week, next_weekday
from .test_schedule_admin_browser import sign_in_admin

pytestmark = pytest.mark.django_db(transaction=True)


def no_sideways_scrolling(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide at 320px"


def test_week_view_at_scale_fits_a_phone_and_works_by_keyboard(
    page, clinic, clinic_admin
):
    monday = next_weekday(0, weeks_ahead=2)
    staff = busy_clinic_week(monday)
    first = min(staff, key=lambda t: t.full_name)
    sign_in_admin(page, clinic_admin)
    page.set_viewport_size({"width": 320, "height": 800})
    week = f"/schedule/?week={monday.isoformat()}"
    tuesday = monday + datetime.timedelta(days=1)
    for path in [
        week,
        f"{week}&therapist={first.pk}",
        f"{week}&day={tuesday.isoformat()}",
    ]:
        page.visit(path)
        no_sideways_scrolling(page)
        page.assert_accessible()

    page.visit(week)
    table = page.get_by_role("table", name="Sessions each day, by therapist")
    expect(table.get_by_role("row")).to_have_count(1 + 40 + 1)
    # The count for Tuesday: its link names the therapist and the day.
    cell = table.get_by_role("link", name=f"4 with {first.full_name} on Tuesday")
    cell.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".nhsuk-caption-l")).to_have_text(first.full_name)
    assert page.url.endswith(f"#day-{tuesday.isoformat()}")
    expect(page.get_by_text("19 sessions this week")).to_be_visible()
    expect(page.get_by_role("link", name="Move")).to_have_count(19)
