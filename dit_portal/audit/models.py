from django.conf import settings
from django.db import models

from dit_portal.core.models import AppendOnlyModel, AppendOnlyQuerySet


class AuditEventQuerySet(AppendOnlyQuerySet):
    def for_patient(self, patient):
        return self.filter(patient=patient)


class AuditEvent(AppendOnlyModel):
    """Who did what to which record, when and from where. Append-only.

    On PostgreSQL a trigger (migration 0002) refuses UPDATE and DELETE as well, so
    not even a raw query can rewrite history.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        EXPORT = "export", "Exported"
        SIGN = "sign", "Signed"
        AGREE = "agree", "Agreed"
        SHARE = "share", "Shared"
        DELETE = "delete", "Deleted"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # A change of a person's details: {field: [before, after]} for the fields that
    # changed (identity and contact details only, never clinical content).
    changes = models.JSONField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["patient", "-at"])]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_type} {self.object_id}"
