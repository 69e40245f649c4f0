"""Benchmark: dispatch 5,000 due reminders through Redis with one Celery worker.

    make bench   (or: DATABASE_URL=... REDIS_URL=... .venv/bin/python -u bench/dispatch.py)

Creates (and afterwards drops) its own PostgreSQL database, `bench_dit_portal` or
--database / BENCH_DATABASE_NAME, next to the one DATABASE_URL names; publishes to a queue of its own on REDIS_URL (use a
Redis database no test run flushes: `make bench` uses database 6); emails go
to files in a temporary directory. Prints the dispatch time, the send rate and the
EXPLAIN of the dispatcher's claim query. Not part of `make test`. A harness calls
`run(count)` (a dict: rate, seconds, sent, ...), or runs this with --json.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bench_database_url(url, name):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(admin_url, name):
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(admin_url, name):
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_reminders(count):
    """One course with `count` future sessions an hour apart, each with a reminder
    that is due now: the worst minute the dispatcher could meet."""
    from django.utils import timezone

    from dit_portal.accounts.models import User
    from messaging.models import Message
    from patients.models import Patient
    from therapy.models import Course, Session

    now = timezone.now()
    therapist = User.objects.create(
        email="bench-therapist@example.test",
        full_name="Bench Therapist",
        role="therapist",
    )
    user = User.objects.create(
        email="bench-patient@example.test", full_name="Bench Patient", role="patient"
    )
    patient = Patient.objects.create(
        user=user, nhs_number="9990000018", date_of_birth=datetime.date(1980, 1, 1)
    )
    course = Course.objects.create(patient=patient, therapist=therapist)
    start = now + datetime.timedelta(hours=3)
    sessions = Session.objects.bulk_create(
        Session(
            course=course,
            number=i + 1,
            therapist=therapist,
            patient=patient,
            start=start + datetime.timedelta(hours=i),
            end=start + datetime.timedelta(hours=i, minutes=50),
        )
        for i in range(count)
    )
    Message.objects.bulk_create(
        Message(
            kind="reminder",
            recipient=user,
            course=course,
            session=session,
            lead_hours=2,
            due_at=now - datetime.timedelta(minutes=1),
        )
        for session in sessions
    )
    return sessions


def cpu_seconds(pid):
    """User + system CPU time of a process and its children still running (the
    worker's pool process does the sending), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            children = Path(f"/proc/{current}/task/{current}/children").read_text()
        except OSError:
            continue
        pids.extend(int(child) for child in children.split())
    return total


def explain_claim():
    from django.db import connection, transaction
    from django.utils import timezone

    from messaging import outbox

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE therapy_message")
    with transaction.atomic(), connection.cursor() as cursor:
        sql, params = outbox.claim_due(timezone.now()).query.sql_with_params()
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def measure(count, concurrency=1, database="bench_dit_portal", keep=False):
    """The benchmark proper, in this process (which it sets up for Django): returns
    what `run` returns. Call it from a fresh process; `run` makes one."""
    admin_url = os.environ.get("DATABASE_URL")
    if not admin_url or not admin_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (and REDIS_URL to Redis).")
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL to a Redis server.")
    recreate_database(admin_url, database)
    os.environ["DATABASE_URL"] = bench_database_url(admin_url, database)
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    os.environ["CELERY_QUEUE"] = queue
    mail_dir = Path(tempfile.mkdtemp(prefix="dit-bench-"))
    os.environ["DIT_VAR_DIR"] = str(mail_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dit_portal.settings")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from messaging import outbox
    from messaging.models import Message

    batch = getattr(settings, "MESSAGE_SEND_BATCH", 1)  # 1: before batches
    worker = None
    try:
        call_command("migrate", verbosity=0)
        make_reminders(count)
        print(f"{count} due reminders in PostgreSQL ({database}).")
        worker = subprocess.Popen(  # noqa: S603 - our own command line
            [
                sys.executable, "-m", "celery", "-A", "dit_portal", "worker",
                "-Q", queue, f"--concurrency={concurrency}",
                "--without-heartbeat", "--without-mingle", "--without-gossip",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
        )  # fmt: skip
        time.sleep(3)  # let the worker connect
        cpu_before = cpu_seconds(worker.pid)
        started = time.monotonic()
        handed = outbox.dispatch()
        dispatched = time.monotonic() - started
        print(f"Dispatch claimed and enqueued {handed} rows in {dispatched:.2f} s.")
        last_dispatch = started
        while Message.objects.outstanding().exists():
            time.sleep(0.05)
            if time.monotonic() - last_dispatch > 60:  # what beat would do
                outbox.dispatch()
                last_dispatch = time.monotonic()
            if time.monotonic() - started > 900:
                sys.exit("Gave up after 15 minutes.")
        elapsed = time.monotonic() - started
        worker_cpu = cpu_seconds(worker.pid) - cpu_before
        sent = Message.objects.filter(status="sent").count()
        print(
            f"Sent {sent} of {count} with one worker "
            f"(concurrency {concurrency}, batches of {batch}) "
            f"in {elapsed:.1f} s: {sent / elapsed:.0f} messages a second; "
            f"worker CPU {1000 * worker_cpu / max(sent, 1):.1f} ms a message "
            f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)."
        )
        emails = sum(
            p.read_text().count("X-Portal-Message:")
            for p in (mail_dir / "mail").glob("*.log")
        )
        print(f"Emails written: {emails} (one per row).")
        # The steady state the claim query meets: many sent rows, a few due.
        Message.objects.filter(pk__in=Message.objects.values("pk")[:25]).update(
            status="pending", enqueued_at=None
        )
        print(f"\nEXPLAIN of the periodic claim query ({count} sent rows, 25 due):")
        print(explain_claim())
        return {
            "count": count,
            "sent": sent,
            "emails": emails,
            "seconds": round(elapsed, 2),
            "rate": round(sent / elapsed, 1),
            "dispatch_seconds": round(dispatched, 2),
            "worker_cpu_ms_per_message": round(1000 * worker_cpu / max(sent, 1), 2),
            "load_average": round(os.getloadavg()[0], 1),
            "concurrency": concurrency,
            "batch": batch,
        }
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
            from dit_portal.celery import app

            with app.connection_for_write() as conn:
                channel = conn.default_channel
                channel.queue_delete(queue)
                channel.client.delete(
                    f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
                )
        from django.db import connections

        connections.close_all()
        if not keep:
            drop_database(admin_url, database)


def run(count=5000, concurrency=1, database=None, env=None):
    """For a harness: the benchmark in a process of its own (it sets up Django for
    the bench database), returning {"rate", "seconds", "sent", "emails", "count",
    "dispatch_seconds", "worker_cpu_ms_per_message", "load_average", "concurrency",
    "batch"}. DATABASE_URL and REDIS_URL come from `env` or this process's
    environment; its report goes to stderr."""
    command = [sys.executable, "-u", str(Path(__file__).resolve()), "--json"]
    command += [f"--count={count}", f"--concurrency={concurrency}"]
    if database:
        command.append(f"--database={database}")
    done = subprocess.run(  # noqa: S603 - our own command line
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_NAME", "bench_dit_portal"),
        help="the database to create and drop (env BENCH_DATABASE_NAME)",
    )
    parser.add_argument(
        "--json", action="store_true", help="report on stderr, JSON result on stdout"
    )
    args = parser.parse_args()
    if args.json:
        report, sys.stdout = sys.stdout, sys.stderr
    result = measure(args.count, args.concurrency, args.database, args.keep)
    if args.json:
        print(json.dumps(result), file=report)


if __name__ == "__main__":
    main()
