"""A real Celery worker in a subprocess, on a Redis database and queue of its own, and
the project's Celery app pointed at the same broker for the test's duration."""

import os
import re
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from dit_portal.celery import app

# Database 5 of the machine's Redis: other test runs use 1-4.
BROKER_URL = os.environ.get("TEST_OUTBOX_BROKER_URL", "redis://127.0.0.1:6379/5")
ROOT = Path(__file__).resolve().parent.parent


def point_app_at(broker_url, queue):
    """Publish to `broker_url` / `queue` from this process from now on."""
    app.conf.broker_url = broker_url
    app.conf.task_default_queue = queue
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
        for cached in ("queues", "default_queue", "router"):
            amqp.__dict__.pop(cached, None)


def delete_queue(queue):
    try:
        with app.connection_for_write() as conn:
            channel = conn.default_channel
            channel.queue_delete(queue)
            # kombu keeps the queue's exchange bindings: tidy them too.
            channel.client.delete(
                f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
            )
    except Exception:  # noqa: BLE001, S110 - a broker that is down has nothing to delete
        pass


@contextmanager
def broker(broker_url=BROKER_URL, queue=None):
    queue = queue or f"outbox-test-{uuid.uuid4().hex[:12]}"
    before = (app.conf.broker_url, app.conf.task_default_queue)
    point_app_at(broker_url, queue)
    try:
        yield queue
    finally:
        delete_queue(queue)
        point_app_at(*before)


def start_worker(
    queue,
    mail_dir,
    *,
    die_after_sending=False,
    broker_url=BROKER_URL,
    pool="solo",
    supervised=False,
):
    """A worker process, with the options `make run` and docker-compose give theirs
    (no gossip, mingle or event heartbeat). `pool="prefork"` as they run it, the solo
    pool (one process) otherwise. `supervised`: under scripts/supervise.py, as `make
    run` runs it; the process returned is then the supervisor's."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": broker_url,
        "CELERY_QUEUE": queue,
        "TEST_MAIL_DIR": str(mail_dir),
        "DEBUG": "0",
        "DIT_VAR_DIR": str(Path(mail_dir).parent / "var"),
        "NOTIFY_API_KEY": settings.NOTIFY_API_KEY,
        "NOTIFY_BASE_URL": settings.NOTIFY_BASE_URL,
        "NOTIFY_SMS_TEMPLATE_ID": settings.NOTIFY_SMS_TEMPLATE_ID,
        "MESSAGE_MAX_ATTEMPTS": str(settings.MESSAGE_MAX_ATTEMPTS),
        "PYTHONPATH": str(ROOT),
    }
    if die_after_sending:
        env["TEST_DIE_AFTER_SENDING"] = "1"
    log = open(Path(mail_dir).parent / f"worker-{uuid.uuid4().hex[:6]}.log", "w")  # noqa: SIM115
    command = [
        *(
            sys.executable,
            "-m",
            "celery",
            "-A",
            "dit_portal",
            "worker",
            f"--pool={pool}",
        ),
        *("--without-heartbeat", "--without-mingle", "--without-gossip"),
        *("--concurrency=1", "-Q", queue, "--loglevel=INFO"),
    ]
    if supervised:
        supervise = [sys.executable, str(ROOT / "scripts" / "supervise.py"), "worker"]
        command = [*supervise, "--backoff-start", "0.5", "--backoff-max", "2", "--"] + (
            command
        )
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    process.log_path = log.name
    return process


def stop_worker(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def worker(queue, mail_dir, **kwargs):
    process = start_worker(queue, mail_dir, **kwargs)
    try:
        yield process
    finally:
        stop_worker(process)


def _test_database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def wait_for(predicate, timeout=30, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    return predicate()


def emails(mail_dir):
    """Every email the workers wrote, as (outbox row id, raw text)."""
    found = []
    for path in sorted(Path(mail_dir).glob("*.log")):
        text = path.read_text(errors="replace")
        for part in text.split("-" * 79):
            match = re.search(r"^X-Portal-Message: (\d+)$", part, re.M)
            if match:
                found.append((int(match.group(1)), part))
    return found


def email_text(mail_dir, pk):
    """The plain-text body of the email sent for outbox row `pk`."""
    import email

    for row, raw in emails(mail_dir):
        if row == pk:
            parsed = email.message_from_string(raw.strip())
            for part in parsed.walk():
                if part.get_content_type() == "text/plain":
                    return part.get_payload(decode=True).decode()
    return None


def sent_count(mail_dir, pk):
    return sum(1 for row, _ in emails(mail_dir) if row == pk)
