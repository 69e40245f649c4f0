"""What the ending pages show: the focus versions, whether the letter can be written
yet, and the outcome of a course from its attendance and its first and last PHQ-9
and GAD-7 totals (from the questionnaires app)."""

from dataclasses import dataclass

from questionnaires.services import first_and_last_totals
from therapy.models import Course, FocusAgreement, GoodbyeLetter
from therapy.phases import first_ending_session

from . import letter as letter_services
from .outcomes import Outcome, summarise


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


@dataclass
class FocusHistory:
    course: Course
    versions: list[FocusAgreement]  # newest first
    draft: FocusAgreement | None


def focus_history(course):
    versions = list(course.focus_agreements.order_by("-version"))
    draft = next((v for v in versions if v.is_draft), None)
    return FocusHistory(course=course, versions=versions, draft=draft)


@dataclass
class LetterEdit:
    course: Course
    letter: GoodbyeLetter | None
    in_ending: bool  # the letter is written in the ending phase only
    first_ending: int  # the session that phase starts at


def letter_edit(course, letter):
    return LetterEdit(
        course=course,
        letter=letter,
        in_ending=letter_services.in_ending_phase(course),
        first_ending=first_ending_session(course),
    )


@dataclass
class Discharge:
    course: Course
    attended: int
    # Scores are clinical: the course's therapist sees them, a clinic admin the
    # attendance only (outcome None). So is the therapist's reason for a drop-out.
    outcome: Outcome | None
    end_reason: str = ""


def discharge(course, viewer):
    if viewer == course.therapist:
        outcome = for_course(course)
        return Discharge(
            course=course,
            attended=outcome.attended,
            outcome=outcome,
            end_reason=course.end_reason,
        )
    return Discharge(course=course, attended=attended_count(course), outcome=None)
