"""A full copy of a patient's information (a subject access request): an admin asks
for it, a clinician reviews it, an admin releases it to the patient. Each step is
one transaction with its audit event; the row keeps who did each step and when."""

from django.db import transaction
from django.utils import timezone

from dit_portal.audit import services as audit
from dit_portal.core.errors import SubjectAccessError

from .bundle import subject_access_bundle
from .models import SubjectAccessRequest


def request_full_copy(patient, *, by, clinic, ip=None):
    """Make the full copy now (notes included) and keep it for review."""
    with transaction.atomic():
        request = SubjectAccessRequest.objects.create(
            patient=patient,
            requested_by=by,
            bundle=subject_access_bundle(patient, clinic=clinic, with_notes=True),
        )
        audit.record_change(by, audit.Action.CREATE, request, patient=patient, ip=ip)
    return request


def _locked(request):
    return SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)


def mark_reviewed(request, *, by, ip=None):
    """A clinician has read the copy and says it may go to the patient."""
    with transaction.atomic():
        request = _locked(request)
        if request.is_reviewed:
            raise SubjectAccessError("This copy has already been reviewed.")
        request.reviewed_by, request.reviewed_at = by, timezone.now()
        request.save(update_fields=["reviewed_by", "reviewed_at"])
        audit.record_change(
            by, audit.Action.SIGN, request, patient=request.patient, ip=ip
        )
    return request


def release(request, *, by, ip=None):
    """The patient may now download the copy from "My information"."""
    with transaction.atomic():
        request = _locked(request)
        if not request.is_reviewed:
            raise SubjectAccessError(
                "A clinician must review this copy before it is released."
            )
        if request.is_released:
            raise SubjectAccessError("This copy has already been released.")
        request.released_by, request.released_at = by, timezone.now()
        request.save(update_fields=["released_by", "released_at"])
        audit.record_change(
            by, audit.Action.SHARE, request, patient=request.patient, ip=ip
        )
    return request
