"""Operations on patient records. Each change writes its audit event in its own
transaction (`created_by`/`by` is who acts, `ip` their address when a view knows
it)."""

import logging

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from dit_portal.accounts import services as accounts
from dit_portal.accounts.models import User
from dit_portal.audit import services as audit
from dit_portal.core.errors import ReferralError

from .models import Patient, Referral

log = logging.getLogger(__name__)


CONTACT_FIELDS = ("phone", "email_reminders", "sms_reminders", "reminders_opt_out")


@transaction.atomic
def create_invited_patient(
    *,
    full_name,
    email,
    nhs_number,
    date_of_birth,
    created_by,
    therapist=None,
    referred_on=None,
    source=Referral.Source.GP,
    ip=None,
):
    """Create the patient's account (no password yet), record, first referral (today
    unless given) and an invitation.

    Returns (patient, token); the caller sends the email once this has committed.
    """
    user = User.objects.create_user(
        email=email, full_name=full_name, role=User.Role.PATIENT
    )
    EmailAddress.objects.create(
        user=user, email=user.email, verified=False, primary=True
    )
    referred_on = referred_on or timezone.localdate()
    check_referral_date(referred_on)
    patient = Patient.objects.create(
        user=user,
        nhs_number=nhs_number,
        date_of_birth=date_of_birth,
        therapist=therapist,
        referral_date=referred_on,
    )
    Referral.objects.create(patient=patient, referred_on=referred_on, source=source)
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


# Referrals --------------------------------------------------------------------------


def check_referral_date(day, after=None):
    if day > timezone.localdate():
        raise ReferralError("The referral date must be today or in the past.")
    if after is not None and day < after:
        raise ReferralError(
            f"The referral date must be on or after the last referral, {after:%-d %B %Y}."
        )


def re_refer(patient, *, referred_on, source, by, ip=None):
    """Refer a discharged (or dropped-out) patient again: a new referral with its own
    dates, their earlier course kept with the earlier referral. They are back on the
    waiting list, referred on the new date."""
    with transaction.atomic():
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        if not patient.may_be_referred_again:
            raise ReferralError(
                "Only a patient who has been discharged or dropped out can be "
                "referred again. This patient is "
                f"{patient.get_status_display().lower()}."
            )
        last = patient.referrals.latest_first().first()
        check_referral_date(referred_on, after=last.referred_on if last else None)
        referral = Referral.objects.create(
            patient=patient, referred_on=referred_on, source=source
        )
        patient.referral_date = referred_on
        patient.status = Patient.Status.REFERRED
        patient.save(update_fields=["referral_date", "status"])
        audit.record_change(by, audit.Action.CREATE, referral, patient=patient, ip=ip)
    return referral
