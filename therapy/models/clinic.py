"""The service's own details and rules (one row), editable by clinic admins."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


def parse_lead_hours(value):
    """'48, 2' -> [48, 2] (largest first); ValueError if it is not whole hours."""
    hours = sorted({int(part) for part in str(value).split(",") if part.strip()})
    if not hours or any(h < 1 or h > 24 * 14 for h in hours):
        raise ValueError
    return sorted(hours, reverse=True)


def validate_lead_hours(value):
    try:
        parse_lead_hours(value)
    except ValueError as error:
        raise ValidationError(
            "Enter whole hours between 1 and 336, separated by commas, like 48, 2."
        ) from error


class MissedSessionPolicy(models.TextChoices):
    NOT_REPLACED = "not_replaced", "It counts as one of the course's sessions"
    REPLACED = "replaced", "Another session is added at the end of the course"


class Clinic(models.Model):
    """The service's own details and rules. There is one row (Clinic.load())."""

    name = models.CharField(
        "service name", max_length=200, default="Dynamic Interpersonal Therapy Service"
    )
    portal_name = models.CharField(
        "portal name",
        max_length=100,
        default="Patient portal",
        help_text="Used in email subjects, so keep it free of clinical words.",
    )
    address = models.TextField(blank=True)
    phone = models.CharField("clinic phone", max_length=30, default="")
    pals_phone = models.CharField("PALS phone", max_length=30, default="")
    pals_email = models.EmailField("PALS email", default="", blank=True)
    pals_hours = models.CharField(
        "PALS opening hours",
        max_length=200,
        default="Monday to Friday, 9am to 5pm",
    )
    urgent_help_text = models.TextField(
        "urgent help",
        default=(
            "If you need help now for your mental health, call NHS 111 and choose "
            "option 2. If your life is at risk, call 999 or go to A&E. You can talk "
            "to Samaritans at any time on 116 123 (free, day or night)."
        ),
    )
    typical_wait_weeks = models.PositiveSmallIntegerField(
        "typical wait in weeks",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(104)],
        help_text=(
            "How long people usually wait from referral to a first session. "
            "Shown to patients on the waiting list; leave it blank to show nothing."
        ),
    )
    session_minutes = models.PositiveSmallIntegerField(
        "session length in minutes",
        default=50,
        validators=[MinValueValidator(20), MaxValueValidator(120)],
    )
    course_sessions = models.PositiveSmallIntegerField(
        "sessions in a course",
        default=16,
        validators=[MinValueValidator(4), MaxValueValidator(40)],
    )
    cancellation_notice_hours = models.PositiveSmallIntegerField(
        "cancellation notice in hours",
        default=24,
        validators=[MaxValueValidator(24 * 14)],
        help_text="Patients cannot cancel or move a session online closer than this.",
    )
    missed_session_policy = models.CharField(
        "when a patient cancels or misses a session",
        max_length=20,
        choices=MissedSessionPolicy.choices,
        default=MissedSessionPolicy.NOT_REPLACED,
        help_text="Sessions the clinic cancels are always replaced.",
    )
    booking_window_days = models.PositiveSmallIntegerField(
        "how far ahead patients can move a session (days)",
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    reminder_lead_hours = models.CharField(
        "reminder times (hours before a session)",
        max_length=50,
        default="48, 2",
        validators=[validate_lead_hours],
    )
    subjects_name_service = models.BooleanField(
        "name the service in email subjects",
        default=False,
        help_text=(
            "Off: subjects use the portal name only, so nobody glancing at an inbox "
            "learns that the person is in therapy. On: subjects use the service name."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "clinic settings"
        verbose_name_plural = "clinic settings"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        clinic, _ = cls.objects.get_or_create(pk=1)
        return clinic

    @property
    def address_line(self):
        """The address on one line, for messages and calendar files, which name it
        wherever they name a room."""
        return ", ".join(
            line.strip(" ,") for line in self.address.splitlines() if line.strip(" ,")
        )

    @property
    def reminder_leads(self):
        return parse_lead_hours(self.reminder_lead_hours)

    @property
    def name_outside_portal(self):
        """The name on anything seen outside the portal (email subjects, calendar
        entries): the portal's, unless the clinic allows its own, which may say
        'therapy' to whoever glances at an inbox or a shared calendar."""
        return self.name if self.subjects_name_service else self.portal_name

    @property
    def notice(self):
        """How far ahead patients must cancel, move or book online."""
        return datetime.timedelta(hours=self.cancellation_notice_hours)

    @property
    def replaces_missed_sessions(self):
        return self.missed_session_policy == MissedSessionPolicy.REPLACED

    @property
    def course_weeks_text(self):
        return (
            f"{self.course_sessions} weekly sessions of {self.session_minutes} minutes"
        )
