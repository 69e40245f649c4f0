"""The initial phase is open-ended: the course page says which session it has
reached, and from session 5 without an agreed focus the caseload prompts the
therapist (a prompt, never a block)."""

from django.urls import reverse

from therapy.ending import focus

from .focus_helpers import begin_session, focus_data

PROMPT = "no focus agreed yet"


def _caseload(client):
    return client.get(reverse("caseload")).content.decode()


def test_course_page_says_initial_phase_and_the_session(
    therapist_client, course, clock
):
    url = reverse("course_timeline", args=[course.public_id])
    assert "Initial phase — first session still to come" in (
        therapist_client.get(url).content.decode()
    )
    begin_session(clock, course, 3)
    assert "Initial phase — session 3" in therapist_client.get(url).content.decode()


def test_caseload_prompts_from_session_5_until_a_focus_is_agreed(
    therapist_client, course, clock
):
    begin_session(clock, course, 4)
    assert PROMPT not in _caseload(therapist_client)
    begin_session(clock, course, 5)
    assert "Session 5, no focus agreed yet" in _caseload(therapist_client)

    # The prompt does not block anything: a focus can still be drafted and shared.
    draft = focus.save_focus_draft(course, by=course.therapist, data=focus_data())
    shared = focus.share_focus(draft, by=course.therapist)
    assert "Session 5, no focus agreed yet" in _caseload(therapist_client)
    focus.respond_to_focus(shared, agree=True)
    assert PROMPT not in _caseload(therapist_client)
    # Session 5, at which it was agreed, stays initial; the middle phase starts at 6.
    url = reverse("course_timeline", args=[course.public_id])
    assert "Initial phase — session 5" in therapist_client.get(url).content.decode()
    begin_session(clock, course, 6)
    assert "Middle phase — session 6" in therapist_client.get(url).content.decode()


def test_caseload_with_prompts_runs_a_fixed_number_of_queries(
    therapist_client, course, django_assert_max_num_queries, clock
):
    begin_session(clock, course, 6)
    with django_assert_max_num_queries(14):  # to-do list: six kinds, a query each
        assert "Session 6, no focus agreed yet" in _caseload(therapist_client)
