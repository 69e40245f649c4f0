"""Time in the portal: stored in UTC, planned and shown in UK wall time.

Every conversion between an instant and a London date or time goes through here, so
a weekly 10:00 session stays at 10:00 across the clock changes and no page or message
shows UTC by mistake."""

import datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC


def local(moment):
    """The instant in UK local time (GMT or BST)."""
    return moment.astimezone(LONDON)


def at_wall_time(day, time):
    """The UTC instant of `time` on `day` in London. A time the spring clock change
    skips (01:30 on the last Sunday of March) is read after it, as 02:30 BST: the
    offset before the gap, as calendars read such a time (RFC 5545, 3.3.5). A time
    the autumn change repeats is the first of the two, in BST."""
    return datetime.datetime.combine(day, time, tzinfo=LONDON).astimezone(UTC)


def day_bounds(first_day, last_day=None):
    """The instants from London midnight at the start of `first_day` to London
    midnight after `last_day` (default: the same day)."""
    last_day = last_day or first_day
    midnight = datetime.time(0, 0)
    return (
        at_wall_time(first_day, midnight),
        at_wall_time(last_day + datetime.timedelta(days=1), midnight),
    )


def monday_of(day):
    return day - datetime.timedelta(days=day.weekday())


def first_on_or_after(day, weekday):
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def when(moment):
    """'Monday 7 June 2027, 10:00' in London time (pages)."""
    at = local(moment)
    return f"{at:%A} {at.day} {at:%B %Y}, {at:%H:%M}"


def uk_time(moment):
    """'Monday 6 April 2026 at 10am (BST)': UK wall time with GMT or BST named
    (messages, which may be read anywhere)."""
    at = local(moment)
    hour = at.hour % 12 or 12
    minutes = f":{at.minute:02d}" if at.minute else ""
    ampm = "am" if at.hour < 12 else "pm"
    return f"{at:%A} {at.day} {at:%B %Y} at {hour}{minutes}{ampm} ({at.tzname()})"


def short_day(moment):
    """'Monday 6 April' in London time."""
    at = local(moment)
    return f"{at:%A} {at.day} {at:%B}"
