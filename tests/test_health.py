"""/healthz tells a load balancer whether this web process can serve (the database)
and an operator whether messages are going out (broker, worker heartbeat, outbox
backlog); a clinic admin sees the same answer as a banner on their home page."""

import datetime
import socket
import time

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dit_portal.celery import app as celery_app
from dit_portal.tasks import HEARTBEAT_KEY, heartbeat
from messaging import health
from messaging.models import Message

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)
BANNER = b"Messages to patients are not going out"


def last_heartbeat(ago):
    cache.set(HEARTBEAT_KEY, (timezone.now() - ago).isoformat(), timeout=None)


def waiting_message(user, overdue_by):
    return Message.objects.create(
        kind="waiting", recipient=user, due_at=timezone.now() - overdue_by, key="t"
    )


def health_json():
    return Client().get("/healthz")


def test_all_well_is_ok_with_every_field():
    heartbeat()  # what beat's task, run by a worker, records each minute
    response = health_json()
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "up"
    assert body["broker"] == "up"
    assert body["messages_going_out"] is True
    assert 0 <= body["worker_heartbeat_age_seconds"] < 5
    assert body["oldest_due_message_age_seconds"] is None


def test_a_broker_outage_is_degraded_not_down(monkeypatch):
    """Pages, bookings and sign-in still work without Redis: the load balancer must
    keep the instance; the operator reads why it is degraded."""
    heartbeat()
    # Nothing listens on port 1: the broker is down.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = health_json()
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "up"


def test_a_broker_that_never_answers_is_down_within_seconds(monkeypatch):
    """A half-open broker (it accepts connections, then says nothing) must not hold
    the health check past a load balancer's timeout."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # the kernel completes handshakes; nobody ever replies
    port = silent.getsockname()[1]
    monkeypatch.setattr(celery_app.conf, "broker_url", f"redis://127.0.0.1:{port}/0")
    try:
        started = time.monotonic()
        response = health_json()
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert response.status_code == 200
    assert response.json()["broker"] == "down"
    assert elapsed < 5


def test_no_database_is_down_503(monkeypatch):
    def no_database(now=None):
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "sending", no_database)
    response = health_json()
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "down"}


def test_a_stale_worker_heartbeat_is_degraded():
    last_heartbeat(ago=12 * MINUTE)
    body = health_json().json()
    assert body["status"] == "degraded"
    assert body["messages_going_out"] is False
    assert 12 * 60 <= body["worker_heartbeat_age_seconds"] < 13 * 60


def test_a_worker_that_never_reported_is_degraded():
    cache.delete(HEARTBEAT_KEY)
    body = health_json().json()
    assert body["status"] == "degraded"
    assert body["worker_heartbeat_age_seconds"] is None


def test_an_old_backlog_is_degraded_even_with_a_heartbeat(patient):
    """A worker can beat and still not send (a stuck dispatcher, a full queue)."""
    heartbeat()
    waiting_message(patient.user, overdue_by=9 * MINUTE)
    body = health_json().json()
    assert body["status"] == "degraded"
    assert body["messages_going_out"] is False
    assert 9 * 60 <= body["oldest_due_message_age_seconds"] < 10 * 60


def test_a_message_due_a_moment_ago_is_normal(patient):
    heartbeat()
    waiting_message(patient.user, overdue_by=MINUTE)
    body = health_json().json()
    assert body["status"] == "ok"
    assert 60 <= body["oldest_due_message_age_seconds"] < 120


def test_health_holds_no_personal_data_and_needs_no_login(client, patient):
    waiting_message(patient.user, overdue_by=9 * MINUTE)
    response = client.get("/healthz")
    assert response.status_code == 200
    text = response.content.decode()
    assert patient.user.email not in text
    assert patient.user.full_name not in text


def test_health_and_the_banner_share_one_rule():
    now = timezone.now()
    fresh = health.Sending(now=now, last_heartbeat=now - MINUTE, oldest_due_at=None)
    assert fresh.going_out
    for stuck in (
        health.Sending(now=now, last_heartbeat=now - 6 * MINUTE, oldest_due_at=None),
        health.Sending(now=now, last_heartbeat=None, oldest_due_at=None),
        health.Sending(
            now=now, last_heartbeat=now - MINUTE, oldest_due_at=now - 6 * MINUTE
        ),
    ):
        assert not stuck.going_out


# The clinic admin's banner ---------------------------------------------------------


def test_admin_home_warns_when_the_worker_is_silent(clinic_admin_client):
    last_heartbeat(ago=20 * MINUTE)
    response = clinic_admin_client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("schedule")
    assert BANNER in response.content
    assert b"nhsuk-warning-callout" in response.content


def test_admin_home_says_since_when_messages_wait(clinic_admin_client, patient):
    heartbeat()
    message = waiting_message(patient.user, overdue_by=30 * MINUTE)
    response = clinic_admin_client.get(reverse("schedule"))
    text = response.content.decode()
    assert BANNER.decode() in text
    assert health.when(message.due_at) in text
    # Which messages, and to whom, is the message log's business, not the banner's.
    assert patient.user.full_name not in text.split("Messages to patients")[1][:600]


def test_admin_home_is_quiet_when_messages_go_out(clinic_admin_client, patient):
    heartbeat()
    waiting_message(patient.user, overdue_by=MINUTE)
    response = clinic_admin_client.get(reverse("schedule"))
    assert response.status_code == 200
    assert BANNER not in response.content


def test_therapists_are_not_shown_the_banner(therapist_client):
    last_heartbeat(ago=20 * MINUTE)
    response = therapist_client.get(reverse("home"), follow=True)
    assert BANNER not in response.content
