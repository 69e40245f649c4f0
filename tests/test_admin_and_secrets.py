"""Second-factor secrets are encrypted at rest and never shown; the Django admin
audits what it shows and changes of people's records, and has no patient records."""

import pytest
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from dit_portal.accounts.mfa_adapter import development_key, secret_box
from dit_portal.audit.models import AuditEvent

from .factories import ClinicAdminFactory, TherapistFactory
from .helpers import sign_in_staff

pytestmark = pytest.mark.django_db


def stored_secret(user):
    return Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data[
        "secret"
    ]


def test_totp_secrets_are_stored_encrypted_and_still_work(client):
    therapist = TherapistFactory()
    stored = stored_secret(therapist)
    assert therapist.totp_secret not in stored
    assert secret_box().decrypt(stored.encode()).decode() == therapist.totp_secret
    response = sign_in_staff(client, therapist)
    assert response.status_code == 302


def test_rotating_the_key_re_encrypts_every_secret(client, settings):
    therapist = TherapistFactory()
    new_key = Fernet.generate_key().decode()
    settings.MFA_ENCRYPTION_KEYS = [new_key, development_key()]
    call_command("rotate_mfa_secrets", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.MFA_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    assert Fernet(new_key).decrypt(stored_secret(therapist).encode()).decode() == (
        therapist.totp_secret
    )
    assert sign_in_staff(client, therapist).status_code == 302


def test_a_secret_stored_before_encryption_is_encrypted_by_the_command():
    therapist = TherapistFactory()
    totp = Authenticator.objects.get(user=therapist, type=Authenticator.Type.TOTP)
    totp.data = {**totp.data, "secret": therapist.totp_secret}
    totp.save()
    call_command("rotate_mfa_secrets", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert stored_secret(therapist) != therapist.totp_secret
    assert secret_box().decrypt(stored_secret(therapist).encode()).decode() == (
        therapist.totp_secret
    )


@pytest.fixture
def superuser_client(client):
    admin = ClinicAdminFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_the_admin_never_shows_a_second_factor_secret(superuser_client):
    therapist = TherapistFactory()
    totp = Authenticator.objects.get(user=therapist, type=Authenticator.Type.TOTP)
    page = superuser_client.get(
        reverse("admin:mfa_authenticator_change", args=[totp.pk])
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert therapist.totp_secret not in html
    assert totp.data["secret"] not in html


def test_patient_records_are_not_in_the_admin():
    with pytest.raises(NoReverseMatch):
        reverse("admin:patients_patient_changelist")


def test_the_admin_audits_what_it_shows_of_a_patient(superuser_client, patient):
    url = reverse("admin:accounts_user_change", args=[patient.user.pk])
    assert superuser_client.get(url).status_code == 200
    assert AuditEvent.objects.filter(
        action="view", object_type="accounts.User", patient=patient
    ).exists()
    superuser_client.get(reverse("admin:accounts_user_changelist"))
    assert AuditEvent.objects.filter(
        action="view", object_type="admin.accounts.User"
    ).exists()
