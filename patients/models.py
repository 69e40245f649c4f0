import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from . import nhs_number
from .nhs_number import validate_nhs_number


class PatientQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one rule for who may see which patient record."""
        if not user.is_authenticated:
            return self.none()
        if user.is_clinic_admin:
            return self
        if user.is_therapist:
            return self.filter(therapist=user)
        if user.is_patient:
            return self.filter(user=user)
        return self.none()

    def waiting(self):
        return self.filter(status=Patient.Status.REFERRED)

    def open(self):
        """Still in the clinic's care: waiting or in therapy."""
        return self.filter(status__in=Patient.OPEN_STATUSES)


class Patient(models.Model):
    """A patient's record: identity, contact preferences, GP and where they are."""

    class Status(models.TextChoices):
        REFERRED = "referred", "Referred"
        IN_THERAPY = "in_therapy", "In therapy"
        DISCHARGED = "discharged", "Discharged"
        DROPPED_OUT = "dropped_out", "Dropped out"

    OPEN_STATUSES = (Status.REFERRED, Status.IN_THERAPY)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="patient"
    )
    nhs_number = models.CharField(
        "NHS number", max_length=10, unique=True, validators=[validate_nhs_number]
    )
    date_of_birth = models.DateField()
    phone = models.CharField(max_length=30, blank=True)
    email_reminders = models.BooleanField(default=True)
    sms_reminders = models.BooleanField(default=False)
    reminders_opt_out = models.BooleanField(
        "no reminders at all",
        default=False,
    )
    gp_practice = models.CharField("GP practice", max_length=200, blank=True)
    referral_date = models.DateField(default=timezone.localdate)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.REFERRED
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caseload",
        limit_choices_to={"role": "therapist"},
        help_text="The therapist this patient is assigned to.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["user__full_name"]
        # Search by date of birth (patients/search.py); names and email addresses
        # have trigram indexes on the user table (accounts/0005).
        indexes = [models.Index(fields=["date_of_birth"], name="patient_dob")]

    def __str__(self):
        return self.user.full_name

    def save(self, *args, **kwargs):
        self.nhs_number = nhs_number.normalise(self.nhs_number)
        super().save(*args, **kwargs)

    @property
    def is_referred(self):
        """Waiting for a course to be planned."""
        return self.status == self.Status.REFERRED

    @property
    def may_be_referred_again(self):
        """Discharged or dropped out: a new referral starts a new wait."""
        return self.status in (self.Status.DISCHARGED, self.Status.DROPPED_OUT)

    @property
    def full_name(self):
        return self.user.full_name

    @property
    def nhs_number_display(self):
        return nhs_number.formatted(self.nhs_number)

    @property
    def days_waiting(self):
        return (timezone.localdate() - self.referral_date).days


class SubjectAccessRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Clinic admins: every request (they ask and release, never read the notes
        in it); a therapist: requests about their own patients, or every request if
        they are the clinical lead (the clinicians who review a copy before
        release); a patient: their own, once released."""
        if not user.is_authenticated:
            return self.none()
        if user.is_clinic_admin:
            return self
        if user.is_therapist:
            if user.is_clinical_lead:
                return self
            return self.filter(patient__therapist=user)
        if user.is_patient:
            return self.filter(patient__user=user, released_at__isnull=False)
        return self.none()

    def readable_copy(self, user):
        """Whose copy (with clinical notes) `user` may download: the reviewing
        clinicians at any time, the patient once released; never an admin."""
        if user.is_authenticated and user.is_clinic_admin:
            return self.none()
        return self.visible_to(user)


class SubjectAccessRequest(models.Model):
    """A full copy of a patient's information, clinical notes included, made when a
    clinic admin asks for it, reviewed by a clinician, then released to the
    patient. The times and people of each step are the record of the review."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="access_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # The copy itself, made once when asked for (patients.bundle, notes included),
    # so the clinician reviews exactly what the patient will get, however the
    # record changes in between.
    bundle = models.JSONField(editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    released_at = models.DateTimeField(null=True, blank=True)

    objects = SubjectAccessRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(released_at__isnull=True)
                | models.Q(reviewed_at__isnull=False),
                name="subject_access_released_after_review",
            )
        ]

    def __str__(self):
        return "Request for a copy of information"

    @property
    def is_reviewed(self):
        return self.reviewed_at is not None

    @property
    def is_released(self):
        return self.released_at is not None


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(patient__in=Patient.objects.visible_to(user))

    def latest_first(self):
        return self.order_by("-referred_on", "-pk")


class Referral(models.Model):
    """One referral of a patient to the service. A discharged patient can be referred
    again: a new row with its own dates, the earlier course kept with the earlier
    referral. First and second attended sessions and discharge are not stored here:
    they are read from the referral's courses and sessions, so they cannot disagree.
    `Patient.referral_date` is the date of the patient's latest referral (the
    services that add a referral set both)."""

    class Source(models.TextChoices):
        SELF = "self", "Self-referral"
        GP = "gp", "GP"
        OTHER = "other", "Other"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="referrals"
    )
    referred_on = models.DateField("referral date", default=timezone.localdate)
    source = models.CharField(
        "referred by", max_length=10, choices=Source.choices, default=Source.GP
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_on", "-pk"]
        indexes = [models.Index(fields=["referred_on"])]

    def __str__(self):
        return f"Referral {self.public_id}"
