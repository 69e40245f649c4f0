"""The clinic admins' staff pages. Other people get 404 (clinic_admin_or_404).
Changes that touch who can sign in, and how, ask for the password again if the
admin's last sign-in is more than a few minutes old (allauth's re-authentication)."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from dit_portal.audit import services as audit
from dit_portal.core.errors import BookingError, StaffError
from dit_portal.core.forms import posted
from patients.permissions import get_patient_for
from therapy.models import Clinic
from therapy.scheduling import handover

from ..decorators import clinic_admin_or_404
from ..models import User
from . import services
from .forms import HandOverForm, InviteStaffForm, StaffDetailsForm

recently_signed_in = reauthentication_required(allow_get=True)


def get_staff_for(pk):
    return get_object_or_404(User, pk=pk, role__in=User.STAFF_ROLES)


def fields(form):
    return {name: form.cleaned_data[name] for name in StaffDetailsForm.base_fields}


@clinic_admin_or_404
@require_GET
def staff_list(request):
    return render(
        request, "accounts/staff/list.html", {"staff": services.staff_members()}
    )


@clinic_admin_or_404
@recently_signed_in
def invite_staff(request):
    form = InviteStaffForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            user, sent = services.invite_staff(
                email=form.cleaned_data["email"],
                by=request.user,
                clinic=Clinic.load(),
                ip=audit.client_ip(request),
                **fields(form),
            )
        except IntegrityError:
            form.add_error("email", "Someone already uses this email address.")
        else:
            if sent:
                messages.success(request, f"Invitation sent to {user.email}.")
            else:
                messages.warning(request, "Account added, but the email failed.")
            return redirect("staff_detail", pk=user.pk)
    return render(request, "accounts/staff/invite.html", {"form": form})


@clinic_admin_or_404
@require_GET
def staff_detail(request, pk):
    """The person, and the caseload to hand over before they can leave."""
    person = get_staff_for(pk)
    rows = handover.caseload(person) if person.is_therapist else []
    if rows:
        audit.record_listed(
            request, [row.patient for row in rows], "accounts.StaffCaseload"
        )
    has_mfa = services.staff_members().get(pk=person.pk).has_mfa
    return render(
        request,
        "accounts/staff/detail.html",
        {
            "person": person,
            "has_mfa": has_mfa,
            "rows": rows,
            "therapists": list(handover.other_therapists(person)) if rows else [],
        },
    )


@clinic_admin_or_404
@recently_signed_in
def edit_staff(request, pk):
    person = get_staff_for(pk)
    initial = {name: getattr(person, name) for name in StaffDetailsForm.base_fields}
    form = StaffDetailsForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_staff(
                person, by=request.user, ip=audit.client_ip(request), **fields(form)
            )
        except StaffError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Details saved.")
            return redirect("staff_detail", pk=person.pk)
    return render(request, "accounts/staff/edit.html", {"form": form, "person": person})


def confirmed_action(request, pk, action, template, done):
    """A GET asks; a POST does `action` (a service) or shows why it was refused."""
    person = get_staff_for(pk)
    error = None
    if request.method == "POST":
        try:
            action(person, by=request.user, ip=audit.client_ip(request))
        except StaffError as refused:
            error = refused.message
        else:
            messages.success(request, done.format(name=person.full_name))
            return redirect("staff_detail", pk=person.pk)
    return render(request, template, {"person": person, "error": error})


@clinic_admin_or_404
@recently_signed_in
def deactivate_staff(request, pk):
    return confirmed_action(
        request,
        pk,
        services.deactivate,
        "accounts/staff/deactivate.html",
        "{name} can no longer sign in, and has been signed out.",
    )


@clinic_admin_or_404
@recently_signed_in
def reset_staff_mfa(request, pk):
    return confirmed_action(
        request,
        pk,
        services.reset_two_factor,
        "accounts/staff/reset_mfa.html",
        "Two-factor sign-in reset. {name} sets it up again at their next sign-in.",
    )


@clinic_admin_or_404
@require_POST
@recently_signed_in
def reactivate_staff(request, pk):
    person = get_staff_for(pk)
    services.reactivate(person, by=request.user, ip=audit.client_ip(request))
    messages.success(request, f"{person.full_name} can sign in again.")
    return redirect("staff_detail", pk=person.pk)


@clinic_admin_or_404
@require_POST
def resend_staff_invitation(request, pk):
    person = get_staff_for(pk)
    try:
        sent = services.resend_invitation(
            person, by=request.user, clinic=Clinic.load(), ip=audit.client_ip(request)
        )
    except StaffError as error:
        messages.info(request, error.message)
    else:
        if sent:
            messages.success(request, "A new invitation has been sent.")
        else:
            messages.warning(
                request, "The invitation email could not be sent. Try again."
            )
    return redirect("staff_detail", pk=person.pk)


@clinic_admin_or_404
@require_POST
def hand_over(request, pk):
    """One patient of the caseload (and their live course) to another therapist."""
    person = get_staff_for(pk)
    form = HandOverForm(request.POST, therapists=handover.other_therapists(person))
    if form.is_valid():
        patient = get_patient_for(request.user, form.cleaned_data["patient"])
        to = form.cleaned_data["to_therapist"]
        try:
            handover.hand_over(
                patient,
                to,
                from_therapist=person,
                by=request.user,
                ip=audit.client_ip(request),
            )
        except BookingError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"{patient.full_name} handed over to {to.full_name}."
            )
    else:
        messages.error(request, "Choose the therapist who takes the patient over.")
    return redirect("staff_detail", pk=person.pk)
