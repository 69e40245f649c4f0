"""Referrals with their derived dates, in one query: first and second attended
session (from the referral's courses' sessions) and discharge (the course's end).
Nothing here is stored twice, so the reports cannot disagree with the timeline."""

from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery

from dit_portal.core.timefmt import local
from patients.models import Patient, Referral
from therapy.models import Course, Session

WAITING_STATUSES = (Patient.Status.REFERRED, Patient.Status.IN_THERAPY)


def _seen(nth):
    sessions = Session.objects.filter(
        course__referral=OuterRef("pk"), status__in=Session.SEEN_STATUSES
    ).order_by("start", "pk")
    return Subquery(sessions.values("start")[nth : nth + 1])


def with_dates(referrals=None):
    """Referrals annotated with first_seen, second_seen (instants or None),
    attended (sessions seen), discharged_at and the latest closed course's status
    and end reason."""
    referrals = Referral.objects.all() if referrals is None else referrals
    closed = Course.objects.filter(
        referral=OuterRef("pk"), status__in=Course.CLOSED_STATUSES
    ).order_by("-ended_at", "-pk")
    return referrals.annotate(
        first_seen=_seen(0),
        second_seen=_seen(1),
        attended=Count(
            "courses__sessions",
            filter=Q(courses__sessions__status__in=Session.SEEN_STATUSES),
        ),
        discharged_at=Max(
            "courses__ended_at",
            filter=Q(courses__status__in=Course.CLOSED_STATUSES),
        ),
        end_status=Subquery(closed.values("status")[:1]),
        end_reason=Subquery(closed.values("end_reason")[:1]),
    )


def waiting_list():
    """Everyone still waiting for their first attended session: each patient's
    latest referral, the patient referred or in therapy, nothing attended yet."""
    later = Referral.objects.filter(patient=OuterRef("patient")).filter(
        Q(referred_on__gt=OuterRef("referred_on"))
        | Q(referred_on=OuterRef("referred_on"), pk__gt=OuterRef("pk"))
    )
    return (
        with_dates(
            Referral.objects.filter(patient__status__in=WAITING_STATUSES)
            .exclude(Exists(later))
            .select_related("patient__user", "patient__therapist")
        )
        .filter(first_seen__isnull=True)
        .order_by("referred_on", "pk")
    )


@dataclass(frozen=True)
class Wait:
    """One referral's waits in days (None while not yet reached)."""

    first_month: object  # the London month of the first attended session
    to_first: int | None
    first_to_second: int | None


def wait_of(referral):
    if referral.first_seen is None:
        return Wait(None, None, None)
    first = local(referral.first_seen).date()
    second = local(referral.second_seen).date() if referral.second_seen else None
    return Wait(
        first_month=first.replace(day=1),
        to_first=(first - referral.referred_on).days,
        first_to_second=(second - first).days if second else None,
    )
