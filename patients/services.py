"""Operations on patient records. Each change writes its audit event in its own
transaction (`created_by`/`by` is who acts, `ip` their address when a view knows
it)."""

import logging

from allauth.account.models import EmailAddress
from django.db import transaction

from dit_portal.accounts import services as accounts
from dit_portal.accounts.models import User
from dit_portal.audit import services as audit

from .models import Patient

log = logging.getLogger(__name__)


CONTACT_FIELDS = ("phone", "email_reminders", "sms_reminders", "reminders_opt_out")


@transaction.atomic
def create_invited_patient(
    *, full_name, email, nhs_number, date_of_birth, created_by, therapist=None, ip=None
):
    """Create the patient's account (no password yet) and record, and an invitation.

    Returns (patient, token); the caller sends the email once this has committed.
    """
    user = User.objects.create_user(
        email=email, full_name=full_name, role=User.Role.PATIENT
    )
    EmailAddress.objects.create(
        user=user, email=user.email, verified=False, primary=True
    )
    patient = Patient.objects.create(
        user=user,
        nhs_number=nhs_number,
        date_of_birth=date_of_birth,
        therapist=therapist,
    )
    token = accounts.create_invitation(user, created_by=created_by)
    audit.record_change(
        created_by, audit.Action.CREATE, patient, patient=patient, ip=ip
    )
    return patient, token


def send_invitation(patient, token, clinic):
    """Email the invitation; False (and a log line without personal data) on failure."""
    try:
        accounts.send_invitation_email(patient.user, token, clinic)
    except Exception as error:  # noqa: BLE001 - any mail failure is reported the same
        # The error's text can hold the address, so only its type is logged.
        log.error(  # noqa: TRY400
            "Invitation email for patient %s was not sent (%s)",
            patient.public_id,
            type(error).__name__,
        )
        return False
    return True


def invite_patient(*, clinic, **fields):
    patient, token = create_invited_patient(**fields)
    return patient, send_invitation(patient, token, clinic)


def resend_invitation(patient, *, clinic, created_by, ip=None):
    """A new link (earlier ones stop working), emailed; False if the email failed."""
    with transaction.atomic():
        token = accounts.create_invitation(patient.user, created_by=created_by)
        audit.record_change(
            created_by,
            audit.Action.CREATE,
            patient=patient,
            object_type="accounts.Invitation",
            ip=ip,
        )
    return send_invitation(patient, token, clinic)


def save_contact_preferences(patient, *, by, ip=None, **preferences):
    """How the patient hears from the clinic (their phone and reminder choices)."""
    unknown = set(preferences) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Not contact preferences: {sorted(unknown)}")
    with transaction.atomic():
        for name, value in preferences.items():
            setattr(patient, name, value)
        patient.save(update_fields=list(preferences))
        audit.record_change(by, audit.Action.CHANGE, patient, patient=patient, ip=ip)
    return patient
