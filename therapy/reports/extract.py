"""The per-referral extract: one row per referral received in the range, under a
pseudonymous id (never the NHS number or name). Outcome columns come from the
referral's latest closed course, by the outcome report's own rules, and only for
users who may see scores. The end is the course's status, not the free-text reason,
which may name people. Three queries whatever the number of rows."""

import hmac

from django.conf import settings

from dit_portal.core.timefmt import local
from patients.models import Referral
from therapy.models import Course

from . import outcomes, referrals

COLUMNS = [
    "pseudonymous id",
    "referral date",
    "referral source",
    "first attended session",
    "second attended session",
    "sessions attended",
    "discharge date",
    "end",
]
OUTCOME_COLUMNS = [
    "measured sessions",
    "PHQ-9 first",
    "PHQ-9 last",
    "GAD-7 first",
    "GAD-7 last",
    "case at start",
    "recovered",
    "reliable improvement",
    "reliable recovery",
    "reliable deterioration",
]


def pseudonym(patient_pk):
    """The same for each of a patient's referrals; not derivable without the secret
    key, and shown nowhere else in the portal."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"report-patient:{patient_pk}".encode(), "sha256"
    )
    return "P-" + digest.hexdigest()[:12]


def _day(moment):
    return local(moment).date().isoformat() if moment else ""


def _iso(day):
    return day.isoformat() if day else ""


def _flag(value):
    return "" if value is None else ("yes" if value else "no")


def _score(value):
    return "" if value is None else value


def header(with_outcomes):
    return COLUMNS + (OUTCOME_COLUMNS if with_outcomes else [])


def rows(first_day, last_day, *, with_outcomes):
    found = referrals.dated(
        Referral.objects.filter(
            referred_on__gte=first_day, referred_on__lte=last_day
        ).order_by("referred_on", "pk")
    )
    ended = {}
    if with_outcomes:
        closed = Course.objects.filter(
            referral__in=[item.referral.pk for item in found],
            status__in=Course.CLOSED_STATUSES,
        ).order_by("ended_at")
        for row in outcomes.course_outcomes(closed).values():
            ended[row.referral_id] = row  # the latest closed course wins
    statuses = dict(Course.Status.choices)
    for item in found:
        referral = item.referral
        line = [
            pseudonym(referral.patient_id),
            referral.referred_on.isoformat(),
            referral.get_source_display(),
            _iso(item.first_seen),
            _iso(item.second_seen),
            item.attended,
            _day(item.discharged_at),
            statuses.get(item.end_status, ""),
        ]
        if with_outcomes:
            line += _outcome_cells(ended.get(referral.pk))
        yield line


def _outcome_cells(row):
    if row is None:
        return [""] * len(OUTCOME_COLUMNS)
    o = row.outcome
    return [
        row.measured,
        _score(o.phq9_first),
        _score(o.phq9_last),
        _score(o.gad7_first),
        _score(o.gad7_last),
        _flag(o.case_at_start),
        _flag(o.recovered),
        _flag(o.reliable_improvement),
        _flag(o.reliable_recovery),
        _flag(o.reliable_deterioration),
    ]
