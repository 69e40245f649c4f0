"""Helpers for the focus, letter and discharge tests."""

import datetime

from django.utils import timezone

WORKING = {
    "self_in_relation": "WORKING-SELF: sees self as a burden",
    "other": "WORKING-OTHER: others as critical and withdrawing",
    "linking_feeling": "WORKING-AFFECT: shame",
    "way_of_coping": "WORKING-DEFENCE: pre-emptive withdrawal",
    "connection": "WORKING-LINK: low mood after conflicts at work",
}
SUMMARY = "When you feel you might be a nuisance, you pull away first."


def focus_data(**changes):
    return {**WORKING, "patient_summary": SUMMARY, **changes}


def begin_session(clock, course, number):
    """Move the clock to ten minutes after session `number` began; the next one is
    still to come. The sessions and their reminders stay as they were booked."""
    target = course.sessions.get(number=number)
    clock.move_to(target.start + datetime.timedelta(minutes=10))
    course.refresh_from_db()
    assert target.start < timezone.now()
    return course
