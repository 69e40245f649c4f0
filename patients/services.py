"""Operations on patient records."""

import logging

from allauth.account.models import EmailAddress
from django.db import transaction

from dit_portal.accounts import services as accounts
from dit_portal.accounts.models import User

from .models import Patient

log = logging.getLogger(__name__)


@transaction.atomic
def create_invited_patient(
    *, full_name, email, nhs_number, date_of_birth, created_by, therapist=None
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


def resend_invitation(patient, *, clinic, created_by):
    token = accounts.create_invitation(patient.user, created_by=created_by)
    return send_invitation(patient, token, clinic)
