"""Therapists read responses and the measures chart; risk flags reach them and stay
until acknowledged. Clinic admins and other therapists see none of it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dit_portal.audit.models import AuditEvent
from questionnaires.models import RiskFlag

from .factories import gad7_answers, phq9_answers, send_measure
from .focus_helpers import begin_session


def _measures_url(course):
    return reverse("course_measures", args=[course.public_id])


def _fill(course, sessions, phq9=(18, 9), gad7=(12, 6)):
    """PHQ-9 and GAD-7 sent for the first `sessions` sessions, falling linearly."""
    for session in course.sessions.order_by("number")[:sessions]:
        step = (session.number - 1) / max(sessions - 1, 1)
        send_measure(
            session, "phq9", phq9_answers(round(phq9[0] + (phq9[1] - phq9[0]) * step))
        )
        send_measure(
            session, "gad7", gad7_answers(round(gad7[0] + (gad7[1] - gad7[0]) * step))
        )


def test_measures_page_shows_the_chart_and_the_same_data_as_a_table(
    therapist_client, course, clock
):
    _fill(course, 3)
    begin_session(clock, course, 3)  # phases are labelled once sessions happen
    page = therapist_client.get(_measures_url(course)).content.decode()
    assert page.count('<figure class="dit-chart">') == 2
    assert 'role="img"' in page
    assert (
        "PHQ-9 scores for 3 sessions. First: 18 (moderately severe) at session 1."
        in page
    )
    assert "Latest: 9 (mild) at session 3." in page
    assert "Caseness (10)" in page and "Caseness (8)" in page
    assert "Moderately severe (15–19)" in page  # bands shaded and named
    assert "Initial" in page and "Ending" in page  # phases on the x axis
    assert "Middle" not in page  # no focus agreed: sessions 4-12 are unlabelled
    assert "Session 2: 14 (moderate)" in page  # the point's own label
    # The table has the same numbers.
    assert ">18<span" in page and ">9<span" in page and ">12<span" in page


def test_every_view_of_measures_and_responses_is_audited(therapist_client, course):
    _fill(course, 1)
    before = AuditEvent.objects.count()
    therapist_client.get(_measures_url(course))
    response = course.assignments.get(code="phq9").response
    url = reverse("response_detail", args=[response.public_id])
    page = therapist_client.get(url).content.decode()
    therapist_client.get(url)
    assert "Total 18: moderately severe" in page
    assert "Nearly every day (3)" in page
    events = AuditEvent.objects.order_by("pk")[before:]
    assert [(e.action, e.object_type) for e in events] == [
        ("view", "questionnaires.CourseMeasures"),
        ("view", "questionnaires.Response"),
        ("view", "questionnaires.Response"),
    ]
    assert all(e.patient == course.patient for e in events)


def test_measures_page_runs_a_fixed_number_of_queries(therapist_client, course):
    _fill(course, 1)
    therapist_client.get(_measures_url(course))  # a session's first request saves it
    with CaptureQueriesContext(connection) as one:
        assert therapist_client.get(_measures_url(course)).status_code == 200
    _fill_rest = list(course.sessions.order_by("number"))[1:16]
    for session in _fill_rest:
        send_measure(session, "phq9", phq9_answers(10))
        send_measure(session, "gad7", gad7_answers(8))
    with CaptureQueriesContext(connection) as sixteen:
        page = therapist_client.get(_measures_url(course))
    assert page.content.decode().count("PHQ-9 at session") == 16
    assert len(sixteen) == len(one)
    assert len(sixteen) <= 12


@pytest.mark.parametrize("who", ["other_therapist", "clinic_admin", "patient"])
def test_only_the_courses_therapist_reads_measures(client, course, who, request):
    _fill(course, 1)
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    response = course.assignments.get(code="phq9").response
    flag = send_measure(
        course.sessions.get(number=2), "phq9", phq9_answers(5, item9=1)
    ).risk_flag
    urls = [
        _measures_url(course),
        reverse("response_detail", args=[response.public_id]),
        reverse("risk_flag", args=[flag.public_id]),
    ]
    # Not found, even for the patient whose course it is: these are the therapist's.
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert client.post(urls[2], {"note": "x"}).status_code == 404


def _raise_flag(course):
    send_measure(course.sessions.get(number=1), "phq9", phq9_answers(12, item9=2))
    return RiskFlag.objects.get()


def test_risk_flag_banner_until_acknowledged_with_a_note(therapist_client, course):
    flag = _raise_flag(course)
    patient_page = reverse("patient_detail", args=[course.patient.public_id])
    for url in [reverse("caseload"), patient_page]:
        page = therapist_client.get(url).content.decode()
        assert "Risk flags to acknowledge" in page
        assert reverse("risk_flag", args=[flag.public_id]) in page

    url = reverse("risk_flag", args=[flag.public_id])
    empty = therapist_client.post(url, {"note": ""})
    assert "Enter what you have done about this risk flag" in empty.content.decode()
    therapist_client.post(url, {"note": "Called Alice; safety plan agreed."})
    flag.refresh_from_db()
    assert flag.acknowledged_by.email == "terry@example.test"
    assert flag.acknowledgement == "Called Alice; safety plan agreed."
    for url in [reverse("caseload"), patient_page]:
        assert (
            "Risk flags to acknowledge"
            not in therapist_client.get(url).content.decode()
        )
    assert AuditEvent.objects.filter(
        action="change", object_id=str(flag.public_id)
    ).exists()


def test_risk_flags_are_not_shown_to_others(
    client, course, other_therapist, clinic_admin
):
    flag = _raise_flag(course)
    client.force_login(other_therapist)
    assert client.get(reverse("risk_flag", args=[flag.public_id])).status_code == 404
    assert "Risk flag" not in client.get(reverse("caseload")).content.decode()
    client.force_login(clinic_admin)
    page = client.get(reverse("patient_detail", args=[course.patient.public_id]))
    assert page.status_code == 200
    # The menu's "Risk flags" (the clinic's numbers, issue 17) names no patient.
    main = page.content.decode().split('id="maincontent"')[1]
    assert "Risk flag" not in main
    assert "Questionnaires and measures" not in main


def test_caseload_query_count_does_not_grow_with_risk_flags(
    therapist_client, course, django_assert_max_num_queries
):
    _raise_flag(course)
    with django_assert_max_num_queries(14):  # to-do list: six kinds, a query each
        therapist_client.get(reverse("caseload"))
