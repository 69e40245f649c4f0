"""What the ending pages show: the outcome of a course from its attendance and its
first and last PHQ-9 and GAD-7 totals (from the questionnaires app)."""

from questionnaires.services import first_and_last_totals

from .outcomes import summarise


def attended_count(course):
    return course.sessions.seen().count()


def for_course(course):
    """The course's outcome (outcomes.summarise) from the database."""
    totals = first_and_last_totals(course)
    return summarise(
        attended_count(course),
        phq9=tuple(totals.get("phq9", (None, None))),
        gad7=tuple(totals.get("gad7", (None, None))),
    )
