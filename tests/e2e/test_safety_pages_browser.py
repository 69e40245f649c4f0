"""The pages issue 17 added, in the browser: the clinical lead's open risk flags
(reached from the menu, a responsive table that fits a 320 px phone), the admins'
numbers, and the notice patients see while reminders are late. axe checks each."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from messaging import health
from messaging.models import Message
from questionnaires.models import RiskFlag
from therapy import risk

from ..factories import (
    TherapistFactory,
    book_course,
    phq9_answers,
    send_measure,
    working_week,
)
from .test_risk_flag_browser import sign_in_staff
from .test_sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _reminders_on_time():
    """Overrides tests/conftest.py's fixture: the live server checks for itself."""
    health.forget()
    yield
    health.forget()


def test_the_lead_reads_the_open_flags_and_an_admin_the_numbers(
    page, clinic, patient, therapist, clinic_admin, room
):
    working_week(therapist)
    course = book_course(patient, therapist, room=room)
    for number in (1, 2):
        send_measure(course.sessions.get(number=number), "phq9", phq9_answers(12, 1))
    risk.escalate(RiskFlag.objects.order_by("raised_at").first())
    lead = TherapistFactory(full_name="Dr Lee Lead", clinical_lead=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_staff(page, lead)
    page.get_by_role("link", name="Risk flags").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open risk flags")
    table = page.get_by_role("table", name="Open risk flags, oldest first")
    expect(table.get_by_role("row")).to_have_count(3)  # the header and two flags
    expect(table.get_by_text("Escalated", exact=True)).to_be_visible()
    expect(table.get_by_text(patient.user.full_name).first).to_be_visible()
    page.assert_accessible()

    sign_in_staff(page, clinic_admin)
    page.visit("/clinic/risk-flags/")
    expect(page.get_by_test_id("open-flag-counts")).to_have_text(
        "2 open risk flags, 1 escalated to the clinic admins."
    )
    expect(page.get_by_role("table")).to_have_count(0)
    page.assert_accessible()


def test_a_patient_is_told_reminders_are_late_and_that_sessions_stand(
    page, clinic, patient, therapist, room
):
    working_week(therapist)
    book_course(patient, therapist, room=room)
    Message.objects.create(
        kind=Message.Kind.WAITING,
        recipient=patient.user,
        due_at=timezone.now() - datetime.timedelta(minutes=20),
        key="late",
    )
    sign_in(page, patient.user.email)
    notice = page.get_by_test_id("reminders-delayed")
    expect(notice).to_contain_text("Reminders are running late")
    # Not a heading: it sits above the page's own h1.
    expect(notice.get_by_role("heading")).to_have_count(0)
    expect(notice.get_by_role("link", name=clinic.phone)).to_be_visible()
    page.assert_accessible()
