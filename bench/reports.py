"""Benchmark: every service report page and download at full size (40 therapists,
1,000 patients, 16,000 sessions and their scores), server time per request.

    make bench-reports   (or: DATABASE_URL=... REDIS_URL=... ALLOW_DEVELOPMENT_KEY=1 \
                              .venv/bin/python -u bench/reports.py)

Goal: every page under 300 ms (median) on the development machine. Creates (and
afterwards drops) its own PostgreSQL database, `bench_reports_dit_portal`, next to
the one DATABASE_URL names; the data comes from bench/data.py's `build`, in bulk (the same
data set as `make bench`'s).
Requests go through Django's test client: every middleware, the sign-in and MFA
checks, the queries, the template and the audit event, but no network. Not part of
`make test`."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dispatch import bench_database_url, drop_database, recreate_database  # noqa: E402

NAME = os.environ.get("BENCH_DATABASE", "bench") + "_reports_dit_portal"
GOAL_MS = 300
PAGES = [
    ("Reports index", "reports"),
    ("Waiting times (12 months + list)", "report_waiting"),
    ("Waiting times CSV", "report_waiting_csv"),
    ("Attendance (12 months)", "report_attendance"),
    ("Attendance CSV", "report_attendance_csv"),
    ("Outcomes (12 months)", "report_outcomes"),
    ("Outcomes CSV", "report_outcomes_csv"),
    ("Caseloads", "report_caseload"),
    ("Caseloads CSV", "report_caseload_csv"),
    ("Per-referral extract CSV", "report_extract_csv"),
]


def measure(client, url, runs):
    from django.db import connection

    response = client.get(url)  # warm-up, untimed
    assert response.status_code == 200, (url, response.status_code)
    queries = []

    def counted(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        client.get(url)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - began)
    return times, len(queries), len(response.content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    admin_url = os.environ.get("DATABASE_URL")
    if not admin_url or not admin_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (and REDIS_URL to Redis).")
    recreate_database(admin_url, NAME)
    os.environ["DATABASE_URL"] = bench_database_url(admin_url, NAME)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dit_portal.settings")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from bench.data import build
    from dit_portal.accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    try:
        call_command("migrate", verbosity=0)
        began = time.perf_counter()
        # Eighteen months of courses: most have finished, as in a year's reports.
        built = build(
            therapists=40, patients=1000, sessions_each=16, history=78, personas=True
        )
        took = time.perf_counter() - began
        # Fresh planner statistics, as a live database has (autovacuum would get
        # there soon): without them PostgreSQL plans for the empty tables it saw.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"Built {len(built.therapists)} therapists, {len(built.patients)} patients, "
            f"{built.courses} courses, {built.sessions} sessions, {built.responses} "
            f"scores in {took:.1f} s (PostgreSQL {NAME}).\n"
            f"{args.runs} requests each, one at a time; goal: under {GOAL_MS} ms.\n"
        )
        client = Client()
        # A clinic admin who is clinical lead: every report, outcomes too.
        client.force_login(User.objects.get(pk=built.personas["lead"]))
        slow = []
        for label, name in PAGES:
            times, queries, size = measure(client, reverse(name), args.runs)
            median = statistics.median(times) * 1000
            p90 = statistics.quantiles(times, n=10)[-1] * 1000
            verdict = "ok" if median < GOAL_MS else "OVER GOAL"
            if median >= GOAL_MS:
                slow.append(label)
            print(
                f"{label:<34} median {median:7.1f} ms  p90 {p90:7.1f} ms  "
                f"{queries:2} queries  {size / 1024:7.1f} KB  {verdict}"
            )
        print("\nAll under the goal." if not slow else f"\nOver the goal: {slow}")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(admin_url, NAME)


if __name__ == "__main__":
    main()
