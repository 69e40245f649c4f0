"""Reminders in batches: dispatch hands a worker a task per MESSAGE_SEND_BATCH rows,
and the task sends its rows over one mail connection, each exactly once; a message
that fails does not hold up the others and is tried again. The worker keeps its
database connection between tasks and still survives a PostgreSQL restart."""

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from dit_portal.celery import app, check_database_connections
from messaging import outbox
from messaging.models import Message

from .factories import PatientFactory, TherapistFactory, UserFactory
from .smtp_standin import mailer, smtp_standin
from .test_outbox_kill import due_reminders
from .worker import broker


def hand_out(pks):
    """What beat's dispatch does for these rows (no broker here): stamp them handed
    out; the task would then get (pks, that time)."""
    now = timezone.now()
    assert outbox.dispatch(now=now) == len(pks)
    return now


def test_a_batch_goes_over_one_mail_connection_each_message_once(
    clinic, patient, therapist, settings
):
    pks = due_reminders(patient, therapist, 5)
    handed_out = hand_out(pks)
    with smtp_standin() as server:
        settings.MAILERS = mailer(server.port)
        outcomes = outbox.send_batch(pks, handed_out=handed_out.isoformat())
        assert outcomes == dict.fromkeys(pks, "sent")
        # The broker brings the task back (a lost acknowledgement): nothing again.
        again = outbox.send_batch(pks, handed_out=handed_out.isoformat())
        assert again == dict.fromkeys(pks, "skipped")
    assert server.connections == 1
    assert sorted(pk for pk, _ in server.messages) == sorted(pks)
    assert {tuple(to) for _, to in server.messages} == {("alice@example.test",)}
    assert set(Message.objects.filter(pk__in=pks).values_list("status", flat=True)) == {
        "sent"
    }


def test_a_message_that_fails_in_a_batch_does_not_stop_the_others_and_is_retried(
    clinic, patient, therapist, other_patient, other_therapist, settings
):
    first = due_reminders(patient, therapist, 2)
    refused = due_reminders(other_patient, other_therapist, 1)
    third = PatientFactory(user=UserFactory(email="bea@example.test"))
    last = due_reminders(third, TherapistFactory(), 2)
    pks = first + refused + last  # the refused one in the middle
    handed_out = hand_out(pks)
    with smtp_standin(refuse={"otto@example.test"}) as server:
        settings.MAILERS = mailer(server.port)
        outcomes = outbox.send_batch(pks, handed_out=handed_out)
        assert outcomes == {**dict.fromkeys(first + last, "sent"), refused[0]: "retry"}
        row = Message.objects.get(pk=refused[0])
        assert (row.status, row.attempts, row.last_error) == (
            "pending",
            1,
            "email: SMTPRecipientsRefused",
        )
        assert row.due_at > timezone.now()  # a minute on (backoff), not at once
        assert row.handed_over_at is None  # it is known not to have arrived
        # The next message after the refusal started a new connection.
        assert server.connections == 2
        server.refuse.clear()  # the mailbox is back
        assert outbox.dispatch(now=row.due_at) == 1
        row.refresh_from_db()
        assert outbox.send_batch([row.pk], handed_out=row.enqueued_at) == {
            row.pk: "sent"
        }
    sent = sorted(pk for pk, _ in server.messages)
    assert sent == sorted(pks)  # every one, once: the refused one on its retry
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)


def test_a_batch_of_texts_goes_over_one_notify_connection(
    clinic, patient, therapist, settings
):
    from .notify_standin import API_KEY, TEMPLATE_ID, notify_standin

    patient.email_reminders, patient.sms_reminders = False, True
    patient.phone = "07700 900982"
    patient.save()
    pks = due_reminders(patient, therapist, 3)
    handed_out = hand_out(pks)
    with notify_standin() as notify:
        settings.NOTIFY_API_KEY = API_KEY
        settings.NOTIFY_SMS_TEMPLATE_ID = TEMPLATE_ID
        settings.NOTIFY_BASE_URL = notify.url
        assert outbox.send_batch(pks, handed_out=handed_out) == dict.fromkeys(
            pks, "sent"
        )
    references = sorted(r["json"]["reference"] for r in notify.requests)
    assert references == sorted(f"message-{pk}" for pk in pks)
    assert notify.connections == 1


@pytest.mark.django_db(transaction=True)
def test_dispatch_hands_out_one_task_per_batch(clinic, patient, therapist, settings):
    settings.MESSAGE_SEND_BATCH = 2
    due_reminders(patient, therapist, 5)
    with broker() as queue:
        assert outbox.dispatch() == 5
        with app.connection_for_write() as conn:
            waiting = conn.default_channel.client.llen(queue)
    assert waiting == 3  # 2 + 2 + 1 rows, not 5 tasks


def _terminate(pid):
    """What a PostgreSQL restart does to a client's session: the server ends it."""
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.django_db(transaction=True)
def test_a_worker_keeps_its_connection_and_survives_a_postgres_restart():
    Message.objects.count()
    pid = connection.connection.info.backend_pid
    check_database_connections()  # before a task, as the worker does
    Message.objects.count()
    assert connection.connection.info.backend_pid == pid  # kept, not a new one
    _terminate(pid)
    check_database_connections()  # the next task
    assert Message.objects.count() == 0  # reconnected, no error
    assert connection.connection.info.backend_pid != pid
