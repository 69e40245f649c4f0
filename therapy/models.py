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
    reminder_lead_hours = models.CharField(
        "reminder times (hours before a session)",
        max_length=50,
        default="48, 2",
        validators=[validate_lead_hours],
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
    def reminder_leads(self):
        return parse_lead_hours(self.reminder_lead_hours)

    @property
    def course_weeks_text(self):
        return (
            f"{self.course_sessions} weekly sessions of {self.session_minutes} minutes"
        )
