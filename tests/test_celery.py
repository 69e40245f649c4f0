"""Celery is wired to Django's settings and runs tasks through the real Redis broker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import cache

from dit_portal.celery import app
from dit_portal.tasks import HEARTBEAT_KEY, heartbeat


def test_celery_reads_django_settings():
    assert app.conf.broker_url == settings.CELERY_BROKER_URL
    assert app.conf.broker_url.startswith("redis://")
    assert app.conf.task_acks_late is True
    assert app.conf.timezone == "Europe/London"


def test_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks
        assert entry["schedule"] <= 60 * 60  # short and frequent, no long ETAs


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_heartbeat_through_redis():
    cache.delete(HEARTBEAT_KEY)
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        heartbeat.delay()  # through the Redis broker to the worker thread
        for _ in range(100):
            if cache.get(HEARTBEAT_KEY):
                break
            time.sleep(0.1)
    assert cache.get(HEARTBEAT_KEY), "the worker did not run the task"
