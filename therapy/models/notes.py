"""The therapist's clinical notes and their addenda."""

import uuid

from django.conf import settings
from django.db import models

from dit_portal.core.models import AppendOnlyModel


class ClinicalNoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one rule for clinical notes: only the therapist on the course.

        Patients, clinic admins and other therapists see none (views answer 404)."""
        if not user.is_authenticated or not user.is_therapist:
            return self.none()
        return self.filter(session__course__therapist=user)


class ClinicalNote(models.Model):
    """The therapist's note on one session: draft, then signed (locked for good).

    The prompts fit the initial phase, where the therapist builds a picture of the
    patient's relationships. After signing, corrections and later thoughts are
    ClinicalNoteAddendum rows; on PostgreSQL a trigger (migration therapy/0005)
    refuses any change to a signed note. Never shown to patients or clinic admins.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.OneToOneField(
        "therapy.Session", on_delete=models.PROTECT, related_name="note"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    relationships = models.TextField("relationships explored", blank=True)
    patterns = models.TextField("patterns emerging", blank=True)
    risk = models.TextField("risk", blank=True)
    other = models.TextField("other notes", blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClinicalNoteQuerySet.as_manager()

    PROMPT_FIELDS = ("relationships", "patterns", "risk", "other")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        status="draft", signed_by__isnull=True, signed_at__isnull=True
                    )
                    | models.Q(
                        status="signed",
                        signed_by__isnull=False,
                        signed_at__isnull=False,
                    )
                ),
                name="clinical_note_signed_has_signer_and_time",
            )
        ]

    def __str__(self):
        return f"Note on session {self.session.number}"

    @property
    def is_signed(self):
        return self.status == self.Status.SIGNED

    @property
    def is_empty(self):
        return not any(getattr(self, name).strip() for name in self.PROMPT_FIELDS)


class ClinicalNoteAddendum(AppendOnlyModel):
    """Something added to a signed note. Append-only, like the audit trail."""

    note = models.ForeignKey(
        ClinicalNote, on_delete=models.PROTECT, related_name="addenda"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "clinical note addenda"

    def __str__(self):
        return f"Addendum {self.pk}"
