"""Helpers for the focus, letter and discharge tests."""

import datetime

from django.utils import timezone

from therapy.models import Session

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


def begin_session(course, number):
    """Move the whole course back in time so that session `number` began ten minutes
    ago and the next one is still to come. Rows are moved earliest first, so no
    moved session ever overlaps one not yet moved."""
    target = course.sessions.get(number=number)
    delta = target.start - (timezone.now() - datetime.timedelta(minutes=10))
    for session in course.sessions.order_by("start"):
        Session.objects.filter(pk=session.pk).update(
            start=session.start - delta, end=session.end - delta
        )
    course.refresh_from_db()
    return course
