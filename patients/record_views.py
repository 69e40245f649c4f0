"""A patient's own record: who has looked at it, and a copy of their information
(the subject access bundle); and the staff side of a full copy (ask, review,
release)."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dit_portal.accounts.decorators import patient_required, role_required
from dit_portal.accounts.models import User
from dit_portal.audit import selectors as access
from dit_portal.audit import services as audit
from dit_portal.core.errors import SubjectAccessError
from therapy.models import Clinic

from . import subject_access
from .bundle import subject_access_bundle
from .bundle_pdf import bundle_pdf
from .models import Patient, SubjectAccessRequest
from .permissions import get_patient_for

FORMATS = {
    "json": ("application/json; charset=utf-8", "my-information.json"),
    "pdf": ("application/pdf", "my-information.pdf"),
}


def _own_record(user):
    patient = Patient.objects.visible_to(user).select_related("user").first()
    if patient is None:
        raise Http404
    return patient


@patient_required
def my_record_access(request):
    patient = _own_record(request.user)
    # Their own look is recorded like any other, and never listed back to them.
    audit.record(
        request, audit.Action.VIEW, patient=patient, object_type="audit.AccessList"
    )
    page = access.access_page(patient, request.GET.get("page"))
    return render(request, "patients/my_record_access.html", {"page": page})


@patient_required
def my_information(request):
    patient = _own_record(request.user)
    released = SubjectAccessRequest.objects.visible_to(request.user)
    return render(
        request,
        "patients/my_information.html",
        {"patient": patient, "released": released},
    )


def _download(request, patient, fmt, bundle, obj=None):
    """The bundle as JSON or PDF, with its EXPORT event."""
    if fmt not in FORMATS:
        raise Http404
    audit.record(
        request,
        audit.Action.EXPORT,
        obj,
        patient=patient,
        object_type=None if obj else "patients.MyInformation",
    )
    if fmt == "json":
        body = json.dumps(bundle, ensure_ascii=False, indent=2).encode()
    else:
        body = bundle_pdf(bundle)
    content_type, filename = FORMATS[fmt]
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@patient_required
def my_information_download(request, fmt):
    patient = _own_record(request.user)
    if fmt not in FORMATS:
        raise Http404
    bundle = subject_access_bundle(patient, clinic=Clinic.load())
    return _download(request, patient, fmt, bundle)


@role_required(User.Role.CLINIC_ADMIN, User.Role.THERAPIST)
def subject_access_requests(request, public_id):
    """A patient's requests for a full copy; admins ask for a new one here."""
    patient = get_patient_for(request.user, public_id)
    if request.method == "POST":
        if not request.user.is_clinic_admin:
            raise PermissionDenied
        subject_access.request_full_copy(
            patient, by=request.user, clinic=Clinic.load(), ip=audit.client_ip(request)
        )
        messages.success(request, "Asked for a full copy. A clinician must review it.")
        return redirect("subject_access_requests", public_id=patient.public_id)
    audit.record(
        request,
        audit.Action.VIEW,
        patient=patient,
        object_type="patients.SubjectAccessRequest",
    )
    return render(
        request,
        "patients/subject_access_requests.html",
        {
            "patient": patient,
            "requests": patient.access_requests.select_related(
                "requested_by", "reviewed_by", "released_by"
            ),
        },
    )


def _request_for(user, public_id, queryset=SubjectAccessRequest.objects):
    return get_object_or_404(
        queryset.visible_to(user).select_related("patient__user"), public_id=public_id
    )


@role_required(User.Role.THERAPIST, User.Role.PATIENT)
def subject_access_copy(request, public_id, fmt):
    """The full copy as made when asked for, notes included: for the reviewing
    clinicians, and for the patient once released. Never for an admin (403 by
    role: they may not read notes)."""
    found = get_object_or_404(
        SubjectAccessRequest.objects.readable_copy(request.user).select_related(
            "patient__user"
        ),
        public_id=public_id,
    )
    return _download(request, found.patient, fmt, found.bundle, obj=found)


def _step(request, public_id, step, done):
    """One step of a full copy, its refusal shown as a message; the request."""
    found = _request_for(request.user, public_id)
    try:
        step(found, by=request.user, ip=audit.client_ip(request))
    except SubjectAccessError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return found


@role_required(User.Role.THERAPIST)
def subject_access_reviews(request):
    """The full copies this clinician may review: their own patients', or every
    one for the clinical lead. Newest first, 50 a page."""
    copies = SubjectAccessRequest.objects.visible_to(request.user).select_related(
        "patient__user", "requested_by", "reviewed_by"
    )
    page = Paginator(copies, 50).get_page(request.GET.get("page"))
    audit.record(
        request, audit.Action.VIEW, object_type="patients.SubjectAccessReviews"
    )
    return render(request, "patients/subject_access_reviews.html", {"page": page})


@require_POST
@role_required(User.Role.THERAPIST)
def review_subject_access(request, public_id):
    _step(request, public_id, subject_access.mark_reviewed, "Marked as reviewed.")
    return redirect("subject_access_reviews")


@require_POST
@role_required(User.Role.CLINIC_ADMIN)
def release_subject_access(request, public_id):
    found = _step(
        request,
        public_id,
        subject_access.release,
        "Released: the patient can download it from 'My information'.",
    )
    return redirect("subject_access_requests", public_id=found.patient.public_id)
