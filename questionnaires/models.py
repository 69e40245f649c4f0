import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from . import scoring


class Instrument(models.Model):
    """One version of a questionnaire's definition (see definitions.py)."""

    code = models.CharField(max_length=20)
    version = models.PositiveSmallIntegerField()
    definition = models.JSONField()
    checksum = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="instrument_version_once"
            )
        ]

    def __str__(self):
        return f"{self.title} (version {self.version})"

    @property
    def title(self):
        return self.definition["title"]

    @property
    def groups(self):
        return self.definition["groups"]

    @property
    def items(self):
        return scoring.items(self.definition)

    @property
    def is_scored(self):
        return bool(self.definition.get("scored"))


class AssignmentQuerySet(models.QuerySet):
    def for_patient_user(self, user):
        return self.filter(patient__user=user)


class Assignment(models.Model):
    """A questionnaire the patient is asked to answer: the intake once per course,
    PHQ-9 and GAD-7 once per session (open from the clinic's first reminder lead time
    before the session until the session ends)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(max_length=20)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="assignments"
    )
    course = models.ForeignKey(
        "therapy.Course", on_delete=models.CASCADE, related_name="assignments"
    )
    session = models.ForeignKey(
        "therapy.Session",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["course", "code"],
                condition=Q(session__isnull=True),
                name="course_questionnaire_once",
            ),
            models.UniqueConstraint(
                fields=["session", "code"],
                condition=Q(session__isnull=False),
                name="session_measure_once",
            ),
        ]

    def __str__(self):
        return f"{self.code} assignment {self.public_id}"


class ResponseQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status=Response.Status.SUBMITTED)

    def for_course(self, course):
        return self.filter(assignment__course=course)


class Response(models.Model):
    """The patient's answers. A draft until submitted; never changed after.

    On PostgreSQL a trigger (migration 0002) refuses any UPDATE of a submitted row."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Started"
        SUBMITTED = "submitted", "Sent"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="response"
    )
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="responses"
    )
    answers = models.JSONField(default=dict)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    band = models.CharField(max_length=40, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    def __str__(self):
        return f"Response {self.public_id}"

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED


class RiskFlagQuerySet(models.QuerySet):
    def open(self):
        return self.filter(acknowledged_at__isnull=True)

    def for_therapist(self, user):
        return self.filter(course__therapist=user)


class RiskFlag(models.Model):
    """Raised when PHQ-9 item 9 is above 0; open until the course's therapist
    acknowledges it with a note."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    response = models.OneToOneField(
        Response, on_delete=models.PROTECT, related_name="risk_flag"
    )
    course = models.ForeignKey(
        "therapy.Course", on_delete=models.CASCADE, related_name="risk_flags"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="risk_flags"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledgement = models.TextField(blank=True)
    # When the clinic was told the flag was still open after the next working day
    # (therapy/risk.py); set once, so the clinic is told once.
    escalated_at = models.DateTimeField(null=True, blank=True)

    objects = RiskFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self):
        return f"Risk flag {self.public_id}"
