"""Referrals with their derived dates: first and second attended session (from the
referral's courses' sessions) and discharge (the course's end). Nothing here is
stored twice, so the reports cannot disagree with the timeline.

`dated` (the extract) is three queries for any number of referrals: the referrals,
their seen sessions' start times in order, and their closed courses; merged here.
`waits` (the waiting times report) is one query: each referral's first two attended
dates. (Correlated subqueries per referral took seconds at 1,000 patients:
bench/reports.py.)"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber, TruncDate

from dit_portal.core.timefmt import LONDON
from patients.models import Patient, Referral
from therapy.models import Course, Session

WAITING_STATUSES = (Patient.Status.REFERRED, Patient.Status.IN_THERAPY)


@dataclass
class Dated:
    referral: Referral
    seen: list  # London dates of the sessions attended, in order
    discharged_at: datetime.datetime | None = None
    end_status: str = ""

    @property
    def first_seen(self):
        return self.seen[0] if self.seen else None

    @property
    def second_seen(self):
        return self.seen[1] if len(self.seen) > 1 else None

    @property
    def attended(self):
        return len(self.seen)


def dated(referrals):
    """Each referral of the queryset with its derived dates, in the queryset's order."""
    found = {r.pk: Dated(r, []) for r in referrals}
    ids = referrals.values("pk")
    # London dates, not instants: all a wait needs, and far cheaper to read back.
    seen = (
        Session.objects.filter(
            course__referral__in=ids, status__in=Session.SEEN_STATUSES
        )
        .order_by("start", "pk")
        .values_list("course__referral_id", TruncDate("start", tzinfo=LONDON))
    )
    for referral_id, day in seen:
        found[referral_id].seen.append(day)
    closed = (
        Course.objects.filter(referral__in=ids, status__in=Course.CLOSED_STATUSES)
        .order_by("ended_at", "pk")
        .values_list("referral_id", "ended_at", "status")
    )
    for referral_id, ended_at, status in closed:  # the latest closed course wins
        found[referral_id].discharged_at = ended_at
        found[referral_id].end_status = status
    return list(found.values())


def waiting_list():
    """Everyone still waiting for their first attended session: each patient's
    latest referral, the patient referred or in therapy, nothing attended yet."""
    later = Referral.objects.filter(patient=OuterRef("patient")).filter(
        Q(referred_on__gt=OuterRef("referred_on"))
        | Q(referred_on=OuterRef("referred_on"), pk__gt=OuterRef("pk"))
    )
    seen = Session.objects.filter(
        course__referral=OuterRef("pk"), status__in=Session.SEEN_STATUSES
    )
    return (
        Referral.objects.filter(patient__status__in=WAITING_STATUSES)
        .exclude(Exists(later))
        .exclude(Exists(seen))
        .select_related("patient__user", "patient__therapist")
        .order_by("referred_on", "pk")
    )


@dataclass(frozen=True)
class Wait:
    """One referral's waits in days (None while not yet reached)."""

    first_day: datetime.date | None  # the London day of the first attended session
    to_first: int | None
    first_to_second: int | None


def waits(last_day):
    """The Wait of each referral made by `last_day` with an attended session: those
    whose first session could fall in a report's range. The database numbers each
    referral's attended sessions in the extract's order (start, then pk) and hands
    back only the first two, as London dates: two short rows a referral, not every
    session a referral had. Window functions run on PostgreSQL and SQLite alike."""
    firsts = (
        Session.objects.filter(
            status__in=Session.SEEN_STATUSES,
            course__referral__referred_on__lte=last_day,
        )
        .annotate(
            nth=Window(
                RowNumber(),
                partition_by=F("course__referral_id"),
                order_by=(F("start").asc(), F("pk").asc()),
            )
        )
        .filter(nth__lte=2)
        .order_by("course__referral_id", "nth")
        .values_list(
            "course__referral_id",
            "course__referral__referred_on",
            TruncDate("start", tzinfo=LONDON),
        )
    )
    found = {}
    for referral_id, referred_on, day in firsts:
        found.setdefault(referral_id, [referred_on]).append(day)
    return [
        Wait(
            first_day=first,
            to_first=(first - referred_on).days,
            first_to_second=(rest[0] - first).days if rest else None,
        )
        for referred_on, first, *rest in found.values()
    ]
