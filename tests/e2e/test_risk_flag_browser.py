"""A risk flag in the browser, from the patient's answer to the therapist's
acknowledgement: the patient sees where to get help now; nobody acknowledges the flag
by the end of the next working day, so the clinic admins are told (the clock moved);
the therapist reads the answer, the phone and the crisis contacts, cannot close the
course while the flag is open, acknowledges it and then can. axe checks every page,
at a phone's width and a desktop's."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from messaging.models import Message
from therapy import risk

from ..factories import book_course, working_week
from ..helpers import totp_code
from .test_sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_staff(page, user):
    page.context.clear_cookies()
    sign_in(page, user.email)
    page.get_by_label("Code").fill(totp_code(user.totp_secret))
    page.get_by_role("button", name="Sign in").click()


def send_phq9_with_a_risk_answer(page):
    page.get_by_role("link", name="PHQ-9 before session 1").click()
    page.get_by_role("link", name="Start").click()
    for number in range(1, 9):
        group = page.get_by_role("group", name=re.compile(rf"^{number}\. "))
        group.get_by_label("Several days", exact=True).check()
    group = page.get_by_role("group", name=re.compile(r"^9\. "))
    group.get_by_label("More than half the days", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Somewhat difficult").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Send my answers").click()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_risk_flag_from_answer_to_acknowledgement(
    page, clinic, patient, therapist, clinic_admin, room, clock, width
):
    page.set_viewport_size({"width": width, "height": 900})
    patient.phone = "07700 900123"
    patient.save()
    working_week(therapist)
    course = book_course(patient, therapist, room=room)
    first = course.sessions.get(number=1)  # a Monday
    raised = first.start - datetime.timedelta(hours=3)
    clock.move_to(raised)

    # The patient answers question 9 above 0 and is shown where to get help now.
    sign_in(page, patient.user.email)
    send_phq9_with_a_risk_answer(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your answers have been sent"
    )
    urgent = page.locator("#maincontent").get_by_role(
        "heading", name="If you need help"
    )
    expect(urgent).to_be_visible()
    page.assert_accessible()

    # Nobody acknowledges it by the end of Tuesday: the clinic admins are told.
    clock.move_to(risk.escalation_due(raised) - datetime.timedelta(minutes=1))
    assert risk.escalate_overdue() == 0
    clock.move_to(risk.escalation_due(raised) + datetime.timedelta(minutes=5))
    assert risk.escalate_overdue() == 1
    escalated = Message.objects.get(kind=Message.Kind.RISK_ESCALATED)
    assert escalated.recipient == clinic_admin

    sign_in_staff(page, clinic_admin)
    page.visit("/clinic/messages/")
    expect(
        page.get_by_text("Risk flag not acknowledged in time (to clinic admins)")
    ).to_be_visible()
    page.assert_accessible()

    # The therapist: the caseload's to-do list, then the flag.
    sign_in_staff(page, therapist)
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")
    expect(page.get_by_role("heading", name="To do")).to_be_visible()
    page.assert_accessible()
    page.get_by_role("link", name=re.compile(r"risk flag$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk flag")
    expect(page.get_by_text("More than half the days (2)")).to_be_visible()
    expect(page.get_by_role("link", name="07700 900123")).to_be_visible()
    expect(page.get_by_text("Crisis contacts to give the patient")).to_be_visible()
    expect(page.get_by_text("the clinic admins were told")).to_be_visible()
    page.assert_accessible()

    # Closing the course is refused while the flag is open, with a link to it.
    page.visit(f"/courses/{course.public_id}/discharge/")
    page.get_by_label("Completed: therapy ended as planned").check()
    page.get_by_role("button", name="Close the course").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        page.get_by_text("This course cannot be closed while a risk flag is open")
    ).to_be_visible()
    page.assert_accessible()
    page.get_by_role("link", name="Open the risk flag").click()

    page.get_by_label("What you have done").fill("Called Alice; safety plan agreed.")
    page.get_by_role("button", name="Acknowledge risk flag").click()
    expect(page.get_by_text("The risk flag is acknowledged.")).to_be_visible()
    page.assert_accessible()

    page.visit(f"/courses/{course.public_id}/discharge/")
    page.get_by_label("Completed: therapy ended as planned").check()
    page.get_by_role("button", name="Close the course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Course ended")
    page.assert_accessible()
