"""Operations on patient records. Each change writes its audit event in its own
transaction (`created_by`/`by` is who acts, `ip` their address when a view knows
it)."""

from django.db import transaction
from django.utils import timezone

from dit_portal.accounts import services as accounts
from dit_portal.accounts.models import User
from dit_portal.audit import services as audit
from dit_portal.core.errors import ReferralError

from .models import Patient, Referral

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
    user, token = accounts.create_invited_user(
        email=email, full_name=full_name, role=User.Role.PATIENT, created_by=created_by
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
    audit.record_change(
        created_by, audit.Action.CREATE, patient, patient=patient, ip=ip
    )
    return patient, token


def send_invitation(patient, token, clinic):
    """Email the invitation; False (and a log line without personal data) on failure."""
    return accounts.send_invitation(patient.user, token, clinic)


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


# What the clinic may change of a patient's details, and where each is kept.
USER_DETAILS = ("full_name",)
PATIENT_DETAILS = ("phone", "gp_practice", "nhs_number", "date_of_birth")


def save_details(patient, *, by, clinic, ip=None, email=None, **details):
    """A clinic admin corrects a patient's details. Each change is audited with the
    before and after of the fields that changed. A new email address is not used
    until the patient confirms it from a link sent there: until then sign-in and
    messages keep the old one. Returns whether a confirmation link was sent (None
    if the address did not change)."""
    unknown = set(details) - set(USER_DETAILS + PATIENT_DETAILS)
    if unknown:
        raise TypeError(f"Not patient details: {sorted(unknown)}")
    user_values = {name: details[name] for name in USER_DETAILS if name in details}
    patient_values = {
        name: details[name] for name in PATIENT_DETAILS if name in details
    }
    email_changed = email is not None and email.strip().lower() != patient.user.email
    with transaction.atomic():
        changes = audit.differences(patient.user, user_values)
        changes |= audit.differences(patient, patient_values)
        for name, value in user_values.items():
            setattr(patient.user, name, value)
        for name, value in patient_values.items():
            setattr(patient, name, value)
        if user_values:
            patient.user.save(update_fields=list(user_values))
        if patient_values:
            patient.save(update_fields=list(patient_values))
        token = None
        if email_changed:
            email = email.strip().lower()
            token = accounts.request_email_change(patient.user, email, by=by)
            # Requested, not yet in use: the confirmation is audited when it comes.
            changes["email_requested"] = [patient.user.email, email]
        if changes:
            audit.record_change(
                by,
                audit.Action.CHANGE,
                patient,
                patient=patient,
                ip=ip,
                changes=changes,
            )
    if token is None:
        return None
    accounts.send_email_change_notice(patient.user, clinic)
    return accounts.send_email_change(patient.user, email, token, clinic)


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
