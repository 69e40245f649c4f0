from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dit_portal.accounts.decorators import (
    clinic_admin_required,
    patient_required,
    role_required,
)
from dit_portal.accounts.models import User
from dit_portal.accounts.services import pending_email
from dit_portal.audit import services as audit
from dit_portal.core.errors import ReferralError
from dit_portal.core.forms import posted
from therapy.models import Clinic

from . import search, selectors, services
from .forms import (
    ContactPreferencesForm,
    InvitePatientForm,
    PatientDetailsForm,
    ReReferForm,
    SearchForm,
)
from .models import Patient
from .permissions import get_patient_for

PAGE_SIZE = 50
SEARCH = "patients.PatientSearch"
INVITE_FIELDS = (
    "full_name",
    "email",
    "nhs_number",
    "date_of_birth",
    "therapist",
    "referred_on",
    "source",
)


@clinic_admin_required
def patient_list(request):
    patients = Patient.objects.visible_to(request.user).select_related(
        "user", "therapist"
    )
    status = request.GET.get("status")
    if status in Patient.Status.values:
        patients = patients.filter(status=status)
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # read once, for the audit and the page
    audit.record(request, audit.Action.VIEW, object_type="patients.PatientList")
    audit.record_listed(request, page.object_list, "patients.PatientList")
    return render(
        request,
        "patients/patient_list.html",
        {"page": page, "statuses": Patient.Status.choices, "status": status},
    )


NOT_SENT = (
    "Patient added, but the invitation email could not be sent. "
    "Try 'Send a new invitation' in a few minutes."
)


@clinic_admin_required
def invite(request):
    form = InvitePatientForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            patient, sent = services.invite_patient(
                clinic=Clinic.load(),
                created_by=request.user,
                ip=audit.client_ip(request),
                **{name: form.cleaned_data[name] for name in INVITE_FIELDS},
            )
        except IntegrityError:
            form.add_error(
                None,
                "This patient was added by someone else a moment ago. "
                "Check the patient list before adding them again.",
            )
        else:
            if sent:
                messages.success(request, "Patient added and invitation sent.")
            else:
                messages.warning(request, NOT_SENT)
            return redirect("patient_detail", public_id=patient.public_id)
    return render(
        request,
        "patients/invite.html",
        {"form": form, "valid_days": settings.INVITATION_VALID_DAYS},
    )


@role_required(User.Role.CLINIC_ADMIN, User.Role.THERAPIST)
def patient_detail(request, public_id):
    patient = get_patient_for(request.user, public_id)
    audit.record(request, audit.Action.VIEW, patient, patient=patient)
    record = selectors.patient_record(patient, request.user)
    return render(request, "patients/patient_detail.html", {"page": record})


@clinic_admin_required
@require_POST
def resend_invitation(request, public_id):
    patient = get_patient_for(request.user, public_id)
    if patient.user.has_usable_password():
        messages.info(request, "This patient has already set a password.")
    elif services.resend_invitation(
        patient,
        clinic=Clinic.load(),
        created_by=request.user,
        ip=audit.client_ip(request),
    ):
        messages.success(request, "A new invitation has been sent.")
    else:
        messages.warning(request, "The invitation email could not be sent. Try again.")
    return redirect("patient_detail", public_id=patient.public_id)


LINK_NOT_SENT = (
    "The email with the confirmation link could not be sent. Save the new address "
    "again in a few minutes to send a new link."
)


@clinic_admin_required
def edit_patient(request, public_id):
    """The clinic corrects a patient's details (checked as on invitation)."""
    patient = get_patient_for(request.user, public_id)
    form = PatientDetailsForm(posted(request), patient=patient)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.save_details(
                patient,
                by=request.user,
                clinic=Clinic.load(),
                ip=audit.client_ip(request),
                **form.cleaned_data,
            )
        except IntegrityError:
            form.add_error(
                None, "Someone else has just used these details. Check them."
            )
        else:
            messages.success(request, "Patient details saved.")
            if sent is True:
                messages.info(request, "We have emailed a link to the new address.")
            elif sent is False:
                messages.warning(request, LINK_NOT_SENT)
            return redirect("patient_detail", public_id=patient.public_id)
    audit.record(request, audit.Action.VIEW, patient, patient=patient)
    return render(
        request,
        "patients/edit.html",
        {"form": form, "patient": patient, "pending": pending_email(patient.user)},
    )


@clinic_admin_required
def refer_again(request, public_id):
    """A discharged patient referred again: a new referral, the old course kept."""
    patient = get_patient_for(request.user, public_id)
    form = ReReferForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.re_refer(
                patient,
                by=request.user,
                ip=audit.client_ip(request),
                **form.cleaned_data,
            )
        except ReferralError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, "Referred again: the patient is on the waiting list."
            )
            return redirect("patient_detail", public_id=patient.public_id)
    return render(
        request, "patients/refer_again.html", {"form": form, "patient": patient}
    )


@clinic_admin_required
def audit_log(request, public_id):
    """One patient's trail is the clinic's audit page filtered to them."""
    patient = get_patient_for(request.user, public_id)
    return redirect(f"{reverse('audit_events')}?patient={patient.public_id}")


@role_required(User.Role.CLINIC_ADMIN, User.Role.THERAPIST)
def patient_search(request):
    """Find a patient. Results are only the patients the user may see; each one
    shown is audited, as on the patient list."""
    form = SearchForm(posted(request))
    results = None
    if request.method == "POST" and form.is_valid():
        try:
            results = search.search(request.user, form.cleaned_data["q"])
        except search.SearchTermInvalid as error:
            form.add_error("q", error.message)
        else:
            audit.record(request, audit.Action.VIEW, object_type=SEARCH)
            audit.record_listed(request, results.patients, SEARCH)
    return render(
        request,
        "patients/search.html",
        {"form": form, "results": results, "max_results": search.MAX_RESULTS},
    )


@patient_required
def contact_preferences(request):
    """Patients choose how they hear from the clinic (their own record only)."""
    patient = Patient.objects.visible_to(request.user).first()
    if patient is None:
        raise Http404
    form = ContactPreferencesForm(posted(request), instance=patient)
    if request.method == "POST" and form.is_valid():
        services.save_contact_preferences(
            patient,
            by=request.user,
            ip=audit.client_ip(request),
            **{name: form.cleaned_data[name] for name in form.Meta.fields},
        )
        messages.success(request, "Your contact preferences are saved.")
        return redirect("my_therapy")
    return render(request, "patients/contact_preferences.html", {"form": form})
