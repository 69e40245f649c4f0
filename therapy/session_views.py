from django.http import Http404
from django.shortcuts import render

from dit_portal.accounts.decorators import patient_required, therapist_required
from patients.models import Patient


@patient_required
def my_therapy(request):
    patient = (
        Patient.objects.visible_to(request.user).select_related("therapist").first()
    )
    if patient is None:
        raise Http404
    return render(request, "therapy/my_therapy.html", {"patient": patient})


@therapist_required
def caseload(request):
    patients = Patient.objects.visible_to(request.user).select_related("user")
    return render(request, "therapy/caseload.html", {"patients": patients})
