"""Audit events: written by views of patient records, listed for clinic admins, and
impossible to change or delete."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from dit_portal.audit.models import AuditEvent
from patients import services as patient_services

pytestmark = pytest.mark.django_db


def test_viewing_a_patient_record_writes_an_audit_event(client, therapist, patient):
    client.force_login(therapist)
    client.get(
        reverse("patient_detail", args=[patient.public_id]), REMOTE_ADDR="10.1.2.3"
    )
    event = AuditEvent.objects.get()
    assert event.actor == therapist
    assert event.actor_role == "therapist"
    assert event.action == "view"
    assert event.object_type == "patients.Patient"
    assert event.object_id == str(patient.public_id)
    assert event.patient == patient
    assert event.ip_address == "10.1.2.3"


def test_a_refused_view_writes_no_event(client, therapist, other_patient):
    client.force_login(therapist)
    assert (
        client.get(
            reverse("patient_detail", args=[other_patient.public_id])
        ).status_code
        == 404
    )
    assert not AuditEvent.objects.exists()


def test_admin_lists_events_for_one_patient(
    client, clinic_admin, therapist, patient, other_patient
):
    client.force_login(therapist)
    client.get(reverse("patient_detail", args=[patient.public_id]))
    client.force_login(clinic_admin)
    client.get(reverse("patient_detail", args=[other_patient.public_id]))

    page = client.get(reverse("audit_log", args=[patient.public_id]), follow=True)
    assert page.status_code == 200
    rows = page.content.decode().split("<tbody")[1]
    assert therapist.full_name in rows
    # The therapist's view of this record, and this very look at its trail; not
    # the admin's view of the other patient. In words, never the internal labels.
    assert rows.count('<tr class="nhsuk-table__row"') == 2
    assert rows.count("Looked at the patient&#x27;s details") == 1
    assert "Looked at the list of who has looked at the patient&#x27;s record" in rows
    assert "patients.Patient" not in rows


def test_only_clinic_admins_see_the_audit_log(client, therapist, patient):
    client.force_login(therapist)
    assert client.get(reverse("audit_log", args=[patient.public_id])).status_code == 403


def test_events_cannot_be_changed_or_deleted_through_django(patient, therapist):
    event = AuditEvent.objects.create(
        actor=therapist, action="view", object_type="x", patient=patient
    )
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(action="change")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger is PostgreSQL's")
def test_database_refuses_raw_updates_and_deletes(patient, therapist):
    event = AuditEvent.objects.create(
        actor=therapist, action="view", object_type="x", patient=patient
    )
    for sql in [
        "UPDATE audit_auditevent SET action = 'change' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ]:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "view"


def test_changing_clinic_settings_is_audited(client, clinic_admin, clinic):
    client.force_login(clinic_admin)
    data = {
        "name": clinic.name,
        "portal_name": "Patient portal",
        "address": "",
        "phone": "020 7946 0001",
        "pals_phone": clinic.pals_phone,
        "pals_email": clinic.pals_email,
        "pals_hours": clinic.pals_hours,
        "urgent_help_text": clinic.urgent_help_text,
        "session_minutes": 50,
        "course_sessions": 16,
        "cancellation_notice_hours": 24,
        "booking_window_days": 14,
        "missed_session_policy": "not_replaced",
        "reminder_lead_hours": "48, 2",
    }
    assert client.post(reverse("clinic_settings"), data).status_code == 302
    assert AuditEvent.objects.filter(
        action="change", object_type="therapy.Clinic"
    ).exists()


def view_with_forwarded_for(client, therapist, patient, forwarded):
    client.force_login(therapist)
    client.get(
        reverse("patient_detail", args=[patient.public_id]),
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    return AuditEvent.objects.get().ip_address


def test_a_spoofed_forwarded_for_is_ignored_by_default(client, therapist, patient):
    # Anyone can send X-Forwarded-For; with no trusted proxy the audit trail keeps
    # the address the connection came from.
    assert view_with_forwarded_for(client, therapist, patient, "203.0.113.9") == (
        "10.0.0.5"
    )


def test_behind_one_trusted_proxy_the_address_it_saw_is_recorded(
    client, therapist, patient, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote the first address itself; our proxy appended the second.
    address = view_with_forwarded_for(
        client, therapist, patient, "203.0.113.9, 198.51.100.7"
    )
    assert address == "198.51.100.7"


def test_behind_two_trusted_proxies_the_outer_one_is_believed(
    client, therapist, patient, settings
):
    settings.TRUSTED_PROXY_COUNT = 2
    address = view_with_forwarded_for(
        client, therapist, patient, "203.0.113.9, 198.51.100.7, 10.0.0.2"
    )
    assert address == "198.51.100.7"


def test_a_forwarded_for_that_is_not_an_address_falls_back_to_the_connection(
    client, therapist, patient, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    assert view_with_forwarded_for(client, therapist, patient, "unknown") == (
        "10.0.0.5"
    )


def test_a_change_is_audited_with_who_made_it_and_from_where(client, patient):
    client.force_login(patient.user)
    client.post(
        reverse("contact_preferences"),
        {"phone": "07700 900982", "email_reminders": "on"},
        REMOTE_ADDR="10.1.2.3",
    )
    event = AuditEvent.objects.get(action="change")
    assert event.actor == patient.user
    assert event.object_id == str(patient.public_id)
    assert event.ip_address == "10.1.2.3"


def test_a_change_is_not_kept_without_its_audit_event(patient, monkeypatch):
    # The service writes the event in the change's own transaction: if the audit
    # trail cannot record it, the change does not happen either.
    def refuse(**fields):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(AuditEvent.objects, "create", refuse)
    with pytest.raises(DatabaseError):
        patient_services.save_contact_preferences(
            patient, by=patient.user, phone="07700 900982"
        )
    patient.refresh_from_db()
    assert patient.phone != "07700 900982"


def test_a_patients_audit_log_shows_they_appeared_on_the_patient_list(
    clinic_admin_client, patient, other_patient
):
    assert clinic_admin_client.get(reverse("patient_list")).status_code == 200
    for listed in (patient, other_patient):
        assert AuditEvent.objects.filter(
            action="view", object_type="patients.PatientList", patient=listed
        ).exists()
    log = clinic_admin_client.get(
        reverse("audit_log", args=[patient.public_id]), follow=True
    )
    assert "Saw the patient&#x27;s name and NHS number on the patient list" in (
        log.content.decode()
    )
