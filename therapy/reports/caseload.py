"""Caseloads: current courses per therapist and phase, and open risk flags per
therapist (counts only: the report names no patient). Two queries in all."""

from collections import Counter, namedtuple
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.utils import timezone

from questionnaires.models import RiskFlag
from therapy.models import Course, Session
from therapy.phases import Phase, phase_now

PHASES = (Phase.INITIAL, Phase.MIDDLE, Phase.ENDING)
# The two fields of a course that phases.phase_for reads.
Plan = namedtuple("Plan", "planned_sessions focus_agreed_session")


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
    # highest number among them: one aggregate, not a subquery per course. Only the
    # values the phase rule reads come back, as tuples, and courses alike in all of
    # them are counted together: the rule runs once per kind of course, not once
    # per course (no model instances: they were most of this report's time).
    courses = Counter(
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
        .values_list(
            "therapist_id",
            "therapist__full_name",
            "status",
            "planned_sessions",
            "focus_agreed_session",
            "session_now",
        )
    )
    rows = {}
    for (therapist, name, status, planned, agreed, number), n in courses.items():
        row = rows.setdefault(therapist, Row(name))
        if status == Course.Status.OFFERED:
            row.offered += n
        else:
            # The phase now, by the same rule as the course page.
            row.phases[phase_now(Plan(planned, agreed), number)] += n
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
