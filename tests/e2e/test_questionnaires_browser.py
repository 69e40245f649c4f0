"""A patient fills in the intake over two visits and then a PHQ-9; the therapist sees
the score on the measures chart. axe checks every page, including the error state."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from questionnaires.models import Response

from ..factories import book_course, working_week
from ..helpers import totp_code
from .test_sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHQ9_CHOICES = {  # question number -> answer; adds up to 13
    1: "Several days",
    2: "More than half the days",
    3: "Nearly every day",
    4: "Nearly every day",
    5: "Several days",
    6: "Several days",
    7: "Several days",
    8: "Several days",
    9: "Not at all",
}


def test_intake_over_two_visits_a_phq9_and_the_therapists_chart(
    page, clinic, patient, therapist, room, clock
):
    working_week(therapist)
    course = book_course(patient, therapist, room=room)
    first = course.sessions.get(number=1)
    clock.move_to(first.start - datetime.timedelta(hours=3))

    # First visit: start the intake, answer one question, save for later.
    sign_in(page, patient.user.email)
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    page.assert_accessible()
    page.get_by_role("link", name="About you and your relationships").click()
    expect(
        page.get_by_text("You only need to share what you are comfortable")
    ).to_be_visible()
    page.assert_accessible()
    page.get_by_role("link", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What brings you here")
    page.assert_accessible()
    page.get_by_role("textbox", name="What has led you to ask for help now?").fill(
        "Arguments at home"
    )
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text("Your answers are saved")).to_be_visible()

    # Second visit, signed in again: the draft is there; finish and send.
    page.context.clear_cookies()
    sign_in(page, patient.user.email)
    page.get_by_role("link", name="About you and your relationships").click()
    page.get_by_role("link", name="Continue").click()
    expect(
        page.get_by_role("textbox", name="What has led you to ask for help now?")
    ).to_have_value("Arguments at home")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The people in your life")
    for box in page.get_by_label("I'd rather not say").all():
        box.check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role(
        "textbox", name="Who or what helps you when things are hard?"
    ).fill("My sister")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    page.assert_accessible()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your answers have been sent"
    )
    page.assert_accessible()

    # The PHQ-9 before session 1: an error first, then every answer.
    page.get_by_role("link", name="Back to my therapy").click()
    page.get_by_role("link", name="PHQ-9 before session 1").click()
    page.get_by_role("link", name="Start").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.assert_accessible()
    for number, answer in PHQ9_CHOICES.items():
        group = page.get_by_role("group", name=re.compile(rf"^{number}\. "))
        group.get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Somewhat difficult").check()
    page.get_by_role("button", name="Continue").click()
    page.assert_accessible()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your answers have been sent"
    )

    assert sorted(
        (r.assignment.code, r.total) for r in Response.objects.submitted()
    ) == [("intake", None), ("phq9", 13)]

    # The therapist reads the chart.
    page.context.clear_cookies()
    sign_in(page, therapist.email)
    page.get_by_label("Code").fill(totp_code(therapist.totp_secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")
    page.get_by_role("link", name=patient.user.full_name).click()
    page.get_by_role("link", name="Questionnaires and measures").click()
    expect(page.get_by_role("img", name="PHQ-9 by session")).to_be_visible()
    # Session 1 has not happened yet, so its phase is not labelled (issue 12).
    expect(page.get_by_role("row", name=re.compile(r"^1\s+13"))).to_be_visible()
    page.assert_accessible()
    # The chart's words stay readable on the smallest phone and on a desktop.
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert min(chart_text_px(page)) >= 12, width


def chart_text_px(page):
    """The on-screen size of every word in the charts that are showing."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.dit-chart svg[viewBox]')]
          .filter(svg => svg.getBoundingClientRect().width > 0)
          .flatMap(svg => [...svg.querySelectorAll('text')].map(text =>
            parseFloat(text.getAttribute('font-size')) *
            svg.getBoundingClientRect().width / svg.viewBox.baseVal.width))"""
    )


def test_a_gad7_with_the_keyboard_only(page, clinic, patient, therapist, room, clock):
    """Tab into each question, arrow keys to choose, Enter to continue and send."""
    from .test_patient_booking import tab_to

    working_week(therapist)
    course = book_course(patient, therapist, room=room)
    first = course.sessions.get(number=1)
    clock.move_to(first.start - datetime.timedelta(hours=3))
    sign_in(page, patient.user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("My therapy")
    tab_to(page, "a", text="GAD-7 before session 1")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("GAD-7 before session 1")
    tab_to(page, "a", text="Start")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Worry and anxiety over the last 2 weeks"
    )
    for number in range(1, 8):
        tab_to(page, f"input[name=q{number}]")
        page.keyboard.press("Space")  # "Not at all"
        page.keyboard.press("ArrowDown")  # "Several days": 1 point each
    tab_to(page, "button", text="Continue")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    tab_to(page, "button", text="Send my answers")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your answers have been sent"
    )
    page.assert_accessible()
    gad7 = Response.objects.get(assignment__code="gad7")
    assert (gad7.total, gad7.band) == (7, "Mild")
