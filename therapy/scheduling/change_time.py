"""What the patient's Change time page offers: the free times that keep the course in
order, grouped by day, the days nearest the session's own date first and each day's
times nearest its own time first.

Up to a booking window of free hours in one list was too many to read (71 radios at
the default), so the page asks for a day, then a time on that day."""

import datetime
from dataclasses import dataclass, field

from dit_portal.core.timefmt import local

from . import availability, rules


@dataclass(frozen=True)
class DayChoice:
    day: datetime.date
    # Nearest the session's own time of day first.
    times: tuple[datetime.datetime, ...]

    @property
    def label(self):
        count = len(self.times)
        free = "1 free time" if count == 1 else f"{count} free times"
        return f"{self.day:%A} {self.day.day} {self.day:%B %Y} ({free})"


@dataclass
class ChangeTime:
    session: object
    # The order rule in words ('Session 5 must stay between …'), "" if none applies.
    rule: str = ""
    days: list[DayChoice] = field(default_factory=list)

    def on(self, day):
        """The DayChoice for `day`, or None if it has no free time now."""
        return next((choice for choice in self.days if choice.day == day), None)


def by_day(slots, around):
    """`slots` grouped by London day, the days nearest `around`'s date first (the
    earlier of two equally near), each day's times nearest `around`'s time of day."""
    at = local(around)
    own_minutes = at.hour * 60 + at.minute
    days = {}
    for slot in slots:
        days.setdefault(local(slot).date(), []).append(slot)

    def minutes_away(slot):
        wall = local(slot)
        return abs(wall.hour * 60 + wall.minute - own_minutes), slot

    return [
        DayChoice(day, tuple(sorted(days[day], key=minutes_away)))
        for day in sorted(days, key=lambda day: (abs((day - at.date()).days), day))
    ]


def for_session(session, clinic, *, offer=True):
    """The page's choices; with offer=False (the patient may not change the
    session online) only the rule, no times."""
    order = availability.course_order(session)
    page = ChangeTime(session=session, rule=rules.order_rule(session, order))
    if offer:
        slots = availability.reschedule_options(session, clinic, order=order)
        page.days = by_day(slots, session.start)
    return page
