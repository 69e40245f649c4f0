from django.db.models import Count, Q
from django.shortcuts import render

from dit_portal.accounts.decorators import clinic_admin_required
from dit_portal.accounts.models import User
from patients.models import Patient


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
