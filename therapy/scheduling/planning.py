"""Planning a course and judging a time, without the database.

Everything here takes the rows it needs as arguments and answers from them, so the
rules can be tested exhaustively (tests/test_planning_properties.py): a course is
always the course length, weekly, at the same London wall time, never on a bank
holiday, clinic closure or the therapist's leave."""

import datetime
import enum
from dataclasses import dataclass
from functools import lru_cache

from dit_portal.core.errors import BookingError
from dit_portal.core.timefmt import at_wall_time, first_on_or_after, local

SLOT_STEP = datetime.timedelta(minutes=60)


@dataclass(frozen=True)
class PlannedSession:
    number: int
    start: datetime.datetime
    end: datetime.datetime

    @property
    def local_start(self):
        return local(self.start)


class Clash(enum.Enum):
    """Why a time cannot be booked. TAKEN_BY_OTHERS are clashes with another booking
    (someone got there first); the others are rules of the clinic or the clock."""

    PASSED = "this time has already passed"
    CLOSED = "closed"  # worded by the closure itself: bank holiday, leave, closure
    OUTSIDE_HOURS = "outside the therapist's working hours"
    THERAPIST_BUSY = "the therapist has another session then"
    PATIENT_BUSY = "the patient has another session then"
    ROOM_BUSY = "the room is booked then"


@dataclass(frozen=True)
class CourseOrder:
    """The live sessions either side of one session of a course (None at an end).

    The course stays in order: a session may move only to a time after the session
    before it ends and before the session after it starts. Cancelled sessions are not
    neighbours, so a session may take the place of one cancelled next to it."""

    before: object = None
    after: object = None

    def allows(self, start, end):
        return (self.before is None or start >= self.before.end) and (
            self.after is None or end <= self.after.start
        )


TAKEN_BY_OTHERS = frozenset({Clash.THERAPIST_BUSY, Clash.PATIENT_BUSY, Clash.ROOM_BUSY})


@dataclass(frozen=True)
class Conflict:
    number: int
    start: datetime.datetime
    clashes: tuple
    closed_because: str = ""

    @property
    def reason(self):
        return "; ".join(
            self.closed_because if clash is Clash.CLOSED else clash.value
            for clash in self.clashes
        )

    @property
    def is_taken(self):
        """Another booking holds the time (as opposed to a rule refusing it)."""
        return bool(TAKEN_BY_OTHERS.intersection(self.clashes))


@dataclass
class Busy:
    """What is already booked around the planned times, by whom: anything with a
    `start` and an `end` (availability._busy gives rows of just those two)."""

    therapist: list
    patient: list
    room: list


# Closures -----------------------------------------------------------------------------


@lru_cache(maxsize=32)
def bank_holidays(year):
    """England's bank holidays for a year, from the `holidays` package (no network)."""
    # Imported here: the package loads every country's calendars (tens of ms and
    # several MB), and only planning pages need England's.
    import holidays

    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def closure_reason(day, closures):
    """Why no sessions happen on `day`, or None. `closures` are Closure rows."""
    holiday = bank_holidays(day.year).get(day)
    if holiday:
        return f"Bank holiday: {holiday}"
    for closure in closures:
        if closure.start_date <= day <= closure.end_date:
            if closure.therapist_id:
                return f"Therapist leave: {closure.reason}"
            return f"Clinic closed: {closure.reason}"
    return None


# Planning ---------------------------------------------------------------------------


def plan_weeks(*, start_date, weekday, start_time, sessions, minutes, closures):
    """Weekly sessions at the same London wall time from the first `weekday` on or
    after `start_date`, skipping closed days; a skipped week pushes the end back a
    week. `closures` must cover the weeks planned (plan_horizon)."""
    first = first_on_or_after(start_date, weekday)
    horizon = plan_horizon(first, sessions)
    planned, day = [], first
    length = datetime.timedelta(minutes=minutes)
    while len(planned) < sessions and day <= horizon:
        if closure_reason(day, closures) is None:
            start = at_wall_time(day, start_time)
            planned.append(PlannedSession(len(planned) + 1, start, start + length))
        day += datetime.timedelta(weeks=1)
    if len(planned) < sessions:
        raise BookingError("The clinic is closed for too many of those weeks to plan.")
    return planned


def plan_horizon(first, sessions):
    """The last day a course of `sessions` starting on `first` may reach."""
    return first + datetime.timedelta(weeks=sessions * 2 + 8)


def within_working_hours(start, end, availability):
    start_local, end_local = local(start), local(end)
    if start_local.date() != end_local.date():
        return False
    return any(
        slot.weekday == start_local.weekday()
        and slot.start_time <= start_local.time()
        and end_local.time() <= slot.end_time
        for slot in availability
    )


def overlapping(sessions, start, end):
    return [s for s in sessions if s.start < end and s.end > start]


def conflicts_in(planned, *, busy, availability, closures, now):
    """Every reason each planned session cannot happen."""
    conflicts = []
    for item in planned:
        clashes, closed = [], closure_reason(local(item.start).date(), closures)
        if item.start <= now:
            clashes.append(Clash.PASSED)
        if closed:
            clashes.append(Clash.CLOSED)
        if not within_working_hours(item.start, item.end, availability):
            clashes.append(Clash.OUTSIDE_HOURS)
        for clash, sessions in (
            (Clash.THERAPIST_BUSY, busy.therapist),
            (Clash.PATIENT_BUSY, busy.patient),
            (Clash.ROOM_BUSY, busy.room),
        ):
            if overlapping(sessions, item.start, item.end):
                clashes.append(clash)
        if clashes:
            conflicts.append(Conflict(item.number, item.start, tuple(clashes), closed))
    return conflicts


def slots_in(*, first_day, last_day, minutes, availability, closures, busy, now):
    """Free starts in the therapist's hours on open days, on the hour from the start
    of each working block, where nothing in `busy` overlaps."""
    length = datetime.timedelta(minutes=minutes)
    slots, day = [], first_day
    while day <= last_day:
        if closure_reason(day, closures) is None:
            for block in availability:
                if block.weekday != day.weekday():
                    continue
                start = at_wall_time(day, block.start_time)
                block_end = at_wall_time(day, block.end_time)
                while start + length <= block_end:
                    if start > now and not overlapping(busy, start, start + length):
                        slots.append(start)
                    start += SLOT_STEP
        day += datetime.timedelta(days=1)
    return sorted(set(slots))
