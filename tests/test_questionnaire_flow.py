"""Patients answer questionnaires: what is waiting, pages with drafts, review, send,
and no changes after sending."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dit_portal.audit.models import AuditEvent
from messaging.models import Message
from questionnaires.models import Assignment, Response, RiskFlag

from .factories import gad7_answers, phq9_answers, send_measure
from .test_query_counts import MAX_QUERIES, count_queries


@pytest.fixture
def session_soon(course, clock):
    """Session 1 of Alice's course starts in an hour, so its measures are open."""
    session = course.sessions.get(number=1)
    clock.move_to(session.start - datetime.timedelta(hours=1))
    return session


def _intake(course):
    return Assignment.objects.get(course=course, code="intake")


def _measure(session, code):
    return Assignment.objects.get(session=session, code=code)


def _page(assignment, number):
    return reverse("questionnaire_page", args=[assignment.public_id, number])


def _review(assignment):
    return reverse("questionnaire_review", args=[assignment.public_id])


def test_booking_a_course_assigns_the_intake_and_tells_the_patient(course):
    intake = _intake(course)
    assert intake.patient == course.patient
    assert Message.objects.filter(
        course=course, kind=Message.Kind.WAITING, recipient=course.patient.user
    ).exists()


def test_my_therapy_lists_the_intake_and_open_measures(patient_client, session_soon):
    page = patient_client.get(reverse("my_therapy")).content.decode()
    assert "Waiting for you" in page
    assert "About you and your relationships" in page
    assert "PHQ-9 before session 1" in page
    assert "GAD-7 before session 1" in page
    assert "PHQ-9 before session 2" not in page  # not open yet


def test_intake_over_two_visits_with_everything_declined(patient_client, course):
    intake = _intake(course)
    first = patient_client.post(
        _page(intake, 1),
        {
            "reason": "Things at work",
            "difficult_now_prefer_not": "on",
            "action": "save",
        },
    )
    assert first.status_code == 302 and first.url == reverse("my_therapy")
    response = Response.objects.get(assignment=intake)
    assert response.answers == {
        "reason": "Things at work",
        "difficult_now": "prefer_not",
    }
    assert not response.is_submitted

    # Later: the draft is still there, and the patient declines everything instead.
    again = patient_client.get(_page(intake, 1)).content.decode()
    assert "Things at work" in again
    items = {
        1: ["reason", "difficult_now"],
        2: ["important_people", "what_happens", "effect_on_others"],
        3: ["support", "earlier_help"],
        4: ["hopes"],
    }
    for number, ids in items.items():
        data = {f"{i}_prefer_not": "on" for i in ids} | {"action": "continue"}
        assert patient_client.post(_page(intake, number), data).status_code == 302
    review = patient_client.get(_review(intake)).content.decode()
    assert review.count("I&#x27;d rather not say") == 8
    sent = patient_client.post(_review(intake))
    assert sent.url == reverse("questionnaire_sent", args=[intake.public_id])
    response.refresh_from_db()
    assert response.is_submitted and response.total is None
    assert AuditEvent.objects.filter(
        action="create", object_id=str(response.public_id)
    ).exists()


def test_writing_an_answer_and_declining_it_is_a_form_error(patient_client, course):
    page = patient_client.post(
        _page(_intake(course), 1),
        {"reason": "Work", "reason_prefer_not": "on", "action": "continue"},
    )
    assert page.status_code == 200
    assert 'href="#id_reason"' in page.content.decode()
    assert "ticked" in page.content.decode()
    assert not Response.objects.filter(answers__reason="Work").exists()


def test_phq9_page_missing_an_answer_shows_an_error_linked_to_it(
    patient_client, session_soon
):
    phq9 = _measure_after_home(patient_client, session_soon, "phq9")
    answers = {k: str(v) for k, v in phq9_answers(12).items() if k != "q4"}
    page = patient_client.post(_page(phq9, 1), answers | {"action": "continue"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in html
    assert 'href="#id_q4_0"' in html
    assert 'id="id_q4_0"' in html
    assert "Select an answer to question 4" in html  # which one, in the summary
    assert "(optional)" not in html  # every PHQ-9 question counts


def test_the_phq9_stem_is_on_the_page_of_its_nine_items_only(
    patient_client, session_soon
):
    phq9 = _measure_after_home(patient_client, session_soon, "phq9")
    stem = "how often have you been bothered by any of the following problems?"
    assert stem in patient_client.get(_page(phq9, 1)).content.decode()
    second = patient_client.get(_page(phq9, 2)).content.decode()
    assert "How these problems affect you" in second
    assert stem not in second


def _measure_after_home(client, session, code):
    client.get(reverse("my_therapy"))  # the home page opens the session's measures
    return _measure(session, code)


def test_sending_with_a_required_answer_missing_gives_errors_not_a_score(
    patient_client, session_soon
):
    phq9 = _measure_after_home(patient_client, session_soon, "phq9")
    answers = {k: str(v) for k, v in phq9_answers(12).items() if k != "q7"}
    patient_client.post(_page(phq9, 1), answers | {"action": "save"})
    page = patient_client.post(_review(phq9))
    html = page.content.decode()
    assert "Some questions still need an answer" in html
    assert f'href="{_page(phq9, 1)}#id_q7_0"' in html
    response = Response.objects.get(assignment=phq9)
    assert not response.is_submitted and response.total is None


def test_phq9_sent_is_scored_and_cannot_be_changed(patient_client, session_soon):
    phq9 = _measure_after_home(patient_client, session_soon, "phq9")
    answers = {k: str(v) for k, v in phq9_answers(11).items()}
    patient_client.post(_page(phq9, 1), answers | {"action": "continue"})
    patient_client.post(_page(phq9, 2), {"difficulty": "1", "action": "continue"})
    patient_client.post(_review(phq9))
    response = Response.objects.get(assignment=phq9)
    assert (response.total, response.band) == (11, "Moderate")

    # The page refuses, and so does a forged POST to the page and to send.
    shown = patient_client.get(_page(phq9, 1), follow=True)
    assert "cannot be changed" in shown.content.decode()
    forged = {k: "0" for k in answers} | {"action": "continue"}
    patient_client.post(_page(phq9, 1), forged)
    patient_client.post(_review(phq9))
    response.refresh_from_db()
    assert response.total == 11
    assert response.answers == phq9_answers(11) | {"difficulty": 1}


def test_the_database_refuses_to_change_a_sent_response(patient_client, session_soon):
    phq9 = _measure_after_home(patient_client, session_soon, "phq9")
    answers = {k: str(v) for k, v in phq9_answers(3).items()}
    patient_client.post(_page(phq9, 1), answers | {"action": "continue"})
    patient_client.post(_review(phq9))
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
        Response.objects.filter(assignment=phq9).update(total=0)


def test_measures_close_when_the_session_ends(patient_client, session_soon, clock):
    phq9 = _measure_after_home(patient_client, session_soon, "phq9")
    clock.move_to(session_soon.start + datetime.timedelta(hours=2))
    page = patient_client.get(_page(phq9, 1), follow=True)
    assert "This questionnaire has closed" in page.content.decode()
    assert "PHQ-9 before session 1" not in page.content.decode()


def test_another_patients_questionnaire_is_not_found(client, course, other_patient):
    client.force_login(other_patient.user)
    intake = _intake(course)
    for url in [
        reverse("questionnaire_start", args=[intake.public_id]),
        _page(intake, 1),
        _review(intake),
    ]:
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "x", "action": "save"}).status_code == 404
    assert not Response.objects.exists()


def test_staff_cannot_fill_in_a_patients_questionnaire(therapist_client, course):
    assert therapist_client.get(_page(_intake(course), 1)).status_code == 403


@pytest.mark.parametrize(("item9", "flags"), [(0, 0), (1, 1), (3, 1)])
def test_item_9_raises_one_risk_flag_and_one_message(
    patient_client, session_soon, therapist, item9, flags
):
    phq9 = _measure_after_home(patient_client, session_soon, "phq9")
    answers = {k: str(v) for k, v in phq9_answers(8, item9=item9).items()}
    patient_client.post(_page(phq9, 1), answers | {"action": "continue"})
    sent = patient_client.post(_review(phq9), follow=True).content.decode()
    assert RiskFlag.objects.count() == flags
    risk_messages = Message.objects.filter(kind=Message.Kind.RISK_FLAG)
    assert risk_messages.count() == flags
    if flags:
        assert risk_messages.get().recipient == therapist
        assert "NHS 111" in sent and "option 2" in sent
        assert "999" in sent and "116 123" in sent
        assert "020 7946 0000" in sent  # the clinic's phone
    else:
        assert "116 123" not in sent.split("<footer")[0]


def test_each_rather_not_say_box_names_its_question(patient_client, course):
    html = patient_client.get(_page(_intake(course), 1)).content.decode()
    label = (
        'rather not say<span class="nhsuk-u-visually-hidden">: '
        "What has led you to ask for help now?</span>"
    )
    assert label in html


def test_measures_close_when_the_course_is_closed(patient_client, session_soon):
    from therapy.ending import discharge

    phq9 = _measure_after_home(patient_client, session_soon, "phq9")
    discharge.discharge_course(
        session_soon.course, by=session_soon.therapist, status="completed"
    )
    page = patient_client.get(_page(phq9, 1), follow=True)
    assert "This questionnaire has closed" in page.content.decode()


def test_the_check_answers_page_is_audited(patient_client, course):
    intake = _intake(course)
    patient_client.post(_page(intake, 1), {"reason": "Work", "action": "save"})
    response = Response.objects.get(assignment=intake)
    views = AuditEvent.objects.filter(action="view", object_id=str(response.public_id))
    patient_client.get(_review(intake))
    assert views.count() == 1


def test_questionnaire_pages_run_a_fixed_number_of_queries(
    patient_client, session_soon, course
):
    """The PHQ-9 page and saving it, before and after the course has measures
    sent for seven more sessions."""
    phq9 = _measure_after_home(patient_client, session_soon, "phq9")
    answers = {k: str(v) for k, v in phq9_answers(12).items()} | {"action": "save"}

    def counted():
        page = count_queries(patient_client, _page(phq9, 1))
        with CaptureQueriesContext(connection) as saving:
            assert patient_client.post(_page(phq9, 1), answers).status_code == 302
        return page, len(saving)

    counted()  # the first save makes the draft
    few = counted()
    for session in course.sessions.filter(number__in=range(2, 9)):
        send_measure(session, "phq9", phq9_answers(9))
        send_measure(session, "gad7", gad7_answers(6))
    many = counted()
    assert few == many, f"(page, save) queries: {few} before, {many} after"
    assert max(many) <= MAX_QUERIES
