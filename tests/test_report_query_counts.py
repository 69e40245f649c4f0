"""Every report page and download runs the same number of queries for 7 patients as
for 1,000 (40 therapists, 16,000 sessions, their scores), built once with the bench's
bulk builder (bench/data.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.data import build

from .factories import ClinicAdminFactory, PatientFactory

pytestmark = pytest.mark.django_db

REPORTS = [
    "reports",
    "report_waiting",
    "report_waiting_csv",
    "report_attendance",
    "report_attendance_csv",
    "report_outcomes",
    "report_outcomes_csv",
    "report_caseload",
    "report_caseload_csv",
    "report_extract_csv",
]
# Session, user, MFA check, clinic (footer), the audit event, and the report's own
# (the waiting page: its two queries, the waiting list and its audit rows).
LIMIT = 12


def counts(client):
    result = {}
    for name in REPORTS:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name))
        assert response.status_code == 200, name
        result[name] = len(queries)
    return result


def test_report_queries_are_flat_from_1_to_1000_patients(client, clinic):
    client.force_login(ClinicAdminFactory(clinical_lead=True))
    # Seven patients of one therapist: the seventh's course has finished (the
    # builder starts courses from 17 weeks ago), so every report has a row.
    built = build(therapists=1, patients=7)
    PatientFactory()  # and one waiting, so the waiting list is not empty either
    client.get(reverse("reports"))  # the session's first save
    small = counts(client)
    more = build(therapists=39, patients=993, seed=15)
    assert len(built.patients) + len(more.patients) == 1000
    assert built.sessions + more.sessions == 16000
    large = counts(client)
    assert small == large
    assert max(large.values()) <= LIMIT, large
