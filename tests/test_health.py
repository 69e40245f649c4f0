"""/healthz tells an operator (and a load balancer) whether the database and the
broker answer."""

import pytest

from dit_portal.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthy_with_postgres_and_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_unreachable_broker_is_503(client, monkeypatch):
    # Nothing listens on port 1: the broker is down.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
    assert response.json()["database"] == "ok"


def test_health_holds_no_personal_data_and_needs_no_login(client, patient):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert patient.user.email not in response.content.decode()
