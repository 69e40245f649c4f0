"""Waiting times against the national standards, per month of first attended
session (one query), and the current waiting list by weeks waited, a page at a
time (two queries: the whole list's counts, and the page)."""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.utils import timezone

from . import figures, referrals


@dataclass
class Month:
    label: str
    to_first: list = field(default_factory=list)  # days, referral to first session
    first_to_second: list = field(default_factory=list)

    @property
    def started(self):
        return len(self.to_first)

    @property
    def median_weeks(self):
        return _weeks(figures.median(self.to_first))

    @property
    def within_6(self):
        return figures.share_within(self.to_first, figures.SIX_WEEKS)

    @property
    def within_18(self):
        return figures.share_within(self.to_first, figures.EIGHTEEN_WEEKS)

    @property
    def second_median_weeks(self):
        return _weeks(figures.median(self.first_to_second))

    @property
    def second_within_6(self):
        return figures.share_within(self.first_to_second, figures.SIX_WEEKS)

    @property
    def second_within_18(self):
        return figures.share_within(self.first_to_second, figures.EIGHTEEN_WEEKS)


def _weeks(days):
    """Days as weeks to one decimal place (a median can fall between two days)."""
    return None if days is None else round(days / 7, 1)


@dataclass
class Waiting:
    months: list
    total: Month


def waiting_times(first_day, last_day):
    months = {m: Month(f"{m:%B %Y}") for m in figures.months(first_day, last_day)}
    total = Month("All")
    for wait in referrals.waits(last_day):
        if not first_day <= wait.first_day <= last_day:
            continue
        for group in (months[figures.first_of_month(wait.first_day)], total):
            group.to_first.append(wait.to_first)
            if wait.first_to_second is not None:
                group.first_to_second.append(wait.first_to_second)
    return Waiting(months=list(months.values()), total=total)


@dataclass(frozen=True)
class Waiter:
    referral: object
    weeks: int
    past_6: bool
    past_18: bool


def _cutoff(today, weeks):
    """Referred before this day: waiting more than `weeks` weeks by `today` (a wait
    of exactly `weeks` weeks is within the standard)."""
    return today - datetime.timedelta(weeks=weeks)


def _waiter(referral, today):
    return Waiter(
        referral=referral,
        weeks=(today - referral.referred_on).days // 7,
        past_6=referral.referred_on < _cutoff(today, figures.SIX_WEEKS),
        past_18=referral.referred_on < _cutoff(today, figures.EIGHTEEN_WEEKS),
    )


def waiting_list(today=None):
    """Each patient still waiting, longest first, with whether they are past 6 and
    18 weeks."""
    today = today or timezone.localdate()
    return [_waiter(referral, today) for referral in referrals.waiting_list()]


PAGE_SIZE = 50


@dataclass
class WaitingNow:
    total: int
    past_6: int
    past_18: int
    page: object  # a Paginator page of Waiters, longest wait first


def waiting_now(page_number, today=None):
    """The waiting list a page at a time (each name shown is audited, so only a
    page's worth are loaded), with the counts for the whole list from one aggregate."""
    today = today or timezone.localdate()
    waiting = referrals.waiting_list()
    counts = waiting.aggregate(
        total=Count("pk"),
        past_6=Count("pk", filter=Q(referred_on__lt=_cutoff(today, figures.SIX_WEEKS))),
        past_18=Count(
            "pk", filter=Q(referred_on__lt=_cutoff(today, figures.EIGHTEEN_WEEKS))
        ),
    )
    paginator = Paginator(waiting, PAGE_SIZE)
    paginator.count = counts["total"]  # counted above: no second COUNT query
    page = paginator.get_page(page_number)
    page.object_list = [_waiter(referral, today) for referral in page.object_list]
    return WaitingNow(page=page, **counts)
