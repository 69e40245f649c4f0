"""Outages of real servers: with Redis stopped, sign-in, sign-out and password reset
work and stay rate-limited, and /healthz keeps the instance in service; after a
PostgreSQL restart, a web worker's first request is not an error page."""

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from .helpers import sign_in, sign_in_staff
from .servers import OwnPostgres, OwnRedis, free_port, wait_for_port
from .worker import point_app_at

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def redis_then_outage(tmp_path, settings, _celery_queue_of_our_own):
    """A Redis of our own as the broker and as any Redis the cache settings name
    (today none: were the cache moved back to Redis, this test would see it go
    down too). Yields the server; the test kills it."""
    redis = OwnRedis(tmp_path)
    main_broker = settings.CELERY_BROKER_URL
    settings.CACHES = {
        alias: {**conf, "LOCATION": redis.url} if "redis" in conf["BACKEND"] else conf
        for alias, conf in settings.CACHES.items()
    }
    point_app_at(redis.url, _celery_queue_of_our_own)
    try:
        yield redis
    finally:
        redis.kill()
        point_app_at(main_broker, _celery_queue_of_our_own)


@pytest.mark.django_db
def test_sign_in_survives_a_redis_outage(client, redis_then_outage, patient, therapist):
    assert client.get("/healthz").json()["broker"] == "up"  # it is our broker
    redis_then_outage.kill()

    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["broker"] == "down"
    assert health.json()["database"] == "up"

    # The right password signs in; signing out works.
    assert sign_in(client, patient.user.email).status_code == 302
    assert client.get(reverse("my_therapy")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302
    assert client.get(reverse("my_therapy")).status_code == 302

    # Staff: password, then the authenticator code (its replay guard is cached too).
    assert sign_in_staff(client, therapist).status_code == 302
    assert client.get(reverse("caseload")).status_code == 200
    client.post(reverse("account_logout"))

    # Five wrong passwords are told so; the sixth is refused by the rate limit.
    for _ in range(5):
        response = sign_in(client, patient.user.email, "wrong-password")
        assert b"not correct" in response.content
    response = sign_in(client, patient.user.email, "wrong-password")
    assert b"Too many failed login attempts" in response.content
    assert b"not correct" not in response.content

    # A forgotten password can still be reset by email.
    response = client.post(
        reverse("account_reset_password"), {"email": patient.user.email}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1


# PostgreSQL restart: a real server, a real gunicorn ---------------------------------


def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=20) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def portal_on_own_postgres(tmp_path):
    """gunicorn (one sync worker, so every request after the restart is served by
    the worker that held the old connection) on a PostgreSQL of our own."""
    postgres = OwnPostgres()
    env = {
        **os.environ,
        "DATABASE_URL": postgres.url,
        "DIT_VAR_DIR": str(tmp_path / "var"),
        "DEBUG": "0",
    }
    port = free_port()
    server = None
    try:
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        server = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "dit_portal.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                "--workers=1",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
        )
        wait_for_port(port)
        yield postgres, port
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        postgres.stop()


def test_a_postgres_restart_is_invisible_to_the_next_request(portal_on_own_postgres):
    postgres, port = portal_on_own_postgres
    assert get(port, "/")[0] == 200  # the worker now holds a database connection
    assert get(port, "/healthz")[0] == 200

    postgres.restart()

    status, body = get(port, "/")
    assert status == 200, body[:300]
    status, body = get(port, "/healthz")
    assert status == 200, body[:300]
    assert b'"database": "up"' in body
    assert get(port, "/")[0] == 200
