"""The three phases of DIT and what a patient reads about them, once.

Initial is open-ended: it lasts until the patient agrees a focus, so the session at
which they agree it is still initial and the middle phase starts at the next one.
Ending is the last four planned sessions. A course that has been closed is completed.

Pages label only what is known: a session that has begun has its phase; a session
still to come is labelled only if it is one of the last four planned (the ending is
fixed in advance), never initial or middle, because where the initial phase ends is
not known until it does. Every function here is pure: no queries."""

from django.db import models
from django.utils import timezone

ENDING_SESSIONS = 4
# The initial phase is open-ended; from this session without an agreed focus the
# therapist's caseload prompts them (a prompt, never a block).
FOCUS_PROMPT_FROM = 5


class Phase(models.TextChoices):
    INITIAL = "initial", "Initial phase"
    MIDDLE = "middle", "Middle phase"
    ENDING = "ending", "Ending phase"
    COMPLETED = "completed", "Completed"

    @property
    def short_label(self):
        """'Initial', for the narrow axis of a chart."""
        return self.label.removesuffix(" phase")

    @property
    def guide(self):
        return GUIDE[self]


# What the patient reads about the phase their therapy is in.
GUIDE = {
    Phase.INITIAL: (
        "You and your therapist are getting to know how you relate to the people "
        "in your life and what has been hard. There is no set number of sessions "
        "for this. It ends when you both agree a focus: one pattern in your "
        "relationships to work on."
    ),
    Phase.MIDDLE: (
        "You have agreed a focus, and the sessions now work on it: where the "
        "pattern shows up in your life now, including, sometimes, with your "
        "therapist, and how it affects the way you feel."
    ),
    Phase.ENDING: (
        "These are the last sessions of your course. You and your therapist will "
        "talk about how it feels to finish, what has changed and what you want to "
        "keep working on. Your therapist will give you a goodbye letter."
    ),
    Phase.COMPLETED: (
        "Your course of therapy has ended. Your goodbye letter, if you had one, "
        "stays here for you to read."
    ),
}


def first_ending_session(course):
    return course.planned_sessions - ENDING_SESSIONS + 1


def phase_for(course, number):
    """The phase session `number` is held in: initial up to and including the
    session at which the patient agreed a focus, middle after it, ending for the last
    four planned sessions. A session keeps its phase after the course closes (the
    course itself is then completed: phase_of_sessions). The agreeing session is kept
    on the course, so this needs no query. Pages label a session with label_for."""
    if number >= first_ending_session(course):
        return Phase.ENDING
    agreed = course.focus_agreed_session
    if agreed is not None and number > agreed:
        return Phase.MIDDLE
    return Phase.INITIAL


def label_for(course, session, now=None):
    """The phase a page may show for `session`, or None when it is not known yet: a
    session still to come shows only the ending phase, which is fixed in advance."""
    phase = phase_for(course, session.number)
    if phase == Phase.ENDING or session.start <= (now or timezone.now()):
        return phase
    return None


def label_text(course, session, now=None):
    """label_for in words ("" when not known yet), for tables and captions."""
    phase = label_for(course, session, now)
    return phase.label if phase else ""


def phases_for(course, sessions, numbers, now=None):
    """{session number: known phase or None} for `numbers` (charts), from the
    course's sessions (already fetched). A number with no session yet is labelled
    only if it falls in the ending."""
    by_number = {s.number: s for s in sessions}
    known = {}
    for number in numbers:
        session = by_number.get(number)
        if session is not None:
            known[number] = label_for(course, session, now)
        elif number >= first_ending_session(course):
            known[number] = Phase.ENDING
        else:
            known[number] = None
    return known


def session_now(sessions, now=None):
    """The number of the current or most recent session among `sessions` (already
    fetched): the last that has begun and was not cancelled; None before the first."""
    now = now or timezone.now()
    started = [s for s in sessions if s.is_live and s.start <= now]
    return max(started, key=lambda s: s.start).number if started else None


def phase_now(course, number):
    """An open course's phase when its session now (session_now) is `number`: initial
    before its first session has begun (None)."""
    return Phase.INITIAL if number is None else phase_for(course, number)


def phase_of_sessions(course, sessions, now=None):
    """The course's phase now, from its sessions (already fetched)."""
    if course.is_closed:
        return Phase.COMPLETED
    return phase_now(course, session_now(sessions, now))


def needs_focus_prompt(initial_session):
    return initial_session is not None and initial_session >= FOCUS_PROMPT_FROM
