"""Clinic admins' pages for the clinic's resources: rooms, therapists' working hours
and closures (with the sessions a closure hits). Changes go through
therapy/scheduling/resources.py, which writes their audit events."""

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dit_portal.accounts.decorators import clinic_admin_required
from dit_portal.accounts.models import User
from dit_portal.audit import services as audit
from dit_portal.core.forms import posted
from therapy.models import Closure, Room, TherapistAvailability

from .. import availability, planning
from .. import resources as changes
from ..admin_forms import AvailabilityForm, ClosureForm, NewRoomForm, RoomForm


@clinic_admin_required
def resources(request):
    return render(request, "therapy/schedule/resources.html")


@clinic_admin_required
def rooms(request):
    form = NewRoomForm(posted(request))
    if request.method == "POST" and form.is_valid():
        room = changes.save(form, by=request.user, ip=audit.client_ip(request))
        messages.success(request, f"{room.name} added.")
        return redirect("rooms")
    return render(
        request,
        "therapy/schedule/rooms.html",
        {"rooms": Room.objects.all(), "form": form},
    )


@clinic_admin_required
def edit_room(request, pk):
    room = get_object_or_404(Room, pk=pk)
    form = RoomForm(posted(request), instance=room)
    if request.method == "POST" and form.is_valid():
        room = changes.save(form, by=request.user, ip=audit.client_ip(request))
        messages.success(request, f"{room.name} saved.")
        return redirect("rooms")
    return render(
        request, "therapy/schedule/edit_room.html", {"room": room, "form": form}
    )


@clinic_admin_required
def working_hours(request):
    therapists = User.objects.therapists().prefetch_related("availability")
    return render(
        request, "therapy/schedule/working_hours.html", {"therapists": therapists}
    )


@clinic_admin_required
def therapist_hours(request, pk):
    therapist = get_object_or_404(User.objects.therapists(), pk=pk)
    form = AvailabilityForm(posted(request), therapist=therapist)
    if request.method == "POST" and form.is_valid():
        block = changes.save(form, by=request.user, ip=audit.client_ip(request))
        messages.success(
            request, f"Working hours added for {therapist.full_name}: {block}."
        )
        return redirect("therapist_hours", pk=therapist.pk)
    return render(
        request,
        "therapy/schedule/therapist_hours.html",
        {
            "therapist": therapist,
            "blocks": TherapistAvailability.objects.filter(therapist=therapist),
            "form": form,
        },
    )


@clinic_admin_required
@require_POST
def remove_hours(request, pk):
    block = get_object_or_404(TherapistAvailability, pk=pk)
    therapist = block.therapist
    changes.delete(block, by=request.user, ip=audit.client_ip(request))
    messages.success(
        request,
        f"Working hours removed for {therapist.full_name}: {block}. Sessions already "
        "booked in those hours stay booked.",
    )
    return redirect("therapist_hours", pk=therapist.pk)


@clinic_admin_required
def closures(request):
    form = ClosureForm(posted(request))
    if request.method == "POST" and form.is_valid():
        closure = changes.save(form, by=request.user, ip=audit.client_ip(request))
        messages.success(request, f"Closure added: {closure.reason}.")
        return redirect("closure_detail", pk=closure.pk)
    today = timezone.localdate()
    year_ahead = today + datetime.timedelta(days=365)
    holidays = []
    for year in range(today.year, year_ahead.year + 1):
        holidays += [
            (day, name)
            for day, name in planning.bank_holidays(year).items()
            if today <= day <= year_ahead
        ]
    return render(
        request,
        "therapy/schedule/closures.html",
        {
            "form": form,
            "bank_holidays": sorted(holidays),
            "closures": Closure.objects.filter(end_date__gte=today).select_related(
                "therapist"
            ),
        },
    )


@clinic_admin_required
def closure_detail(request, pk):
    closure = get_object_or_404(Closure.objects.select_related("therapist"), pk=pk)
    audit.record(request, audit.Action.VIEW, closure)
    hit = list(availability.sessions_hit_by(closure).order_by("start"))
    return render(
        request,
        "therapy/schedule/closure_detail.html",
        {"closure": closure, "sessions": hit},
    )


@clinic_admin_required
@require_POST
def delete_closure(request, pk):
    closure = get_object_or_404(Closure, pk=pk)
    changes.delete(closure, by=request.user, ip=audit.client_ip(request))
    messages.success(request, f"Closure removed: {closure.reason}.")
    return redirect("closures")
