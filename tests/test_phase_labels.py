"""Phases are labelled only once they are known (issue 12): a session still to come
shows no phase unless it is one of the last four planned (the ending, fixed in
advance); the session at which the focus is agreed stays initial, and the middle
phase starts at the next one."""

import datetime

import pytest
from django.urls import reverse

from dit_portal.core import timefmt
from therapy import phases
from therapy.ending import focus
from therapy.scheduling import selectors

from .focus_helpers import begin_session, focus_data

pytestmark = pytest.mark.django_db


def labels(client, course):
    """{session number: phase label} from the therapist's course timeline."""
    page = client.get(reverse("course_timeline", args=[course.public_id]))
    return {row.session.number: row.phase_label for row in page.context["sessions"]}


def test_future_sessions_are_unlabelled_but_the_ending_is_known(
    therapist_client, course, clock
):
    begin_session(clock, course, 2)
    shown = labels(therapist_client, course)
    assert shown[1] == shown[2] == "Initial phase"
    assert all(shown[n] == "" for n in range(3, 13))  # not "Initial phase" up to 12
    assert all(shown[n] == "Ending phase" for n in range(13, 17))


def test_the_patient_sees_the_same_labels(patient, course, clinic, clock):
    first = course.sessions.get(number=1)
    clock.move_to(first.end + datetime.timedelta(hours=1))
    page = selectors.my_therapy(patient.user, patient, course, clinic)
    shown = {row.session.number: row.phase_label for row in page.sessions}
    assert shown[1] == "Initial phase"
    assert shown[2] == "" and shown[12] == ""
    assert shown[13] == "Ending phase"
    assert page.next_session.session.number == 2
    assert page.next_session.phase_label == ""


def test_the_agreement_days_session_stays_initial(therapist_client, course, clock):
    """Agreed at 15:55 on the day of session 5 (10:00): session 5 was initial."""
    fifth = course.sessions.get(number=5)
    draft = focus.save_focus_draft(course, by=course.therapist, data=focus_data())
    shared = focus.share_focus(draft, by=course.therapist)
    day = timefmt.local(fifth.start).date()
    clock.move_to(timefmt.at_wall_time(day, datetime.time(15, 55)))
    focus.respond_to_focus(shared, agree=True)
    course.refresh_from_db()
    assert course.focus_agreed_session == 5

    shown = labels(therapist_client, course)
    assert shown[5] == "Initial phase"
    assert shown[6] == ""  # the middle phase has not started yet
    assert all(shown[n] == "Initial phase" for n in range(1, 6))

    begin_session(clock, course, 6)
    shown = labels(therapist_client, course)
    assert shown[5] == "Initial phase"
    assert shown[6] == "Middle phase"
    assert shown[7] == ""


def test_the_measures_chart_labels_only_known_phases(course, clock):
    begin_session(clock, course, 3)
    sessions = list(course.sessions.all())
    known = phases.phases_for(course, sessions, range(1, 18))
    assert [known[n] for n in (1, 2, 3)] == ["initial"] * 3
    assert all(known[n] is None for n in range(4, 13))
    assert all(known[n] == "ending" for n in range(13, 18))
