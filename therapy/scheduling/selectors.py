"""What the patients' and therapists' scheduling pages show, read from the database.

Each page gets one plain dataclass (its rows are dataclasses too), so views and
templates never hang extra attributes on model instances. The admin's week view is
in week.py."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Max, Min, Q
from django.utils import timezone

from dit_portal.core.timefmt import at_wall_time, local
from patients.models import Patient
from questionnaires import services as questionnaires
from therapy import phases
from therapy.ending import focus
from therapy.ending.discharge import ended_with_course
from therapy.models import ClinicalNote, Course, FocusAgreement, GoodbyeLetter, Session
from therapy.notes.services import why_no_note

from . import rules

DAY = datetime.timedelta(days=1)

# What the patient reads about each session's status.
PATIENT_STATUS = {
    Session.Status.BOOKED: "Booked",
    Session.Status.ATTENDED: "Attended",
    Session.Status.LATE_SEEN: "Attended (arrived late)",
    Session.Status.LATE_NOT_SEEN: "Arrived too late to be seen",
    Session.Status.CANCELLED_BY_PATIENT: "Cancelled by you",
    Session.Status.CANCELLED_BY_CLINIC: "Cancelled by the clinic",
    Session.Status.DID_NOT_ATTEND: "Missed",
}
# Sessions discharge cancelled were never needed, not cancelled on the patient.
NOT_NEEDED = "Not needed: therapy ended"

# The columns the session rows use. The pages' joins (room, patient, course, the
# replaced session) read one or two columns each: loading whole rows cost more SQL to
# compile and more objects to build than the rest of the query.
SESSION_FIELDS = (
    "public_id", "course_id", "number", "therapist_id", "patient_id", "start",
    "end", "room_id", "video_link", "status", "replaces_id", "change_reason",
)  # fmt: skip
DIARY_RELATED = (
    "room__name", "patient__public_id", "patient__user__full_name",
    "course__public_id",
)  # fmt: skip
REPLACEMENTS = ("room__name", "replaces__number", "replaced_by__number")


@dataclass(frozen=True)
class SessionRow:
    """One session as a page lists it. Fields a page does not use keep defaults."""

    session: Session
    phase_label: str = ""
    # Patients' pages: the status in their words, and what they may do online.
    patient_status: str = ""
    may_change: bool = False
    inside_notice: bool = False
    # Therapists' pages: the clinical note (if the user may see it).
    note: ClinicalNote | None = None
    may_write_note: bool = False
    replacement: Session | None = None


# My therapy ---------------------------------------------------------------------------


@dataclass
class MyTherapy:
    patient: Patient
    course: Course | None
    is_referred: bool
    is_in_therapy: bool
    # The course has closed: no more changes online; say where to find help again.
    is_ended: bool = False
    sessions: list[SessionRow] = field(default_factory=list)
    next_session: SessionRow | None = None
    # The questionnaires waiting for the patient.
    waiting: list = field(default_factory=list)
    phase: phases.Phase | None = None
    shared_focus: FocusAgreement | None = None
    focus_agreed: bool = False
    letter: GoodbyeLetter | None = None


def patient_of(user):
    """The signed-in patient's record (None if they have none)."""
    return Patient.objects.visible_to(user).select_related("therapist").first()


def courses_of(user):
    return Course.objects.visible_to(user).select_related("therapist", "room")


def open_offers(course, now=None):
    return course.offers.filter(used_at__isnull=True, start__gt=now or timezone.now())


def my_therapy(user, patient, course, clinic, now=None):
    """The patient's page for `course` (their current one, else their latest)."""
    now = now or timezone.now()
    page = MyTherapy(
        patient=patient,
        course=course,
        is_referred=patient.status == Patient.Status.REFERRED,
        is_in_therapy=patient.status == Patient.Status.IN_THERAPY,
        is_ended=course is not None and course.is_closed,
    )
    if course is None:
        return page
    sessions = list(
        course.sessions.select_related("room", "replaces")
        .only(*SESSION_FIELDS, "room__name", "replaces__number")
        .order_by("number")
    )
    page.sessions = [_patient_row(s, course, clinic, now) for s in sessions]
    upcoming = [r for r in page.sessions if r.session.is_booked and r.session.end > now]
    page.next_session = min(upcoming, key=lambda r: r.session.start, default=None)
    page.waiting = questionnaires.waiting_for(course, sessions, clinic, now)
    if not course.is_offered:
        page.phase = phases.phase_of_sessions(course, sessions, now)
    page.shared_focus = (
        FocusAgreement.objects.visible_to(user)
        .filter(course=course)
        .order_by("-version")
        .first()
    )
    page.focus_agreed = bool(
        page.shared_focus and page.shared_focus.status == FocusAgreement.Status.AGREED
    )
    page.letter = (
        GoodbyeLetter.objects.visible_to(user, now).filter(course=course).first()
    )
    return page


def _patient_row(session, course, clinic, now):
    may_change = rules.patient_may_change(session, clinic)
    return SessionRow(
        session=session,
        phase_label=phases.label_text(course, session, now),
        patient_status=(
            NOT_NEEDED if ended_with_course(session) else PATIENT_STATUS[session.status]
        ),
        may_change=may_change,
        inside_notice=session.is_booked and session.start > now and not may_change,
    )


# Therapists: caseload, diary, course timeline -------------------------------------------


@dataclass(frozen=True)
class CaseloadRow:
    patient: Patient
    next_session: datetime.datetime | None
    # The session number to name when the caseload prompts for a focus, else None.
    focus_prompt_session: int | None


def caseload(therapist, now=None):
    """The therapist's patients by name (the same name: by record, so the order
    never changes between visits), each with their next session and whether to
    prompt for a focus. One query."""
    now = now or timezone.now()
    patients = with_focus_prompt(
        Patient.objects.visible_to(therapist)
        .select_related("user")
        .annotate(
            next_session=Min(
                "sessions__start",
                filter=Q(
                    sessions__status=Session.Status.BOOKED,
                    sessions__start__gte=now,
                    sessions__therapist=therapist,
                ),
            )
        ),
        therapist,
        now,
    ).order_by("user__full_name", "pk")  # the model's ordering is dropped by GROUP BY
    return [
        CaseloadRow(
            patient=patient,
            next_session=patient.next_session,
            focus_prompt_session=(
                patient.initial_session
                if phases.needs_focus_prompt(patient.initial_session)
                else None
            ),
        )
        for patient in patients
    ]


def with_focus_prompt(patients, therapist, now=None):
    """Annotate each patient with `initial_session`: the number of the latest session
    begun on their active course with `therapist` while no focus is agreed (None
    otherwise), which says whether the caseload prompts for a focus. One aggregate."""
    return patients.annotate(
        initial_session=Max(
            "sessions__number",
            filter=Q(
                sessions__therapist=therapist,
                sessions__course__status=Course.Status.ACTIVE,
                sessions__course__focus_agreed_session__isnull=True,
                sessions__status__in=Session.LIVE_STATUSES,
                sessions__start__lte=now or timezone.now(),
            ),
        )
    )


def _with_notes(user, sessions, now, **extra):
    """A row per session with its clinical note (or None) and whether one may be
    written, in one query, through the notes' own visibility rule (nothing for clinic
    admins). `extra` maps a field name to a function of the session."""
    notes_by_session = {
        note.session_id: note
        for note in ClinicalNote.objects.visible_to(user)
        .filter(session__in=[s.pk for s in sessions])
        .only("public_id", "status", "session_id")
    }
    return [
        SessionRow(
            session=session,
            note=notes_by_session.get(session.pk),
            may_write_note=user.is_therapist and why_no_note(session, now) is None,
            **{name: value(session) for name, value in extra.items()},
        )
        for session in sessions
    ]


@dataclass
class Diary:
    today: datetime.date
    today_sessions: list[SessionRow]
    monday: datetime.date
    # (day, its sessions): every weekday, and a weekend day that has sessions.
    days: list[tuple[datetime.date, list[SessionRow]]]
    previous_week: datetime.date
    next_week: datetime.date
    is_this_week: bool


def diary(therapist, monday, today, now=None):
    """The therapist's sessions today and in the week from `monday`."""
    now = now or timezone.now()
    midnight = datetime.time(0, 0)
    week_start, week_end = (
        at_wall_time(monday, midnight),
        at_wall_time(monday + 7 * DAY, midnight),
    )
    today_start, today_end = (
        at_wall_time(today, midnight),
        at_wall_time(today + DAY, midnight),
    )
    sessions = list(
        Session.objects.for_therapist(therapist)
        .filter(
            Q(start__lt=week_end, end__gt=week_start)
            | Q(start__lt=today_end, end__gt=today_start)
        )
        .select_related("room", "patient__user", "course")
        .only(*SESSION_FIELDS, *DIARY_RELATED)
        .order_by("start")
    )
    rows = _with_notes(therapist, sessions, now)

    def on(day):
        return [r for r in rows if local(r.session.start).date() == day]

    days = [(monday + n * DAY, on(monday + n * DAY)) for n in range(7)]
    return Diary(
        today=today,
        today_sessions=on(today),
        monday=monday,
        days=[(day, listed) for n, (day, listed) in enumerate(days) if listed or n < 5],
        previous_week=monday - 7 * DAY,
        next_week=monday + 7 * DAY,
        is_this_week=monday <= today < monday + 7 * DAY,
    )


@dataclass
class Timeline:
    course: Course
    sessions: list[SessionRow]
    phase_label: str | None
    session_now: int | None
    is_their_therapist: bool
    latest_focus: FocusAgreement | None
    letter: GoodbyeLetter | None
    is_closed: bool


def course_timeline(user, course, now=None):
    """A course's sessions with phases, replacements and notes. The course's own
    therapist also sees where the focus and the goodbye letter are."""
    now = now or timezone.now()
    sessions = list(
        course.sessions.select_related("room", "replaces", "replaced_by")
        .only(*SESSION_FIELDS, *REPLACEMENTS)
        .order_by("number")
    )
    phase = phases.phase_of_sessions(course, sessions)
    is_their_therapist = user == course.therapist
    latest_focus = letter = None
    if is_their_therapist:
        latest_focus = focus.latest_focus(course)
        letter = (
            GoodbyeLetter.objects.filter(course=course)
            .select_related("shared_session")
            .first()
        )
    return Timeline(
        course=course,
        sessions=_with_notes(
            user,
            sessions,
            now,
            phase_label=lambda s: phases.label_text(course, s, now),
            replacement=_replacement,
        ),
        phase_label=phase.label if phase else None,
        session_now=phases.session_now(sessions),
        is_their_therapist=is_their_therapist,
        latest_focus=latest_focus,
        letter=letter,
        is_closed=course.is_closed,
    )


def _replacement(session):
    try:
        return session.replaced_by
    except Session.DoesNotExist:
        return None
