"""Patients are told, calmly, when reminders are late (hazards H04 and H14 in
docs/clinical-safety.md): a patient who relies on a reminder that does not come
could miss a session or think it was cancelled. The notice says sessions stand and
how to reach the clinic. The check runs at most once a minute per web process."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dit_portal.tasks import HEARTBEAT_KEY, heartbeat
from messaging import health
from messaging.models import Message

pytestmark = pytest.mark.django_db

NOTICE = "Reminders are running late"
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _reminders_on_time():
    """Overrides tests/conftest.py's fixture: here every test checks for itself."""
    health.forget()
    yield
    health.forget()


def heartbeat_ago(ago):
    cache.set(HEARTBEAT_KEY, (timezone.now() - ago).isoformat(), timeout=None)


def due_message(user, ago):
    return Message.objects.create(
        kind="waiting", recipient=user, due_at=timezone.now() - ago, key="t"
    )


def page(client, name="my_therapy"):
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def test_a_message_waiting_a_quarter_of_an_hour_tells_the_patient_sessions_stand(
    patient_client, patient, clinic
):
    heartbeat()  # the worker reports, but the outbox is stuck behind it
    due_message(patient.user, 16 * MINUTE)
    html = page(patient_client)
    assert NOTICE in html
    main = html.split('id="maincontent"')[1]
    assert "Your sessions are not affected" in main
    assert f'href="tel:{clinic.phone.replace(" ", "")}"' in main
    assert 'href="/my-therapy/"' in main or reverse("my_therapy") in main


def test_a_worker_silent_for_a_quarter_of_an_hour_tells_the_patient(patient_client):
    heartbeat_ago(16 * MINUTE)
    assert NOTICE in page(patient_client)


@pytest.mark.parametrize(
    ("heartbeat_age", "waiting_for"),
    [
        (MINUTE, None),  # all well
        (MINUTE, 10 * MINUTE),  # the admins are told at five minutes, patients later
        (14 * MINUTE, None),  # a worker restart is not worth worrying anybody
        (None, None),  # a worker that never reported (a fresh install): admins only
    ],
)
def test_short_delays_and_fresh_installs_say_nothing_to_patients(
    patient_client, patient, heartbeat_age, waiting_for
):
    if heartbeat_age is not None:
        heartbeat_ago(heartbeat_age)
    if waiting_for is not None:
        due_message(patient.user, waiting_for)
    assert NOTICE not in page(patient_client)


@pytest.mark.parametrize(
    ("who", "home"), [("therapist", "caseload"), ("clinic_admin", "schedule")]
)
def test_staff_are_not_shown_the_patients_notice(client, request, patient, who, home):
    heartbeat_ago(30 * MINUTE)
    due_message(patient.user, 30 * MINUTE)
    client.force_login(request.getfixturevalue(who))
    assert NOTICE not in page(client, home)


def outbox_queries(client):
    """The page's queries that read the outbox (the page itself reads none)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("my_therapy")).status_code == 200
    return sum('"therapy_message"' in query["sql"] for query in queries)


def test_the_answer_is_kept_for_a_minute_then_checked_again(
    patient_client, patient, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    heartbeat()
    message = due_message(patient.user, 20 * MINUTE)
    assert outbox_queries(patient_client) == 1  # checked: the oldest due message
    assert NOTICE in page(patient_client)
    message.status = Message.Status.SENT  # sending works again
    message.save(update_fields=["status"])
    assert outbox_queries(patient_client) == 0  # the kept answer costs no query
    assert NOTICE in page(patient_client)  # ... and is still the old one
    time_machine.move_to(timezone.now() + MINUTE, tick=False)
    heartbeat()
    assert outbox_queries(patient_client) == 1  # a minute on: checked again
    assert NOTICE not in page(patient_client)
