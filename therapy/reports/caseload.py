"""Caseloads: current courses per therapist and phase, and open risk flags per
therapist (counts only: the report names no patient). Two queries in all."""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.utils import timezone

from questionnaires.models import RiskFlag
from therapy.models import Course, Session
from therapy.phases import Phase, phase_for

PHASES = (Phase.INITIAL, Phase.MIDDLE, Phase.ENDING)


@dataclass
class Row:
    therapist: str
    offered: int = 0
    phases: dict = field(default_factory=lambda: dict.fromkeys(PHASES, 0))
    open_flags: int = 0

    @property
    def active(self):
        return sum(self.phases.values())

    @property
    def by_phase(self):
        return [(phase.label, self.phases[phase]) for phase in PHASES]


def caseloads(now=None):
    now = now or timezone.now()
    # The session now is the last live one that has begun (phases.session_now); live
    # sessions keep their order (scheduling.rules.check_in_order), so it is the
    # highest number among them: one aggregate, not a subquery per course.
    courses = (
        Course.objects.current()
        .annotate(
            session_now=Max(
                "sessions__number",
                filter=Q(
                    sessions__status__in=Session.LIVE_STATUSES,
                    sessions__start__lte=now,
                ),
            )
        )
        .select_related("therapist")
        .only(
            "status",
            "planned_sessions",
            "focus_agreed_session",
            "therapist__full_name",
        )
    )
    rows = {}
    for course in courses:
        row = rows.setdefault(course.therapist_id, Row(course.therapist.full_name))
        if course.is_offered:
            row.offered += 1
        else:
            # The phase now, by the same rule as the course page (phases.phase_for).
            number = course.session_now
            row.phases[
                Phase.INITIAL if number is None else phase_for(course, number)
            ] += 1
    flags = (
        RiskFlag.objects.open()
        .values("course__therapist_id", "course__therapist__full_name")
        .annotate(n=Count("pk"))
    )
    for flag in flags:
        row = rows.setdefault(
            flag["course__therapist_id"], Row(flag["course__therapist__full_name"])
        )
        row.open_flags = flag["n"]
    return sorted(rows.values(), key=lambda row: row.therapist)
