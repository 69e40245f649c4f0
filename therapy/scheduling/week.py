"""What the clinic admin's week view shows. The whole clinic is a count per therapist
and day (one query, however many sessions); the sessions themselves are listed only
for one therapist, one room or one day, so the page stays small at clinic scale.
Also the links to the weeks around it, and how many patients are waiting."""

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate

from dit_portal.accounts.models import User
from dit_portal.core.template_tags import fast_reverse
from dit_portal.core.timefmt import LONDON, day_bounds, local, monday_of
from patients.models import Patient
from therapy.models import Course, Room, Session

DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(weeks=1)
WEEKDAYS = 5  # Monday to Friday always; Saturday and Sunday only when they have any


def waiting_patients():
    """Referred patients with no current course, longest wait first."""
    return (
        Patient.objects.waiting()
        .exclude(Exists(Course.objects.current().filter(patient=OuterRef("pk"))))
        .order_by("referral_date", "created_at")
    )


class Day(NamedTuple):
    day: datetime.date
    sessions: list[Session]


class Cell(NamedTuple):
    day: datetime.date
    count: int
    link: str  # the therapist's week, at that day (or the clinic's day)


@dataclass
class TherapistRow:
    therapist: User
    link: str
    cells: list[Cell]
    total: int


@dataclass
class Summary:
    """The whole clinic's week: sessions per therapist and day."""

    days: list[datetime.date]
    rows: list[TherapistRow]
    totals: list[Cell]


@dataclass
class Week:
    monday: datetime.date
    sunday: datetime.date
    session_count: int
    therapists: list[User]
    rooms: list[Room]
    # The filter chosen (None for the whole clinic, or the whole week).
    therapist: User | None
    room: Room | None
    day: datetime.date | None
    week_days: list[datetime.date]
    previous_monday: datetime.date
    next_monday: datetime.date
    # Links that keep the therapist or room.
    previous_week: str
    next_week: str
    this_week: str
    clinic_week: str
    # {"total": waiting for a course, "unassigned": of them, with no therapist}
    waiting: dict
    # Either the summary (whole clinic, whole week) or the list of sessions.
    summary: Summary | None = None
    days: list[Day] = field(default_factory=list)


def week(monday, *, therapist_id=None, room_id=None, day=None, today):
    """The week from `monday`: the whole clinic as counts, or the sessions of one
    therapist, one room or one day. An unknown therapist or room id, or a day outside
    the week, is ignored."""
    therapists = {u.pk: u for u in User.objects.therapists().only("pk", "full_name")}
    rooms = {r.pk: r for r in Room.objects.only("pk", "name")}
    therapist, room = therapists.get(therapist_id), rooms.get(room_id)
    week_days = [monday + DAY * n for n in range(7)]
    day = day if day in week_days else None

    def link(other_monday):
        return week_link(other_monday, therapist, room)

    page = Week(
        monday=monday,
        sunday=week_days[-1],
        session_count=0,
        therapists=list(therapists.values()),
        rooms=list(rooms.values()),
        therapist=therapist,
        room=room,
        day=day,
        week_days=week_days,
        previous_monday=monday - WEEK,
        next_monday=monday + WEEK,
        previous_week=link(monday - WEEK),
        next_week=link(monday + WEEK),
        this_week=link(monday_of(today)),
        clinic_week=week_link(monday),
        waiting=waiting_patients().aggregate(
            total=Count("pk"), unassigned=Count("pk", filter=Q(therapist=None))
        ),
    )
    if therapist or room or day:
        page.days = _listed(week_days, therapist, room, day)
        page.session_count = sum(len(listed) for _, listed in page.days)
    else:
        page.summary = _summary(monday, week_days, page.therapists)
        page.session_count = sum(cell.count for cell in page.summary.totals)
    return page


def _listed(week_days, therapist, room, day):
    """The sessions of the filter, day by day (only `day` when one is chosen)."""
    first, last = (day, day) if day else (week_days[0], week_days[-1])
    # The columns the list shows (with_people's joins load whole rows otherwise).
    sessions = (
        Session.objects.between(*day_bounds(first, last))
        .select_related("room", "therapist", "patient__user")
        .only(
            "public_id", "number", "start", "end", "status", "video_link",
            "therapist_id", "room__name", "therapist__full_name",
            "patient__public_id", "patient__user__full_name",
        )
    )  # fmt: skip
    if therapist:
        sessions = sessions.filter(therapist_id=therapist.pk)
    if room:
        sessions = sessions.filter(room_id=room.pk)
    by_day = {d: [] for d in week_days if first <= d <= last}
    for session in sessions.order_by("start", "therapist__full_name"):
        by_day[local(session.start).date()].append(session)
    return [Day(d, listed) for d, listed in by_day.items()]


def _summary(monday, week_days, therapists):
    """Sessions (of every status, as the lists show them) per therapist and UK day,
    counted by the database. Every active therapist has a row, with 0s for a free
    week; a former therapist's sessions count in the day totals only."""
    counts = (
        Session.objects.between(*day_bounds(week_days[0], week_days[-1]))
        .annotate(day=TruncDate("start", tzinfo=LONDON))
        .values_list("therapist_id", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per = {(therapist_id, d): n for therapist_id, d, n in counts}
    weekend = [d for d in week_days[WEEKDAYS:] if any(k[1] == d for k in per)]
    days = week_days[:WEEKDAYS] + weekend
    rows = []
    for therapist in therapists:
        mine = week_link(monday, therapist)
        cells = [
            Cell(d, per.get((therapist.pk, d), 0), f"{mine}#day-{d.isoformat()}")
            for d in days
        ]
        rows.append(TherapistRow(therapist, mine, cells, sum(c.count for c in cells)))
    totals = [
        Cell(d, sum(n for (_, on), n in per.items() if on == d), day_link(d))
        for d in days
    ]
    return Summary(days=days, rows=rows, totals=totals)


def week_link(monday, therapist=None, room=None):
    """The week view's address for the week of `monday`, keeping the filter. (Built
    as text: a date and integer ids need no quoting, and the summary makes one per
    therapist and day.)"""
    query = f"week={monday.isoformat()}"
    if therapist:
        query += f"&therapist={int(therapist.pk)}"
    if room:
        query += f"&room={int(room.pk)}"
    return f"{fast_reverse('schedule')}?{query}"


def day_link(day):
    """The whole clinic's sessions on `day`."""
    return f"{fast_reverse('schedule')}?week={monday_of(day).isoformat()}&day={day}"
