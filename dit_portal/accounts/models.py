import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **fields):
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        fields.setdefault("role", User.Role.CLINIC_ADMIN)
        return self._create(email, password, **fields)

    def staff(self):
        return self.filter(role__in=User.STAFF_ROLES, is_active=True)

    def therapists(self):
        return self.filter(role=User.Role.THERAPIST, is_active=True).order_by(
            "full_name"
        )


# Titles a greeting skips to reach a first name.
TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor"})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a patient, a therapist or a clinic admin."""

    class Role(models.TextChoices):
        PATIENT = "patient", "Patient"
        THERAPIST = "therapist", "Therapist"
        CLINIC_ADMIN = "clinic_admin", "Clinic admin"

    STAFF_ROLES = (Role.THERAPIST, Role.CLINIC_ADMIN)

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PATIENT)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "Django admin access",
        default=False,
        help_text="Lets a clinic admin use the Django admin site (/django-admin/).",
    )
    # Outcome reports are built from scores, which clinic admins otherwise never see:
    # the clinical lead (a therapist or an admin) is the one who may read them.
    clinical_lead = models.BooleanField(
        "clinical lead",
        default=False,
        # A database default too: rows written by older code or raw SQL get "no".
        db_default=False,
        help_text="May read the service's outcome reports, which are built from scores.",
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        """What a message's greeting calls the person: their first name, after any
        title ("Dr Sam Okafor" is "Sam"). With a title and one name only ("Dr
        Okafor"), the whole name, as "Hello Okafor," would be rude."""
        words = self.full_name.split()
        untitled = list(words)
        while untitled and untitled[0].rstrip(".").lower() in TITLES:
            untitled.pop(0)
        if len(untitled) < 2 and len(untitled) < len(words):
            return " ".join(words)
        return untitled[0] if untitled else self.email

    @property
    def is_patient(self):
        return self.role == self.Role.PATIENT

    @property
    def is_therapist(self):
        return self.role == self.Role.THERAPIST

    @property
    def is_clinic_admin(self):
        return self.role == self.Role.CLINIC_ADMIN

    @property
    def is_clinical_lead(self):
        """Only staff can hold the flag: a patient row with it set grants nothing."""
        return self.clinical_lead and self.role in self.STAFF_ROLES and self.is_active

    @property
    def needs_mfa(self):
        """Staff, and anyone with Django admin access, must use two-factor sign-in."""
        return self.role in self.STAFF_ROLES or self.is_staff or self.is_superuser


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class SingleUseLinkQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())


class SingleUseLink(models.Model):
    """A link emailed once: only a hash of its token is stored (the token itself is
    in the email alone); it works until used or expired."""

    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = SingleUseLinkQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @staticmethod
    def new_token():
        return secrets.token_urlsafe(32)


class Invitation(SingleUseLink):
    """A one-time link for an invited patient to set their password.

    Only a hash of the token is stored; the token itself is in the email alone.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
    )

    def __str__(self):
        return f"Invitation for user {self.user_id}"


class EmailChange(SingleUseLink):
    """A new sign-in address the clinic entered, waiting for its owner to confirm it.

    Until they do, the account keeps its old address for sign-in and messages. Like an
    Invitation, only a hash of the token is stored; the token is in the email alone."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_changes"
    )
    new_email = models.EmailField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    def __str__(self):
        return f"Email change for user {self.user_id}"
