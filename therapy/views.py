from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render

from dit_portal.accounts.decorators import (
    clinic_admin_required,
    patient_required,
    therapist_required,
)
from dit_portal.accounts.models import User
from dit_portal.audit import services as audit
from patients.models import Patient

from .forms import ClinicSettingsForm
from .models import Clinic

INFORMATION_PAGES = {
    "about-dit": "What is Dynamic Interpersonal Therapy?",
    "treatment": "How treatment is planned",
    "sessions": "What sessions are like",
    "risks": "Risks and side effects",
}


def information(request, slug="about-dit"):
    if slug not in INFORMATION_PAGES:
        raise Http404
    pages = list(INFORMATION_PAGES.items())
    index = list(INFORMATION_PAGES).index(slug)
    return render(
        request,
        f"therapy/information/{slug}.html",
        {
            "pages": INFORMATION_PAGES,
            "slug": slug,
            "title": INFORMATION_PAGES[slug],
            # (slug, title) of the pages either side, for the pagination links.
            "previous_page": pages[index - 1] if index > 0 else None,
            "next_page": pages[index + 1] if index + 1 < len(pages) else None,
        },
    )


def questions_or_worries(request):
    return render(request, "therapy/questions_or_worries.html")


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


@clinic_admin_required
def schedule(request):
    therapists = User.objects.therapists().annotate(
        active_patients=Count(
            "caseload",
            filter=Q(
                caseload__status__in=[
                    Patient.Status.REFERRED,
                    Patient.Status.IN_THERAPY,
                ]
            ),
        )
    )
    waiting = (
        Patient.objects.waiting()
        .filter(therapist__isnull=True)
        .select_related("user")
        .order_by("referral_date")
    )
    return render(
        request,
        "therapy/schedule.html",
        {"therapists": therapists, "waiting": waiting},
    )


@clinic_admin_required
def clinic_settings(request):
    clinic = Clinic.load()
    form = ClinicSettingsForm(request.POST or None, instance=clinic)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit.record(request, audit.Action.CHANGE, clinic)
        messages.success(request, "Clinic settings saved.")
        return redirect("clinic_settings")
    return render(request, "therapy/clinic_settings.html", {"form": form})
