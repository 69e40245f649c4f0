"""The admin's week view at clinic scale (issue 11, fault 7): with 40 therapists and
750 sessions in a week it used to send 580 KB of HTML. The whole clinic is now counts
per therapist and day; sessions are listed for one therapist, room or day."""

import datetime
import html

import pytest
from django.urls import reverse

from therapy.models import Session

from .factories import busy_clinic_week, next_weekday
from .test_query_counts import BANNER_QUERIES, MAX_QUERIES, count_queries

pytestmark = pytest.mark.django_db

# Every page's queries, and the admin home's banner (are messages going out?).
LIMIT = MAX_QUERIES + BANNER_QUERIES

KB = 1024
WEEK = datetime.timedelta(weeks=1)
# The HTML a clinic admin's browser gets at 40 therapists x 750 sessions (measured
# on 30 November 2026: 60 KB, 27 KB and 120 KB).
CLINIC_WEEK_MAX = 72 * KB  # counts per therapist and day (the list was 580 KB)
THERAPIST_WEEK_MAX = 40 * KB  # one therapist's 19 sessions
CLINIC_DAY_MAX = 140 * KB  # the whole clinic's busiest day, 160 sessions


def measure(client, url):
    queries = count_queries(client, url)
    return queries, client.get(url).content.decode()


def test_week_view_at_clinic_scale_is_small_with_flat_queries(
    client, clinic, clinic_admin
):
    monday = next_weekday(0, weeks_ahead=2)
    week = monday.isoformat()
    tuesday = (monday + datetime.timedelta(days=1)).isoformat()
    schedule = reverse("schedule")
    client.force_login(clinic_admin)
    client.get(schedule)  # the first request of a session also saves the session

    # The same pages in an empty clinic, then in a full one.
    empty = {
        "clinic": measure(client, f"{schedule}?week={week}"),
        "day": measure(client, f"{schedule}?week={week}&day={tuesday}"),
    }
    staff = busy_clinic_week(monday)
    assert Session.objects.count() == 750
    first_therapist = min(staff, key=lambda t: t.full_name)
    therapist_url = f"{schedule}?week={week}&therapist={first_therapist.pk}"
    full = {
        "clinic": measure(client, f"{schedule}?week={week}"),
        "day": measure(client, f"{schedule}?week={week}&day={tuesday}"),
        "therapist": measure(client, therapist_url),
    }

    queries, page = full["clinic"]
    assert "750 sessions this week" in page
    assert len(page.encode()) < CLINIC_WEEK_MAX, f"{len(page.encode())} bytes"
    assert page.count('<th scope="row"') == 40 + 1  # each therapist, and the total
    # Each therapist's name leads to their week, each day's total to that day.
    assert html.escape(therapist_url) in page
    assert f"day={tuesday}" in page
    assert queries == empty["clinic"][0] <= LIMIT

    queries, page = full["day"]
    assert "160 sessions on Tuesday" in page  # the busiest day
    assert page.count(">Move<") == 160
    assert len(page.encode()) < CLINIC_DAY_MAX, f"{len(page.encode())} bytes"
    assert queries == empty["day"][0] <= LIMIT

    queries, page = full["therapist"]
    assert "19 sessions this week" in page
    assert page.count(">Move<") == 19
    assert len(page.encode()) < THERAPIST_WEEK_MAX, f"{len(page.encode())} bytes"
    free_week = therapist_url.replace(week, (monday - WEEK).isoformat())
    assert queries == count_queries(client, free_week) <= LIMIT
