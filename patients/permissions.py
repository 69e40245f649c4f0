"""Object-level access to patient records: the one place this app decides it."""

from django.shortcuts import get_object_or_404

from .models import Patient


def get_patient_for(user, public_id):
    """The patient record if `user` may see it; 404 otherwise (never 403, so a
    record's existence is not revealed)."""
    return get_object_or_404(
        Patient.objects.visible_to(user).select_related("user", "therapist"),
        public_id=public_id,
    )
