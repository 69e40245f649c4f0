"""The Interpersonal Affective Focus (IPAF) and the goodbye letter.

Who may see which lives in their QuerySets' visible_to() (used only by
therapy.permissions); every change goes through therapy.ending."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from .scheduling import Session


class FocusAgreementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The course's therapist sees every version; the patient only versions that
        were shared with them; clinic admins and everyone else nothing."""
        if not user.is_authenticated:
            return self.none()
        if user.is_therapist:
            return self.filter(course__therapist=user)
        if user.is_patient:
            return self.filter(course__patient__user=user, shared_at__isnull=False)
        return self.none()

    def shared(self):
        return self.filter(shared_at__isnull=False)


class FocusAgreement(models.Model):
    """One version of a course's focus. A revision is a new row (version + 1); earlier
    versions stay as they were, readable by the therapist."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SHARED = "shared", "Shared with the patient"
        TALK = "talk", "Patient would like to talk about it"
        AGREED = "agreed", "Agreed"
        SUPERSEDED = "superseded", "Replaced by a later version"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(
        "therapy.Course", on_delete=models.PROTECT, related_name="focus_agreements"
    )
    version = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # The therapist's working formulation: never shown to the patient.
    self_in_relation = models.TextField(
        "how the patient sees themselves in relation to others", blank=True
    )
    other = models.TextField("how the patient sees the other person", blank=True)
    linking_feeling = models.TextField("the feeling that links them", blank=True)
    way_of_coping = models.TextField(
        "the way of coping with that feeling (defence)", blank=True
    )
    connection = models.TextField(
        "how the pattern connects to the difficulties that brought them", blank=True
    )
    # What the patient reads.
    patient_summary = models.TextField("summary for the patient", blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    patient_comment = models.TextField(blank=True)
    agreed_at_session = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = FocusAgreementQuerySet.as_manager()

    WORKING_FIELDS = (
        "self_in_relation",
        "other",
        "linking_feeling",
        "way_of_coping",
        "connection",
    )

    class Meta:
        ordering = ["course", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "version"], name="focus_version_per_course"
            ),
            models.UniqueConstraint(
                fields=["course"],
                condition=models.Q(status="draft"),
                name="one_focus_draft_per_course",
            ),
        ]

    def __str__(self):
        return f"Focus version {self.version}"

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def awaits_patient(self):
        return self.status == self.Status.SHARED

    @property
    def is_agreed(self):
        return self.status == self.Status.AGREED

    @property
    def asks_to_talk(self):
        return self.status == self.Status.TALK

    def working_items(self):
        """(label, text) of the therapist's working fields, in order."""
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in self.WORKING_FIELDS
        ]


class GoodbyeLetterQuerySet(models.QuerySet):
    def visible_to(self, user, now=None):
        """The course's therapist, always; the patient once it is shared and the
        session it was shared at has begun; nobody else."""
        if not user.is_authenticated:
            return self.none()
        if user.is_therapist:
            return self.filter(course__therapist=user)
        if user.is_patient:
            # From the session it was shared at, or at once if the course closed
            # before that session came.
            # (or at once if that session was cancelled).
            return self.filter(
                models.Q(shared_session__start__lte=now or timezone.now())
                | models.Q(course__ended_at__isnull=False)
                | models.Q(shared_session__status__in=Session.CANCELLED_STATUSES),
                course__patient__user=user,
                status=GoodbyeLetter.Status.SHARED,
            )
        return self.none()


class GoodbyeLetter(models.Model):
    """The therapist's letter for the end of therapy: drafted in the ending phase,
    shared at a chosen session, then fixed and kept in the patient's record."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SHARED = "shared", "Shared"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.OneToOneField(
        "therapy.Course", on_delete=models.PROTECT, related_name="goodbye_letter"
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    focus = models.TextField("the focus you worked on", blank=True)
    changes = models.TextField("what has changed", blank=True)
    still_to_work_on = models.TextField("what is left to work on", blank=True)
    shared_session = models.ForeignKey(
        "therapy.Session",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GoodbyeLetterQuerySet.as_manager()

    SECTIONS = ("focus", "changes", "still_to_work_on")

    def __str__(self):
        return "Goodbye letter"

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    def sections(self):
        """(heading, text) in the letter's order."""
        return [
            (self._meta.get_field(name).verbose_name.capitalize(), getattr(self, name))
            for name in self.SECTIONS
        ]
