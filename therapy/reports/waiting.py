"""Waiting times against the national standards, per month of first attended
session, and the current waiting list by weeks waited (two queries in all)."""

from dataclasses import dataclass, field

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
    for item in referrals.dated(referrals.seen_by(last_day)):
        wait = referrals.wait_of(item)
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


def waiting_list(today=None):
    """Each patient still waiting, longest first, with whether they are past 6 and
    18 weeks (a wait of exactly 6 weeks is within the standard)."""
    today = today or timezone.localdate()
    result = []
    for referral in referrals.waiting_list():
        days = (today - referral.referred_on).days
        result.append(
            Waiter(
                referral=referral,
                weeks=days // 7,
                past_6=days > figures.SIX_WEEKS * 7,
                past_18=days > figures.EIGHTEEN_WEEKS * 7,
            )
        )
    return result
