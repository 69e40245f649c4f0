"""Pure arithmetic the reports share: medians, shares within a standard, small-number
suppression, months and quarters. No queries here (tests/test_report_figures.py)."""

import datetime
import statistics

# NHS Talking Therapies waiting-time standards: 75 % start within 6 weeks of referral,
# 95 % within 18 weeks.
SIX_WEEKS = 6
EIGHTEEN_WEEKS = 18
STANDARDS = {SIX_WEEKS: 75, EIGHTEEN_WEEKS: 95}
# National ambitions for outcomes: reference lines on the charts, never a judgement.
RECOVERY_AMBITION = 50
RELIABLE_IMPROVEMENT_AMBITION = 67
# Outcome counts from 1 to 4 are not shown, so no patient can be picked out.
SUPPRESS_BELOW = 5
FEWER_THAN_5 = "fewer than 5"


def median(values):
    """The median of the values (the mean of the middle two for an even count);
    None when there are none."""
    values = [value for value in values if value is not None]
    if not values:
        return None
    return statistics.median(values)


def share_within(days, weeks):
    """Whole-number percentage of waits (in days) of at most `weeks` weeks; None
    when there are no waits. Half-percents round up, as the national returns do."""
    days = [value for value in days if value is not None]
    if not days:
        return None
    within = sum(1 for value in days if value <= weeks * 7)
    return percent(within, len(days))


def percent(part, whole):
    """part / whole as a whole-number percentage, halves rounded up; None of 0."""
    if not whole:
        return None
    return (200 * part + whole) // (2 * whole)


def suppressed(count):
    """A count as shown in an outcome report: 1 to 4 become "fewer than 5"."""
    if count is not None and 0 < count < SUPPRESS_BELOW:
        return FEWER_THAN_5
    return count


def suppressed_rate(part, whole):
    """A rate with small-number suppression: shown only when both the part and the
    whole are 0 or at least 5 (a rate of 3 of 40 would show that 3 recovered)."""
    if suppressed(part) == FEWER_THAN_5 or suppressed(whole) == FEWER_THAN_5:
        return FEWER_THAN_5
    return percent(part, whole)


def weeks(days):
    return None if days is None else days // 7


def first_of_month(day):
    return day.replace(day=1)


def months(first, last):
    """The first day of every month from `first`'s month to `last`'s, so a month
    with no data is still a row."""
    month = first_of_month(first)
    result = []
    while month <= last:
        result.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return result


def quarter_of(day):
    """The first day of the day's calendar quarter."""
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarters(first, last):
    quarter = quarter_of(first)
    result = []
    while quarter <= last:
        result.append(quarter)
        month = quarter.month + 3
        quarter = datetime.date(quarter.year + (month > 12), (month - 1) % 12 + 1, 1)
    return result


def quarter_label(quarter):
    """ "Jan to Mar 2027": the months, since financial and calendar quarters differ."""
    end = datetime.date(quarter.year, quarter.month + 2, 1)
    return f"{quarter:%b} to {end:%b %Y}"
