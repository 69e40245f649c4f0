"""Referrals with their derived dates: first and second attended session (from the
referral's courses' sessions) and discharge (the course's end). Nothing here is
stored twice, so the reports cannot disagree with the timeline.

`dated` (the extract) is three queries for any number of referrals: the referrals,
their seen sessions' start times in order, and their closed courses; merged here.
`waits` (the waiting times report) is one query: each referral's first two attended
dates, one row a referral. (Correlated subqueries per referral took seconds at 1,000 patients:
bench/reports.py.)"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, Window
from django.db.models.functions import Lead, RowNumber, TruncDate

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
        .only(  # what the list shows: a narrow select is cheaper to compile and read
            "referred_on",
            "patient__public_id",
            "patient__user__full_name",
            "patient__therapist__full_name",
        )
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
    whose first session could fall in a report's range. The database orders each
    referral's attended sessions as the extract does (start, then pk) and hands back
    one row a referral, its first and second London dates, not every session it had.
    Window functions run on PostgreSQL and SQLite alike."""
    in_order = {
        "partition_by": F("course__referral_id"),
        "order_by": (F("start").asc(), F("pk").asc()),
    }
    firsts = (
        Session.objects.filter(
            status__in=Session.SEEN_STATUSES,
            course__referral__referred_on__lte=last_day,
        )
        .annotate(
            nth=Window(RowNumber(), **in_order),
            second=Window(Lead(TruncDate("start", tzinfo=LONDON)), **in_order),
        )
        .filter(nth=1)
        .values_list(
            "course__referral__referred_on",
            TruncDate("start", tzinfo=LONDON),
            "second",
        )
    )
    return [
        Wait(
            first_day=first,
            to_first=(first - referred_on).days,
            first_to_second=(second - first).days if second else None,
        )
        for referred_on, first, second in firsts
    ]
