"""What the clinic admin's week view shows: the clinic's week (or one therapist's or
one room's), the links to the weeks around it, and how many patients are waiting."""

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Q
from django.http import QueryDict
from django.urls import reverse

from dit_portal.accounts.models import User
from dit_portal.core.timefmt import day_bounds, local, monday_of
from patients.models import Patient
from therapy.models import Course, Room, Session

DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(weeks=1)


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


@dataclass
class Week:
    monday: datetime.date
    sunday: datetime.date
    days: list[Day]
    session_count: int
    therapists: list[User]
    rooms: list[Room]
    # The filter chosen (None for the whole clinic).
    therapist: User | None
    room: Room | None
    previous_monday: datetime.date
    next_monday: datetime.date
    # Links that keep the filter.
    previous_week: str
    next_week: str
    this_week: str
    # {"total": waiting for a course, "unassigned": of them, with no therapist}
    waiting: dict


def week(monday, *, therapist_id=None, room_id=None, today):
    """The week from `monday`, filtered to one therapist or room when their id is
    one of the clinic's (an unknown id shows the whole clinic)."""
    therapists = {u.pk: u for u in User.objects.therapists().only("pk", "full_name")}
    rooms = {r.pk: r for r in Room.objects.only("pk", "name")}
    therapist, room = therapists.get(therapist_id), rooms.get(room_id)
    sessions = Session.objects.between(*day_bounds(monday, monday + 6 * DAY))
    sessions = sessions.with_people()
    if therapist:
        sessions = sessions.filter(therapist_id=therapist.pk)
    if room:
        sessions = sessions.filter(room_id=room.pk)
    by_day = {monday + DAY * n: [] for n in range(7)}
    for session in sessions.order_by("start", "therapist__full_name"):
        by_day[local(session.start).date()].append(session)

    def link(day):
        return week_link(day, therapist, room)

    return Week(
        monday=monday,
        sunday=monday + DAY * 6,
        days=[Day(day, listed) for day, listed in by_day.items()],
        session_count=sum(len(listed) for listed in by_day.values()),
        therapists=list(therapists.values()),
        rooms=list(rooms.values()),
        therapist=therapist,
        room=room,
        previous_monday=monday - WEEK,
        next_monday=monday + WEEK,
        previous_week=link(monday - WEEK),
        next_week=link(monday + WEEK),
        this_week=link(monday_of(today)),
        waiting=waiting_patients().aggregate(
            total=Count("pk"), unassigned=Count("pk", filter=Q(therapist=None))
        ),
    )


def week_link(monday, therapist=None, room=None):
    """The week view's address for the week of `monday`, keeping the filter."""
    query = QueryDict(mutable=True)
    query["week"] = monday.isoformat()
    if therapist:
        query["therapist"] = therapist.pk
    if room:
        query["room"] = room.pk
    return f"{reverse('schedule')}?{query.urlencode()}"
