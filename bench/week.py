"""Benchmark: the clinic admin's week view at clinic scale (40 therapists, 750
sessions in one week), as a ratio to a bare Django page measured in the same run.

    make bench-week   (or: DATABASE_URL=... REDIS_URL=... ALLOW_DEVELOPMENT_KEY=1 \
                           .venv/bin/python -u bench/week.py)

Creates (and afterwards drops) its own PostgreSQL database, `bench_week_dit_portal`,
next to the one DATABASE_URL names; its cache is REDIS_URL (`make bench-week` uses
database 6, which no test run flushes). Requests go through Django's test client, so
the times are the server's: every middleware, the session, the sign-in and MFA checks,
the queries and the template, but no network. The bare page is a view that answers
"ok" behind the same middleware, for the same signed-in admin; the ratio is what the
week view costs on top of any page, on whatever machine runs it. Then `--users`
threads ask for the clinic's week at once, as ten admins might. Not part of
`make test`.
"""

import argparse
import datetime
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dispatch import bench_database_url, drop_database, recreate_database  # noqa: E402

NAME = "bench_week_dit_portal"


def bare(request):
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")


def urls():
    """The portal's own addresses, plus the bare page (this module is ROOT_URLCONF)."""
    from django.urls import include, path

    return [path("bench/bare", bare), path("", include("dit_portal.urls"))]


def __getattr__(name):  # ROOT_URLCONF reads `urlpatterns` after django.setup()
    if name == "urlpatterns":
        return urls()
    raise AttributeError(name)


def timed(client, url, runs):
    """Each run's time in seconds, after one untimed warm-up; and the last page."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
    return times, response.content


def queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def together(admin, url, users, runs):
    """`users` clients asking for `url` `runs` times each, all at once."""
    from django.db import connections
    from django.test import Client

    times, lock = [], threading.Lock()
    start = threading.Barrier(users)

    def one_user():
        client = Client()
        client.force_login(admin)
        client.get(url)
        start.wait()
        for _ in range(runs):
            began = time.perf_counter()
            client.get(url)
            with lock:
                times.append(time.perf_counter() - began)
        connections.close_all()

    threads = [threading.Thread(target=one_user) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def ms(seconds):
    return f"{seconds * 1000:7.1f} ms"


def report(label, times, page, count, bare_median):
    median = statistics.median(times)
    print(
        f"{label:<34} median {ms(median)}  p90 {ms(statistics.quantiles(times, n=10)[-1])}"
        f"  {median / bare_median:5.1f}x bare  {len(page) / 1024:6.1f} KB  {count} queries"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--users", type=int, default=10)
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

    from tests.factories import ClinicAdminFactory, busy_clinic_week, next_weekday

    # Not setup_test_environment(): it wraps every template render to record its
    # context, which would slow the week view down more than a bare page.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.ROOT_URLCONF = "bench.week"
    try:
        call_command("migrate", verbosity=0)
        monday = next_weekday(0, weeks_ahead=2)
        staff = busy_clinic_week(monday)
        admin = ClinicAdminFactory(full_name="Bench Admin")
        therapist = min(staff, key=lambda t: t.full_name)
        week = f"/schedule/?week={monday.isoformat()}"
        busiest = (monday + datetime.timedelta(days=1)).isoformat()
        pages = [
            ("Whole clinic's week (counts)", week),
            ("One therapist's week (19)", f"{week}&therapist={therapist.pk}"),
            ("Whole clinic's Tuesday (160)", f"{week}&day={busiest}"),
        ]
        client = Client()
        client.force_login(admin)
        print(
            f"40 therapists, 750 sessions in the week of {monday:%d %B %Y} "
            f"(PostgreSQL {NAME}); {args.runs} requests each, one at a time.\n"
        )
        bare_times, bare_page = timed(client, "/bench/bare", args.runs)
        bare_median = statistics.median(bare_times)
        report("Bare page (same middleware)", bare_times, bare_page,
               queries(client, "/bench/bare"), bare_median)  # fmt: skip
        for label, url in pages:
            times, page = timed(client, url, args.runs)
            report(label, times, page, queries(client, url), bare_median)
        if args.users > 1:
            print(f"\n{args.users} admins at once, {args.runs} requests each:")
            for label, url in [("Bare page", "/bench/bare"), pages[0]]:
                times = together(admin, url, args.users, args.runs)
                median = statistics.median(times)
                print(f"{label:<34} median {ms(median)}  p90 "
                      f"{ms(statistics.quantiles(times, n=10)[-1])}")  # fmt: skip
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(admin_url, NAME)


if __name__ == "__main__":
    main()
