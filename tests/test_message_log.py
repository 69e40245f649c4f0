"""The clinic admins' message log: who may see it, what it shows, resending."""

import pytest
from django.urls import reverse

from dit_portal.audit.models import AuditEvent
from messaging.models import Message
from messaging.outbox import STUCK_NOTE

from .factories import PatientFactory
from .test_query_counts import assert_flat

pytestmark = pytest.mark.django_db
URL = reverse("message_log")


def fail(row, error="sms: HTTPError 500"):
    Message.objects.filter(pk=row.pk).update(
        status="failed", attempts=5, last_error=error
    )


@pytest.mark.parametrize("who", ["patient_client", "therapist_client"])
def test_only_clinic_admins_see_the_log(request, who, course):
    client = request.getfixturevalue(who)
    assert client.get(URL).status_code == 403
    row = Message.objects.filter(course=course).first()
    fail(row)
    assert client.post(reverse("message_resend", args=[row.pk])).status_code == 403
    assert Message.objects.get(pk=row.pk).status == "failed"


def test_the_log_lists_messages_and_filters_by_status(clinic_admin_client, course):
    row = Message.objects.filter(course=course, kind="reminder").first()
    fail(row)
    page = clinic_admin_client.get(URL)
    content = page.content.decode()
    assert "Alice Patient" in content
    assert (
        "Session reminder (48 hours before)" in content or "(2 hours before)" in content
    )
    assert " GMT" in content or " BST" in content
    assert AuditEvent.objects.filter(object_type="therapy.MessageLog").count() == 1
    failed = clinic_admin_client.get(URL, {"status": "failed"})
    assert list(failed.context["page"].object_list) == [row]
    assert 'aria-current="page"' in content and ">Messages<" in content


def test_a_known_error_is_explained_in_plain_words(clinic_admin_client, course):
    row = Message.objects.filter(course=course, kind="reminder").first()
    fail(row, "email: SMTPRecipientsRefused; sms: HTTPError 400")
    content = clinic_admin_client.get(URL).content.decode()
    assert "The email address was refused: check it in the patient's details." in (
        content.replace("&#x27;", "'")
    )
    assert "The phone number was refused: check it in the patient's details." in (
        content.replace("&#x27;", "'")
    )
    assert "Technical detail: email: SMTPRecipientsRefused; sms: HTTPError 400" in (
        content
    )


@pytest.mark.parametrize(
    ("error", "words"),
    [
        ("sms: HTTPError 403", "refused the portal's key"),
        ("sms: HTTP503Error 503", "GOV.UK Notify was not working"),
        ("sms: HTTPError 429", "sending limit"),
        ("email: ConnectionRefusedError", "could not reach the sending service"),
    ],
)
def test_each_known_error_says_what_to_do(error, words):
    (explained,) = Message(last_error=error).error_explained
    assert words in explained


def test_an_unknown_error_shows_only_its_technical_words():
    assert Message(last_error="sms: KeyError").error_explained == []
    assert Message(last_error=STUCK_NOTE).error_explained == []


def test_resend_puts_a_failed_message_back_in_the_queue(clinic_admin_client, course):
    row = Message.objects.filter(course=course, kind="welcome").get()
    fail(row)
    response = clinic_admin_client.post(reverse("message_resend", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (
        "pending",
        0,
        "sms: HTTPError 500",
    )
    assert AuditEvent.objects.filter(
        object_type="messaging.Message", action="change"
    ).exists()
    # Only failed ones: a second press changes nothing.
    clinic_admin_client.post(reverse("message_resend", args=[row.pk]))
    row.refresh_from_db()
    assert row.status == "pending"


def test_resend_needs_a_post(clinic_admin_client, course):
    row = Message.objects.filter(course=course).first()
    assert (
        clinic_admin_client.get(reverse("message_resend", args=[row.pk])).status_code
        == 405
    )


def test_the_log_runs_a_fixed_number_of_queries(client, clinic_admin, course):
    client.force_login(clinic_admin)

    def add():
        for patient in PatientFactory.create_batch(20):
            Message.objects.create(
                kind="waiting", recipient=patient.user, due_at=course.created_at
            )

    assert_flat(client, URL, add)
    assert_flat(client, URL + "?status=pending", add)
