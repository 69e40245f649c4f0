"""Attendance per month and per therapist, and courses ended early, from two grouped
queries whatever the number of sessions.

Counted: every session due in the range except those discharge cancelled because
the course had ended (never needed, not a clinic cancellation). DNA is "did not
attend" plus "arrived late, not seen" (NHS attendance codes 3 and 7); the DNA rate is
DNAs out of attended plus DNAs."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from dit_portal.core.timefmt import LONDON, day_bounds
from therapy.ending.discharge import ENDED_REASONS
from therapy.models import Course, Session

from . import figures

S = Session.Status
DNA_STATUSES = (S.DID_NOT_ATTEND, S.LATE_NOT_SEEN)
COLUMNS = {
    "booked": Q(),
    "attended": Q(status__in=Session.SEEN_STATUSES),
    "dna": Q(status__in=DNA_STATUSES),
    "cancelled_by_patient": Q(status=S.CANCELLED_BY_PATIENT),
    "cancelled_by_clinic": Q(status=S.CANCELLED_BY_CLINIC),
    "not_recorded": Q(status=S.BOOKED),
}


@dataclass
class Row:
    label: str
    booked: int = 0
    attended: int = 0
    dna: int = 0
    cancelled_by_patient: int = 0
    cancelled_by_clinic: int = 0
    not_recorded: int = 0
    ended_early: int = 0

    @property
    def dna_rate(self):
        return figures.percent(self.dna, self.attended + self.dna)

    def add(self, values):
        for name in (*COLUMNS, "ended_early"):
            setattr(self, name, getattr(self, name) + values.get(name, 0))


@dataclass
class Attendance:
    months: list
    therapists: list
    total: Row


def never_needed():
    return Q(status=S.CANCELLED_BY_CLINIC, change_reason__in=ENDED_REASONS.values())


def attendance(first_day, last_day):
    start, end = day_bounds(first_day, last_day)
    sessions = (
        Session.objects.filter(start__gte=start, start__lt=end)
        .exclude(never_needed())
        .annotate(month=TruncMonth("start", tzinfo=LONDON))
        .values("month", "therapist_id", "therapist__full_name")
        .annotate(**{name: Count("pk", filter=q) for name, q in COLUMNS.items()})
    )
    ended = (
        Course.objects.filter(
            status=Course.Status.DROPPED_OUT, ended_at__gte=start, ended_at__lt=end
        )
        .annotate(month=TruncMonth("ended_at", tzinfo=LONDON))
        .values("month", "therapist_id", "therapist__full_name")
        .annotate(ended_early=Count("pk"))
    )
    months = {m: Row(f"{m:%B %Y}") for m in figures.months(first_day, last_day)}
    therapists = {}
    total = Row("All")
    for group in (*sessions, *ended):
        months[group["month"].date()].add(group)
        key = (group["therapist__full_name"], group["therapist_id"])
        therapists.setdefault(key, Row(group["therapist__full_name"])).add(group)
        total.add(group)
    return Attendance(
        months=list(months.values()),
        therapists=[therapists[key] for key in sorted(therapists)],
        total=total,
    )
