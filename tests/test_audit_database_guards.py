"""The audit trail cannot be emptied, rewritten or unguarded from the database, and
the portal runs as a role that may only add to it and read it."""

import uuid

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from django.urls import reverse

from dit_portal.audit.models import AuditEvent

ROLE = f"dit_app_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def app_role(transactional_db):
    call_command("create_app_role", ROLE, stdout=open("/dev/null", "w"))  # noqa: SIM115
    yield ROLE
    default = connections["default"]
    with default.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {ROLE}")
        cursor.execute(f"DROP ROLE {ROLE}")


def as_role(role):
    """Reconnect the default connection as `role` (trust auth on this machine)."""
    default = connections["default"]
    default.close()
    before = default.settings_dict["USER"]
    default.settings_dict["USER"] = role
    return before


def refused(statement, params=()):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(statement, params)


@pytest.mark.django_db
def test_truncate_is_refused_even_for_the_owner(patient):
    AuditEvent.objects.create(action="view", object_type="x", patient=patient)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL dit.allow_audit_truncate = 'off'")
    refused("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_portal_runs_as_the_restricted_role(client, patient, app_role):
    owner = as_role(app_role)
    try:
        client.force_login(patient.user)
        assert client.get(reverse("my_therapy")).status_code == 200
        assert client.get(reverse("contact_preferences")).status_code == 200
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app_role
        event = AuditEvent.objects.create(action="view", object_type="x")
        assert AuditEvent.objects.filter(pk=event.pk).exists()
        refused(
            "UPDATE audit_auditevent SET action = 'change' WHERE id = %s", [event.pk]
        )
        refused("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
        refused("TRUNCATE audit_auditevent CASCADE")
        refused("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL")
        refused("DROP TRIGGER audit_event_no_truncate ON audit_auditevent")
    finally:
        connections["default"].close()
        connections["default"].settings_dict["USER"] = owner
