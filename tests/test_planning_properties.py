"""Course planning, for any start: the course length, one London wall time across the
clock changes, strictly weekly, never on a bank holiday, closure or leave.

plan_weeks is pure (closures are passed in), so these need no database. Bank holidays
are checked against the `holidays` package directly, not through the portal's own
closure_reason."""

import datetime
from zoneinfo import ZoneInfo

import holidays
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from dit_portal.core.errors import BookingError
from therapy.models import Closure
from therapy.scheduling.planning import plan_weeks

LONDON = ZoneInfo("Europe/London")
WEEK = datetime.timedelta(weeks=1)
HOUR = datetime.timedelta(hours=1)
ENGLAND = holidays.country_holidays("GB", subdiv="ENG", years=range(2024, 2042))


def last_sunday(year, month):
    day = datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)
    return day - datetime.timedelta(days=(day.weekday() - 6) % 7)


# Starts spread over years, and starts in the weeks around the clock changes (the
# last Sundays of March and October), where a course crosses one.
any_start = st.dates(datetime.date(2025, 1, 1), datetime.date(2040, 12, 31))
near_a_clock_change = st.builds(
    lambda year, month, offset: (
        last_sunday(year, month) + datetime.timedelta(days=offset)
    ),
    st.integers(2025, 2040),
    st.sampled_from([3, 10]),
    st.integers(-120, 14),
)
starts = st.one_of(any_start, near_a_clock_change)
wall_times = st.builds(datetime.time, st.integers(0, 23), st.sampled_from([0, 5, 30]))


@st.composite
def closures_near(draw, start):
    """Clinic closures and the therapist's leave in the months after `start`; now and
    then one so long that the course cannot be planned."""
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        long = draw(st.integers(0, 9)) == 0
        lengths = st.integers(60, 400) if long else st.integers(0, 21)
        first = start + datetime.timedelta(days=draw(st.integers(-7, 250)))
        rows.append(
            Closure(  # unsaved: plan_weeks only reads the fields
                start_date=first,
                end_date=first + datetime.timedelta(days=draw(lengths)),
                therapist_id=draw(st.sampled_from([None, 7])),
                reason=draw(st.sampled_from(["Training", "Annual leave"])),
            )
        )
    return rows


@st.composite
def requests(draw):
    start = draw(starts)
    return {
        "start_date": start,
        "weekday": draw(st.integers(0, 6)),
        "start_time": draw(wall_times),
        "sessions": draw(st.integers(1, 24)),
        "minutes": draw(st.sampled_from([30, 45, 50, 60, 90])),
        "closures": draw(closures_near(start)),
    }


def is_closed(day, closures):
    return day in ENGLAND or any(c.start_date <= day <= c.end_date for c in closures)


def wall_time_on(day, at):
    """The London wall time a session booked for `at` on `day` shows. Every time
    exists on every day but one: on the last Sunday of March, 01:00-01:59 is skipped
    and is read after the change (01:30 is 02:30 BST), as calendars read it."""
    naive = datetime.datetime.combine(day, at)
    real = naive.replace(tzinfo=LONDON).astimezone(datetime.UTC).astimezone(LONDON)
    if real.replace(tzinfo=None) == naive:
        return at
    assert day == last_sunday(day.year, 3) and at.hour == 1
    return (naive + datetime.timedelta(hours=1)).time()


def local_day(planned):
    return planned.start.astimezone(LONDON).date()


def first_day(request):
    start, weekday = request["start_date"], request["weekday"]
    return start + datetime.timedelta(days=(weekday - start.weekday()) % 7)


@settings(max_examples=400, deadline=None)
@given(requests())
@example(  # a Sunday course at 01:30 over the spring change, when 01:30 does not exist
    {
        "start_date": datetime.date(2027, 3, 14),
        "weekday": 6,
        "start_time": datetime.time(1, 30),
        "sessions": 4,
        "minutes": 50,
        "closures": [],
    }
)
def test_a_plan_is_weekly_at_one_wall_time_and_never_on_a_closed_day(request):
    try:
        planned = plan_weeks(**request)
    except BookingError:
        # Refused only when the clinic really is closed too often: fewer open weeks
        # than sessions before the planning horizon (twice the course, two months).
        horizon = request["sessions"] * 2 + 9
        weeks = [first_day(request) + n * WEEK for n in range(horizon)]
        open_weeks = [d for d in weeks if not is_closed(d, request["closures"])]
        assert len(open_weeks) < request["sessions"]
        event("refused: closed too often")
        return

    assert [p.number for p in planned] == list(range(1, request["sessions"] + 1))
    days = [p.start.astimezone(LONDON).date() for p in planned]
    assert days[0] >= request["start_date"]
    assert all(day.weekday() == request["weekday"] for day in days)
    for earlier, later in zip(days, days[1:], strict=False):
        gap = (later - earlier).days
        assert gap >= 7 and gap % 7 == 0
        # A week is skipped only because it is closed.
        skipped = [earlier + n * WEEK for n in range(1, gap // 7)]
        assert all(is_closed(day, request["closures"]) for day in skipped)
    # The first session is the first open week on or after the start.
    before = first_day(request)
    while before < days[0]:
        assert is_closed(before, request["closures"])
        before += WEEK
    assert not any(is_closed(day, request["closures"]) for day in days)
    if days[-1] - days[0] > WEEK * (len(days) - 1):
        event("planned around a closed week")
    for session in planned:
        local = session.start.astimezone(LONDON)
        assert local.time() == wall_time_on(local.date(), request["start_time"])
        assert session.end - session.start == datetime.timedelta(
            minutes=request["minutes"]
        )


@settings(max_examples=200, deadline=None)
@given(near_a_clock_change, st.integers(0, 6), wall_times, st.integers(8, 16))
def test_across_a_clock_change_the_utc_time_moves_and_the_wall_time_does_not(
    start, weekday, at, sessions
):
    planned = plan_weeks(
        start_date=start,
        weekday=weekday,
        start_time=at,
        sessions=sessions,
        minutes=50,
        closures=[],
    )
    local = [p.start.astimezone(LONDON) for p in planned]
    assert {t.time() for t in local} == {wall_time_on(t.date(), at) for t in local}
    # Sessions after the change are an hour apart in UTC from those before it.
    ordinary = [p for p in planned if wall_time_on(local_day(p), at) == at]
    utc_times = {p.start.astimezone(datetime.UTC).time() for p in ordinary}
    offsets = {p.start.astimezone(LONDON).utcoffset() for p in ordinary}
    assert len(utc_times) == len(offsets)
    if len(utc_times) == 2:
        earlier, later = sorted(
            datetime.datetime.combine(datetime.date(2000, 1, 1), t) for t in utc_times
        )
        assert later - earlier in (HOUR, 23 * HOUR)  # 00:30 GMT vs 23:30 BST


def test_a_sunday_at_01_30_across_the_spring_change_is_at_02_30_that_day():
    planned = plan_weeks(
        start_date=datetime.date(2027, 3, 21),
        weekday=6,
        start_time=datetime.time(1, 30),
        sessions=3,
        minutes=50,
        closures=[],
    )
    assert [p.start.astimezone(LONDON).isoformat() for p in planned] == [
        "2027-03-21T01:30:00+00:00",
        "2027-03-28T02:30:00+01:00",  # the clocks went forward at 01:00
        "2027-04-04T01:30:00+01:00",
    ]
