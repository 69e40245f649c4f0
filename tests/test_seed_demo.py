"""`seed_demo` gives a newcomer a working login for every role, and can run twice."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command

from dit_portal.accounts.models import User
from patients.models import Patient
from patients.nhs_number import is_valid
from therapy.management.commands.seed_demo import DEMO_PASSWORD
from therapy.models import Clinic

from .helpers import sign_in

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_prints_logins(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    counts = (User.objects.count(), Patient.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Patient.objects.count()) == counts
    for email in [
        "admin@demo.invalid",
        "therapist@demo.invalid",
        "patient@demo.invalid",
    ]:
        assert email in first
    assert DEMO_PASSWORD in first


def test_seeded_data_is_sound():
    call_command("seed_demo")
    assert Clinic.load().pals_phone
    assert {role for role in User.objects.values_list("role", flat=True)} == {
        "patient",
        "therapist",
        "clinic_admin",
    }
    assert all(
        is_valid(n) for n in Patient.objects.values_list("nhs_number", flat=True)
    )
    assert len({p.status for p in Patient.objects.all()}) >= 3
    for user in User.objects.staff():
        assert Authenticator.objects.filter(user=user, type="totp").exists()


def test_demo_patient_can_sign_in(client):
    call_command("seed_demo")
    response = sign_in(client, "patient@demo.invalid", DEMO_PASSWORD)
    assert response.status_code == 302
    assert b"Alex Morgan" in client.get("/", follow=True).content


def test_demo_mfa_code_is_off_outside_the_embedded_debug_mode(settings):
    # Tests run with DEBUG off against PostgreSQL: the bypass setting must not exist.
    assert not getattr(settings, "MFA_TOTP_INSECURE_BYPASS_CODE", None)


def test_seeded_history_fills_the_reports():
    """`make run` shows reports with something in them: a year of referrals, waits,
    attendance and outcomes, a re-referral, people waiting, and a clinical lead."""
    from therapy.reports import attendance, outcomes, waiting
    from therapy.reports.forms import default_range

    call_command("seed_demo")
    assert User.objects.get(email="admin@demo.invalid").is_clinical_lead
    first, last = default_range()
    assert waiting.waiting_times(first, last).total.started >= 10
    waiters = waiting.waiting_list()
    assert any(w.past_18 for w in waiters) and any(not w.past_6 for w in waiters)
    assert attendance.attendance(first, last).total.dna > 0
    assert len(outcomes.outcomes(first, last).total.outcomes) >= 5
    assert (
        Patient.objects.get(user__email="history0@demo.invalid").referrals.count() == 2
    )
