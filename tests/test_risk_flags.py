"""A risk flag from the patient's answer to the therapist's response: the words the
therapist is sent, the flag page, discharge refused while it is open, and the clinic
told when nobody has acknowledged it by the end of the next working day."""

import datetime

import pytest
from django.urls import reverse

from dit_portal.accounts.models import User
from dit_portal.core.errors import RiskFlagOpen
from messaging import channels
from messaging.models import Message
from questionnaires.models import RiskFlag
from therapy import risk
from therapy.ending import discharge
from therapy.models import Course

from .clock import LONDON
from .factories import ClinicAdminFactory, phq9_answers, send_measure


def _at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def _raise_flag(course, item9=2):
    send_measure(course.sessions.get(number=1), "phq9", phq9_answers(12, item9=item9))
    return RiskFlag.objects.get()


@pytest.mark.parametrize(
    ("full_name", "short"),
    [
        ("Dr Sam Okafor", "Sam"),
        ("Prof. Jo Reyes", "Jo"),
        ("Mx Alex Lee", "Alex"),
        ("Dr Okafor", "Dr Okafor"),  # not "Hello Okafor,"
        ("Terry Therapist", "Terry"),
        ("Drew Barrymore", "Drew"),
    ],
)
def test_a_greeting_skips_titles(full_name, short):
    assert User(full_name=full_name, email="x@example.test").get_short_name() == short


def test_the_therapist_is_asked_to_sign_in_today_in_words_that_say_nothing_clinical(
    course, clinic, therapist
):
    therapist.full_name = "Dr Terry Therapist"
    therapist.save()
    _raise_flag(course)
    message = Message.objects.get(kind=Message.Kind.RISK_FLAG)
    words = channels.compose(message, clinic)
    assert words.subject == "Patient portal: please sign in to the portal today"
    assert words.text.startswith("Hello Terry,\n")
    for said in (words.subject, words.text, words.html):
        for clinical in ("risk", "PHQ", "Alice", "harm", "dead"):
            assert clinical not in said


def test_the_flag_page_shows_the_answer_the_phone_and_the_crisis_contacts(
    therapist_client, course, clinic
):
    course.patient.phone = "07700 900123"
    course.patient.save()
    clinic.urgent_help_text = "Call the crisis line on 0800 000 1111 at any time."
    clinic.save()
    flag = _raise_flag(course, item9=2)
    page = therapist_client.get(reverse("risk_flag", args=[flag.public_id]))
    html = page.content.decode()
    assert "Thoughts that you would be better off dead" in html
    assert "More than half the days (2)" in html
    assert 'href="tel:07700 900123"' in html
    assert "Call the crisis line on 0800 000 1111 at any time." in html


def test_discharge_is_refused_while_a_flag_is_open(client, course, clinic_admin):
    flag = _raise_flag(course)
    client.force_login(course.therapist)
    url = reverse("discharge_course", args=[course.public_id])
    flag_url = reverse("risk_flag", args=[flag.public_id])

    html = client.post(url, {"status": "completed"}).content.decode()
    assert "cannot be closed while a risk flag is open" in html
    assert f'<a href="{flag_url}">Open the risk flag</a>' in html
    course.refresh_from_db()
    assert course.status == Course.Status.ACTIVE
    assert not Message.objects.filter(kind=Message.Kind.END_OF_THERAPY).exists()

    # The clinic admin is told why, with no link: the flag is not theirs to open.
    client.force_login(clinic_admin)
    html = client.post(url, {"status": "completed"}).content.decode()
    assert "cannot be closed while a risk flag is open" in html
    assert flag_url not in html

    client.force_login(course.therapist)
    client.post(flag_url, {"note": "Called Alice; safety plan agreed."})
    client.post(url, {"status": "completed"})
    course.refresh_from_db()
    assert course.status == Course.Status.COMPLETED


def test_the_service_refuses_too(course):
    flag = _raise_flag(course)
    with pytest.raises(RiskFlagOpen) as refused:
        discharge.discharge_course(course, by=course.therapist, status="completed")
    assert refused.value.flag_id == flag.public_id


@pytest.mark.parametrize(
    ("raised", "due"),
    [
        # Tuesday afternoon: the end of Wednesday.
        (_at(2026, 12, 1, 15, 0), _at(2026, 12, 3, 0, 0)),
        # Friday: the end of Monday.
        (_at(2026, 12, 4, 9, 0), _at(2026, 12, 8, 0, 0)),
        # Saturday: the end of Monday, not of Sunday.
        (_at(2026, 12, 5, 23, 30), _at(2026, 12, 8, 0, 0)),
        # Christmas Eve: Christmas Day, the weekend and Boxing Day's Monday skipped.
        (_at(2026, 12, 24, 15, 0), _at(2026, 12, 30, 0, 0)),
    ],
)
def test_a_flag_is_due_at_the_end_of_the_next_working_day(raised, due):
    assert risk.escalation_due(raised) == due


def test_an_unacknowledged_flag_is_escalated_once_to_the_clinic_admins(
    course, clinic, clinic_admin, clock
):
    second_admin = ClinicAdminFactory(full_name="Dr Bea Admin", email="bea@ex.test")
    clock.move_to(_at(2026, 12, 24, 15, 0))  # Christmas Eve
    flag = _raise_flag(course)

    clock.move_to(_at(2026, 12, 29, 23, 59))  # still Tuesday, the next working day
    assert risk.escalate_overdue() == 0
    assert not Message.objects.filter(kind=Message.Kind.RISK_ESCALATED).exists()

    clock.move_to(_at(2026, 12, 30, 0, 0))
    assert risk.escalate_overdue() == 1
    assert risk.escalate_overdue() == 0  # once per flag
    sent = Message.objects.filter(kind=Message.Kind.RISK_ESCALATED)
    assert {m.recipient for m in sent} == {clinic_admin, second_admin}
    assert {m.key for m in sent} == {f"risk-escalated:{flag.public_id}"}
    flag.refresh_from_db()
    assert flag.escalated_at == _at(2026, 12, 30, 0, 0)

    words = channels.compose(sent.get(recipient=second_admin), clinic)
    assert words.subject == "Patient portal: please sign in to the portal today"
    assert "Hello Bea," in words.text
    assert "A risk flag is waiting for a clinician's response" in words.text
    assert "Terry Therapist's caseload" in words.text
    for said in (words.subject, words.text, words.html):
        for secret in ("Alice", "PHQ", "dead", "More than half", "question 9"):
            assert secret not in said


def test_an_acknowledged_flag_is_not_escalated(
    therapist_client, course, clinic_admin, clock
):
    clock.move_to(_at(2026, 12, 1, 15, 0))
    flag = _raise_flag(course)
    clock.move_to(_at(2026, 12, 2, 16, 0))
    therapist_client.post(reverse("risk_flag", args=[flag.public_id]), {"note": "Seen"})
    clock.move_to(_at(2026, 12, 10, 9, 0))
    assert risk.escalate_overdue() == 0
    assert not Message.objects.filter(kind=Message.Kind.RISK_ESCALATED).exists()


def test_beat_runs_the_escalation():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "therapy.tasks.escalate_risk_flags" in tasks
