from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from dit_portal.accounts.decorators import clinic_admin_required
from dit_portal.audit import services as audit
from dit_portal.core.forms import posted
from therapy.models import Clinic

from . import services
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
