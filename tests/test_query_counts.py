"""Pages that list things run a fixed number of queries, however long the list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dit_portal.audit.models import AuditEvent

from .factories import PatientFactory, TherapistFactory

pytestmark = pytest.mark.django_db

# Per request: session and user, and the page's own queries. (The staff TOTP check
# and the footer's clinic are asked once a minute, docs/performance.md.)
MAX_QUERIES = 12
# The admin's home also asks whether messages are going out (the banner): the oldest
# due message and the worker's heartbeat (in the database cache).
BANNER_QUERIES = 2
# The caseload also runs its to-do list (therapy/scheduling/todo.py): past sessions,
# focus replies, risk flags and questionnaires not sent, one query each.
CASELOAD_QUERIES = 13


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def grow(n, **kwargs):
    PatientFactory.create_batch(n, **kwargs)


def assert_flat(client, url, add_rows, limit=MAX_QUERIES):
    client.get(url)  # the first request of a session also saves the session
    small = count_queries(client, url)
    add_rows()
    large = count_queries(client, url)
    assert small == large, f"{url}: {small} queries with few rows, {large} with many"
    assert large <= limit


def test_caseload(client, therapist, patient):
    client.force_login(therapist)
    assert_flat(
        client,
        reverse("caseload"),
        lambda: grow(30, therapist=therapist),
        limit=CASELOAD_QUERIES,
    )


def test_schedule(client, clinic_admin, therapist):
    client.force_login(clinic_admin)

    def add():
        grow(20, therapist=None)
        for other in TherapistFactory.create_batch(10):
            grow(2, therapist=other)

    assert_flat(client, reverse("schedule"), add, limit=MAX_QUERIES + BANNER_QUERIES)


def test_patient_list(client, clinic_admin, patient):
    client.force_login(clinic_admin)
    assert_flat(client, reverse("patient_list"), lambda: grow(40))


def test_audit_log(client, clinic_admin, patient, therapist):
    client.force_login(clinic_admin)
    # One patient's trail is the audit page filtered to them (audit_log redirects).
    url = reverse("audit_events") + f"?patient={patient.public_id}"

    def add():
        for _ in range(30):
            AuditEvent.objects.create(
                actor=therapist, actor_role="therapist", action="view",
                object_type="patients.Patient", patient=patient,
            )  # fmt: skip

    add()
    assert_flat(client, url, add, limit=MAX_QUERIES + BANNER_QUERIES)
