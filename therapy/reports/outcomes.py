"""Outcomes of courses that ended in the range with at least two measured sessions
(sessions with a PHQ-9 or GAD-7 score), per quarter and per therapist.

Each course's outcome is `therapy.ending.outcomes.summarise` on its attended sessions
and first and last totals (`questionnaires.services.first_and_last`): the same rules
as the course's own outcome page, never written again here. Two queries in all.
Counts and rates of 1 to 4 patients are shown as "fewer than 5"."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from dit_portal.core.timefmt import day_bounds, local
from questionnaires.definitions import GAD7, PHQ9
from questionnaires.services import first_and_last, scores_of_courses
from therapy.ending.outcomes import summarise
from therapy.models import Course, Session

from . import figures

MEASURED_SESSIONS = 2


@dataclass
class Group:
    label: str
    outcomes: list = field(default_factory=list)

    def _count(self, name):
        values = [getattr(outcome, name) for outcome in self.outcomes]
        return sum(1 for v in values if v), sum(1 for v in values if v is not None)

    @property
    def courses(self):
        return figures.suppressed(len(self.outcomes))

    @property
    def at_caseness(self):
        return figures.suppressed(self._count("case_at_start")[0])

    def rate(self, name):
        return figures.suppressed_rate(*self._count(name))

    @property
    def recovery(self):
        return self.rate("recovered")

    @property
    def reliable_improvement(self):
        return self.rate("reliable_improvement")

    @property
    def reliable_recovery(self):
        return self.rate("reliable_recovery")

    @property
    def reliable_deterioration(self):
        return self.rate("reliable_deterioration")


@dataclass
class Outcomes:
    quarters: list
    therapists: list
    total: Group


@dataclass(frozen=True)
class CourseOutcome:
    course_id: int
    referral_id: int | None
    therapist: str
    ended: object  # London date
    measured: int
    outcome: object  # therapy.ending.outcomes.Outcome


def measured_sessions(scores):
    return len({number for points in scores.values() for number, _ in points})


def course_outcomes(courses):
    """CourseOutcome for each closed course in `courses`, measured or not."""
    rows = list(
        courses.annotate(
            attended=Count(
                "sessions", filter=Q(sessions__status__in=Session.SEEN_STATUSES)
            )
        ).values("pk", "referral_id", "therapist__full_name", "ended_at", "attended")
    )
    scores = scores_of_courses([row["pk"] for row in rows])
    result = {}
    for row in rows:
        measures = scores.get(row["pk"], {PHQ9: [], GAD7: []})
        result[row["pk"]] = CourseOutcome(
            course_id=row["pk"],
            referral_id=row["referral_id"],
            therapist=row["therapist__full_name"],
            ended=local(row["ended_at"]).date() if row["ended_at"] else None,
            measured=measured_sessions(measures),
            outcome=summarise(
                row["attended"],
                phq9=first_and_last(measures[PHQ9]),
                gad7=first_and_last(measures[GAD7]),
            ),
        )
    return result


def outcomes(first_day, last_day):
    start, end = day_bounds(first_day, last_day)
    ended = Course.objects.filter(
        status__in=Course.CLOSED_STATUSES, ended_at__gte=start, ended_at__lt=end
    )
    quarters = {
        q: Group(figures.quarter_label(q))
        for q in figures.quarters(first_day, last_day)
    }
    therapists = {}
    total = Group("All")
    for row in course_outcomes(ended).values():
        if row.measured < MEASURED_SESSIONS:
            continue
        quarters[figures.quarter_of(row.ended)].outcomes.append(row.outcome)
        therapists.setdefault(row.therapist, Group(row.therapist)).outcomes.append(
            row.outcome
        )
        total.outcomes.append(row.outcome)
    return Outcomes(
        quarters=list(quarters.values()),
        therapists=[therapists[name] for name in sorted(therapists)],
        total=total,
    )
