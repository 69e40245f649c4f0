"""A reminder reaches its own patient and nobody else (hazard H03 in
docs/clinical-safety.md). The address is read when the message is sent, so an
address the clinic has corrected is the one used."""

import pytest
from django.core import mail

from messaging import outbox
from messaging.models import Message

from .factories import book_course, working_week

pytestmark = pytest.mark.django_db


def first_reminder(course):
    return (
        Message.objects.filter(course=course, kind=Message.Kind.REMINDER)
        .order_by("due_at")
        .first()
    )


def send(row):
    mail.outbox.clear()
    outbox.send(row.pk, now=row.due_at)
    (message,) = mail.outbox
    return message


def test_each_patients_reminder_goes_to_that_patient_only(
    course, other_patient, other_therapist
):
    working_week(other_therapist)
    other_course = book_course(other_patient, other_therapist, weekday=1)
    for mine, theirs in ((course, other_course), (other_course, course)):
        message = send(first_reminder(mine))
        assert message.to == [mine.patient.user.email]
        assert message.cc == [] and message.bcc == []
        body = message.body + message.alternatives[0].content
        assert theirs.patient.user.email not in body
        assert theirs.patient.user.full_name not in body
        assert theirs.patient.nhs_number not in body


def test_an_address_the_clinic_corrects_is_used_for_the_next_reminder(course):
    user = course.patient.user
    user.email = "corrected@example.test"
    user.save(update_fields=["email"])
    assert send(first_reminder(course)).to == ["corrected@example.test"]


def test_a_new_address_gets_reminders_only_once_its_owner_confirms_it(
    course, clinic_admin
):
    """Hazard H19: an address the clinic typed (perhaps wrongly, perhaps someone
    else's) hears nothing about the therapy until its owner confirms it by the link
    sent there; until then the reminders go to the address the patient confirmed."""
    from dit_portal.accounts import services as accounts

    user = course.patient.user
    assert user.email == "alice@example.test"
    token = accounts.request_email_change(
        user, "Alice.New@Example.test", by=clinic_admin
    )
    first, second = Message.objects.filter(
        course=course, kind=Message.Kind.REMINDER
    ).order_by("due_at")[:2]
    assert send(first).to == ["alice@example.test"]
    accounts.confirm_email_change(token)
    assert send(second).to == ["alice.new@example.test"]
