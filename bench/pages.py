"""Benchmark: the key pages' server CPU per request against a bare Django page, under
gunicorn, at full size (40 therapists, 1,000 patients, 16,000 sessions); then
planning, start-up, memory and the reminder rate.

    make bench   (or: DATABASE_URL=... REDIS_URL=... .venv/bin/python -u bench/pages.py)

Builds (and afterwards drops) its own PostgreSQL databases next to the one DATABASE_URL
names: `bench_perf` (full size) and `bench_perf_small` (2 therapists, 7 patients
each; BENCH_DATABASE=name for other names), with bulk inserts (bench/data.py, the one builder every benchmark uses). Serves the portal (dit_portal.wsgi) and the
bare project (bench/bare: a 50-row table from one query) under gunicorn, one sync
worker each, DEBUG off, and asks for every page in turn, signed in as the person who
would open it, for `--rounds` rounds. Each batch of requests reads the worker's CPU
time (/proc/<pid>/schedstat, nanoseconds) before and after, so the figure is the
server's own work, whatever else the machine is doing. Query counts come from
Django's test client at both sizes. Prints a table and writes var/bench/pages-*.json.
Not part of `make test`.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dispatch import bench_database_url, drop_database, recreate_database  # noqa: E402
from bench.serving import measure_pages  # noqa: E402

# BENCH_DATABASE names the databases (to keep two runs on one server apart).
PREFIX = os.environ.get("BENCH_DATABASE", "bench_perf")
FULL, SMALL, EMPTY = PREFIX, f"{PREFIX}_small", f"{PREFIX}_empty"
PHQ9_ANSWERS = {f"q{n}": "1" for n in range(1, 10)} | {"difficulty": "somewhat"}
# A common first name: 51 of the 1,001 patients (the page shows the first 50),
# and one in the small data set, so both sizes list someone.
SEARCH = {"q": "amelia"}
ROLES = ("patient", "therapist", "admin", "lead")


def pages(p):
    """(label, persona, path, form data for a POST or None) for the personas `p`."""
    course, assignment, monday = p["course"], p["assignment"], p["monday"]
    tuesday = p["tuesday"]
    return [
        ("Information (signed in)", "patient", "/information/", None),
        ("My therapy", "patient", "/my-therapy/", None),
        ("PHQ-9 form", "patient", f"/my-therapy/questionnaires/{assignment}/page/1/",
         None),
        ("PHQ-9 submit (save)", "patient",
         f"/my-therapy/questionnaires/{assignment}/page/1/",
         PHQ9_ANSWERS | {"action": "save"}),
        ("Caseload", "therapist", "/caseload/", None),
        ("Diary (week)", "therapist", "/diary/", None),
        ("Course timeline", "therapist", f"/courses/{course}/timeline/", None),
        ("Measures", "therapist", f"/courses/{course}/measures/", None),
        ("Clinic week (admin)", "admin", f"/schedule/?week={monday}", None),
        ("Clinic's Tuesday (admin)", "admin", f"/schedule/?week={monday}&day={tuesday}",
         None),
        ("One therapist's week", "admin",
         f"/schedule/?week={monday}&therapist={p['therapist']}", None),
        ("Report: waiting times", "admin", "/reports/waiting/", None),
        ("Report: attendance", "admin", "/reports/attendance/", None),
        ("Report: outcomes (lead)", "lead", "/reports/outcomes/", None),
        ("Report: caseloads", "admin", "/reports/caseload/", None),
        ("Staff list (admin)", "admin", "/clinic/staff/", None),
        ("Patient search (POST)", "admin", "/patients/search/", SEARCH),
        ("Who looked at my record", "patient", "/patients/my-record-access/", None),
        ("Audit trail (admin)", "admin", "/clinic/audit/", None),
    ]  # fmt: skip


# Databases and data ----------------------------------------------------------------


def use_database(name):
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def build_databases(admin_url):
    """Migrate once into an empty template, copy it twice and fill both copies."""
    from django.core.management import call_command
    from django.db import connection

    from bench import data

    for name in (FULL, SMALL, EMPTY):
        drop_database(admin_url, name)
    recreate_database(admin_url, EMPTY)
    use_database(EMPTY)
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    migrated = time.monotonic() - started
    connection.close()
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        for name in (FULL, SMALL):
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{EMPTY}"')
    use_database(SMALL)
    # Seven patients each: the seventh course has finished (for the outcome report).
    small = data.build(therapists=2, patients=14, rooms=1, personas=True).personas
    use_database(FULL)
    started = time.monotonic()
    made = data.build(therapists=40, patients=1000, personas=True)
    built = time.monotonic() - started
    full = made.personas
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"Migrated in {migrated:.1f} s; built {len(made.patients) + 1} patients "
          f"and {made.sessions} sessions in {built:.1f} s.")  # fmt: skip
    return small, full


def session_cookies(personas):
    """A signed-in session per persona, made directly in the session store: what
    a sign-in with password and (for staff) TOTP leaves behind."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from dit_portal.accounts.models import User

    cookies = {}
    for role in ROLES:
        user = User.objects.get(pk=personas[role])
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies[role] = f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
    return cookies


# Query counts (test client, in this process) ----------------------------------------


def query_counts(personas):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts, clients = {}, {}
    for role in ROLES:
        clients[role] = Client()
        clients[role].force_login(get_user_model().objects.get(pk=personas[role]))
    for label, role, path, form in pages(personas):
        client = clients[role]
        ask = (lambda c=client, u=path, f=form: c.post(u, f)) if form else (
            lambda c=client, u=path: c.get(u))  # fmt: skip
        ask()  # the first visit may save the session or make assignments
        with CaptureQueriesContext(connection) as captured:
            response = ask()
        assert response.status_code in (200, 302), (label, response.status_code)
        counts[label] = len(captured)
    return counts


# Planning, start-up -----------------------------------------------------------------


def planning_ms(personas, runs=30):
    """Preview a 16-session course for a new patient with the busiest therapist, in
    a room, starting next week: the admin's Plan course page's own work."""
    import datetime

    from django.utils import timezone

    from dit_portal.accounts.models import User
    from patients.models import Patient
    from therapy.models import Room
    from therapy.scheduling import availability

    therapist = User.objects.get(pk=personas["therapist"])
    patient = Patient.objects.exclude(therapist=therapist).first()
    room = Room.objects.order_by("pk").first()
    start_date = timezone.localdate() + datetime.timedelta(days=7)
    times, cpu = [], []
    for _ in range(runs + 3):
        began, began_cpu = time.perf_counter(), time.process_time()
        planned, conflicts = availability.preview_course(
            patient=patient, therapist=therapist, weekday=0,
            start_time=datetime.time(9, 0), start_date=start_date, room=room,
        )  # fmt: skip
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    assert len(planned) == 16 and conflicts, "the preview should meet clashes"
    # Wall time includes PostgreSQL's; CPU time is this process's alone.
    return {
        "wall_ms": round(statistics.median(times[3:]), 2),
        "cpu_ms": round(statistics.median(cpu[3:]), 2),
    }


def startup(env, runs=3, cwd=ROOT):
    """Wall time of `manage.py check` against `django-admin check` of the bare
    project; the median of `runs` each."""

    def timed(command, extra):
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            subprocess.run(command, cwd=cwd, env=env | extra, check=True,  # noqa: S603
                           stdout=subprocess.DEVNULL)  # fmt: skip
            times.append(time.perf_counter() - began)
        return round(statistics.median(times), 2)

    portal = timed([sys.executable, "manage.py", "check"], {})
    bare = timed([sys.executable, "-m", "django", "check"],
                 {"DJANGO_SETTINGS_MODULE": "bench.bare.settings"})  # fmt: skip
    return {"portal_s": portal, "bare_s": bare, "ratio": round(portal / bare, 2)}


def reminders(count, admin_url):
    """bench/dispatch.py, as its own process (it builds its own database next to
    the one `admin_url` names)."""
    from bench import dispatch

    result = dispatch.run(
        count, database=f"{PREFIX}_dispatch", env={"DATABASE_URL": admin_url}
    )
    out = ROOT / "var" / "bench" / "dispatch.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result))
    return result


def checkout(revision):
    """A folder with the portal at `revision` (git archive: no worktree, no index)."""
    if Path(revision).is_dir():
        return Path(revision)
    folder = ROOT / "var" / "bench" / f"before-{revision}"
    if not folder.exists():
        folder.mkdir(parents=True)
        archive = subprocess.run(  # noqa: S603
            ["git", "archive", revision],  # noqa: S607
            cwd=ROOT,
            check=True,
            capture_output=True,  # noqa: S607
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)  # noqa: S603, S607
        # The built assets are git-ignored: share this checkout's.
        (folder / "static" / "build").symlink_to(ROOT / "static" / "build")
    return folder


# Report -----------------------------------------------------------------------------


def report(table, counts, extra):
    before = any("before" in row for row in table.values())
    head = (
        f"{'page':<28} {'CPU ms':>7} {'x bare':>7} {'p50 ms':>7} {'req/s':>6} {'KB':>6}"
    )
    head += f" {'queries small/full':>19}"
    if before:
        head += f" {'before: CPU ms':>15} {'x bare':>7} {'KB':>6}"
    print("\n" + head)
    for label, sides in table.items():
        row = sides.get("now") or sides["bare"]
        small, full = counts["small"].get(label, 1), counts["full"].get(label, 1)
        line = (f"{label:<28} {row['cpu_ms']:7.2f} {row['ratio']:7.2f} "
                f"{row['p50_ms']:7.1f} {row['requests_per_s']:6.1f} {row['kb']:6.1f} "
                f"{f'{small} / {full}':>19}")  # fmt: skip
        if "before" in sides:
            old = sides["before"]
            line += f" {old['cpu_ms']:15.2f} {old['ratio']:7.2f} {old['kb']:6.1f}"
        print(line)
    for key, value in extra.items():
        print(f"{key}: {value}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--reminders",
        type=int,
        default=5000,
        help="reminders for bench/dispatch.py (0: skip it)",
    )
    parser.add_argument("--label", default="", help="a name for the JSON file")
    parser.add_argument(
        "--after",
        help="serve this git revision as today's portal instead of this folder "
        "(to measure one commit against its parent)",
    )
    parser.add_argument(
        "--before",
        help="a git revision (or a folder holding a checkout) to serve beside this "
        "one and report as 'before', in the same rounds",
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    args = parser.parse_args()  # fmt: skip

    admin_url = os.environ.get("DATABASE_URL")
    if not admin_url or not admin_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (and REDIS_URL to Redis).")
    os.environ["DATABASE_URL"] = bench_database_url(admin_url, FULL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dit_portal.settings")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.conf import settings

    # Not setup_test_environment(): it instruments every template render.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    started = time.monotonic()
    try:
        small, full = build_databases(admin_url)
        counts = {"small": {}, "full": {}}
        use_database(SMALL)
        counts["small"] = query_counts(small)
        use_database(FULL)
        counts["full"] = query_counts(full)
        extra = {"planning_preview_ms": planning_ms(full)}
        cookies = session_cookies(full)
        from django.db import connections

        connections.close_all()
        env = os.environ.copy()
        print(f"Serving under gunicorn; {args.rounds} rounds.")
        before = checkout(args.before) if args.before else None
        after = checkout(args.after) if args.after else ROOT
        table, memory = measure_pages(
            pages(full), cookies, args.rounds, env, before, after
        )
        extra |= memory
        extra["startup"] = startup(env)
        if before:
            extra["startup_before"] = startup(env, cwd=before)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            for name in (FULL, SMALL, EMPTY):
                drop_database(admin_url, name)
    extra["seconds"] = round(time.monotonic() - started)
    report(table, counts, extra)
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = out / f"pages-{stamp}{'-' + args.label if args.label else ''}.json"

    def write():
        result = {"pages": table, "queries": counts, **extra}
        path.write_text(json.dumps(result, indent=1))

    write()  # the pages' figures are kept if the reminder step fails
    if args.reminders:
        print(f"\nReminders (bench/dispatch.py, {args.reminders}):")
        extra["reminders"] = reminders(args.reminders, admin_url)
        print(f"reminders: {extra['reminders']}")
        write()
    print(f"\nWritten to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
