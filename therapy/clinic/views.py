from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from dit_portal.accounts.decorators import clinic_admin_required
from dit_portal.audit import services as audit
from dit_portal.core.forms import posted
from therapy.models import Clinic

from . import risk_flags, services
from .forms import ClinicSettingsForm
from .information import INFORMATION_PAGES, neighbours


def information(request, slug="about-dit"):
    if slug not in INFORMATION_PAGES:
        raise Http404
    previous_page, next_page = neighbours(slug)
    return render(
        request,
        f"therapy/information/{slug}.html",
        {
            "pages": INFORMATION_PAGES,
            "slug": slug,
            "title": INFORMATION_PAGES[slug],
            "previous_page": previous_page,
            "next_page": next_page,
        },
    )


def questions_or_worries(request):
    return render(request, "therapy/questions_or_worries.html")


@clinic_admin_required
def clinic_settings(request):
    clinic = Clinic.load()
    form = ClinicSettingsForm(posted(request), instance=clinic)
    if request.method == "POST" and form.is_valid():
        services.save_settings(
            by=request.user,
            ip=audit.client_ip(request),
            **{name: form.cleaned_data[name] for name in form.Meta.fields},
        )
        messages.success(request, "Clinic settings saved.")
        return redirect("clinic_settings")
    return render(request, "therapy/clinic_settings.html", {"form": form})


@login_required
def open_risk_flags(request):
    """The clinic's open risk flags: the whole list for the clinical lead, the
    numbers for other clinic admins, and no such page for anyone else (404)."""
    if request.user.is_clinical_lead:
        page = risk_flags.open_flags()
        # One event per patient shown, however many of their flags are open.
        patients = list({row.patient.pk: row.patient for row in page.rows}.values())
        audit.record_listed(request, patients, object_type="therapy.OpenRiskFlags")
    elif request.user.is_clinic_admin:
        page = risk_flags.open_flag_counts()
        audit.record(request, audit.Action.VIEW, object_type="therapy.OpenRiskFlags")
    else:
        raise Http404
    return render(request, "therapy/open_risk_flags.html", {"page": page})
