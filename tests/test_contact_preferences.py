"""Patients choose how they are reminded; only their own record changes."""

import pytest
from django.urls import reverse

from dit_portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = reverse("contact_preferences")


def test_patient_turns_on_text_reminders(client, patient, other_patient):
    client.force_login(patient.user)
    response = client.post(
        URL, {"phone": "07700 900982", "email_reminders": "on", "sms_reminders": "on"}
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    other_patient.refresh_from_db()
    assert patient.sms_reminders and patient.phone == "07700 900982"
    assert not other_patient.sms_reminders
    assert AuditEvent.objects.filter(patient=patient, action="change").exists()


def test_text_reminders_need_a_mobile_number(client, patient):
    client.force_login(patient.user)
    response = client.post(URL, {"phone": "", "sms_reminders": "on"})
    assert response.status_code == 200
    assert b"Enter a mobile number to get text reminders." in response.content
    response = client.post(URL, {"phone": "020 7946 0000", "sms_reminders": "on"})
    assert b"Enter a UK mobile number" in response.content
    patient.refresh_from_db()
    assert not patient.sms_reminders


def test_opting_out_turns_every_reminder_off(client, patient):
    client.force_login(patient.user)
    client.post(URL, {"email_reminders": "on", "reminders_opt_out": "on"})
    patient.refresh_from_db()
    assert patient.reminders_opt_out
    assert not patient.email_reminders and not patient.sms_reminders


def test_staff_cannot_use_the_patient_page(client, therapist):
    client.force_login(therapist)
    assert client.get(URL).status_code == 403
