"""Who sees which report (therapy/reports/access.py): admins the counts, clinical
leads the outcomes, nobody else anything; and the outcome columns of the extract."""

import csv
import io

import pytest
from django.urls import reverse

from dit_portal.audit.models import AuditEvent
from therapy.reports.extract import COLUMNS, OUTCOME_COLUMNS

from .factories import ClinicAdminFactory, PatientFactory, TherapistFactory

pytestmark = pytest.mark.django_db

COUNTS = [
    "report_waiting",
    "report_waiting_csv",
    "report_attendance",
    "report_attendance_csv",
    "report_caseload",
    "report_caseload_csv",
    "report_extract_csv",
]
OUTCOMES = ["report_outcomes", "report_outcomes_csv"]


def statuses(client, user, names):
    client.force_login(user)
    return {name: client.get(reverse(name)).status_code for name in names}


def header_of(response):
    text = response.content.decode("utf-8-sig")
    return next(csv.reader(io.StringIO(text)))


def test_admin_without_the_flag_sees_counts_never_scores(client, clinic):
    admin = ClinicAdminFactory()
    got = statuses(client, admin, ["reports", *COUNTS, *OUTCOMES])
    assert got == {
        "reports": 200,
        **dict.fromkeys(COUNTS, 200),
        **dict.fromkeys(OUTCOMES, 404),
    }
    assert header_of(client.get(reverse("report_extract_csv"))) == COLUMNS
    index = client.get(reverse("reports")).content.decode()
    assert "Outcomes" not in index
    assert "PHQ-9" not in index


def test_admin_who_is_clinical_lead_sees_everything(client, clinic):
    lead = ClinicAdminFactory(clinical_lead=True)
    got = statuses(client, lead, ["reports", *COUNTS, *OUTCOMES])
    assert set(got.values()) == {200}
    assert header_of(client.get(reverse("report_extract_csv"))) == (
        COLUMNS + OUTCOME_COLUMNS
    )


def test_therapist_who_is_clinical_lead_sees_outcomes_only(client, clinic):
    lead = TherapistFactory(clinical_lead=True)
    got = statuses(client, lead, ["reports", *COUNTS, *OUTCOMES])
    assert got == {
        "reports": 200,
        **dict.fromkeys(COUNTS, 404),
        **dict.fromkeys(OUTCOMES, 200),
    }
    index = client.get(reverse("reports")).content.decode()
    assert reverse("report_outcomes") in index
    assert reverse("report_waiting") not in index
    assert reverse("report_extract_csv") not in index


@pytest.mark.parametrize("who", ["therapist", "patient", "patient_with_flag"])
def test_therapists_and_patients_get_404_on_every_report(client, clinic, who):
    user = {
        "therapist": lambda: TherapistFactory(),
        "patient": lambda: PatientFactory().user,
        # A flag on a patient's row (set by mistake) grants nothing.
        "patient_with_flag": lambda: PatientFactory(user__clinical_lead=True).user,
    }[who]()
    got = statuses(client, user, ["reports", *COUNTS, *OUTCOMES])
    assert set(got.values()) == {404}


def test_homes_link_to_the_reports_in_plain_words(client, clinic):
    client.force_login(ClinicAdminFactory())
    schedule = client.get(reverse("schedule")).content.decode()
    assert "Service reports: waiting times, attendance, caseloads</a>" in schedule
    client.force_login(TherapistFactory(clinical_lead=True))
    assert "Service outcome reports" in client.get(reverse("caseload")).content.decode()
    client.force_login(TherapistFactory())
    assert reverse("reports") not in client.get(reverse("caseload")).content.decode()


def test_report_views_and_downloads_are_audited(client, clinic):
    lead = ClinicAdminFactory(clinical_lead=True)
    client.force_login(lead)
    client.get(reverse("report_outcomes"))
    client.get(reverse("report_outcomes_csv"))
    events = list(
        AuditEvent.objects.filter(actor=lead)
        .order_by("at", "id")
        .values_list("action", "object_type")
    )
    assert events == [("view", "reports.Outcomes"), ("export", "reports.Outcomes.csv")]


def test_the_django_admin_grants_clinical_lead_and_audits_it(client, clinic):
    """Until the staff page exists, a superuser grants the flag in the Django admin
    (AuditedAdmin): the list shows and filters it, and the change is audited."""
    superuser = ClinicAdminFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    therapist = TherapistFactory(full_name="Tess Lead")
    listing = client.get(
        reverse("admin:accounts_user_changelist") + "?clinical_lead__exact=0"
    )
    assert "Tess Lead" in listing.content.decode()
    assert "clinical lead" in listing.content.decode().lower()
    url = reverse("admin:accounts_user_change", args=[therapist.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name in form.fields
    }
    data["clinical_lead"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    therapist.refresh_from_db()
    assert therapist.is_clinical_lead
    assert AuditEvent.objects.filter(
        action="change", object_type="accounts.User", object_id=str(therapist.pk)
    ).exists()
