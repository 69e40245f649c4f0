"""Object-level access to questionnaires: the one place this app decides it.

Patients reach only their own assignments; a therapist reaches only the sent responses
and risk flags of their own courses. Clinic admins reach none (they are clinical).
Anything else answers 404."""

from django.shortcuts import get_object_or_404

from .models import Assignment, Response, RiskFlag


def get_assignment_for_patient(user, public_id):
    return get_object_or_404(
        Assignment.objects.for_patient_user(user).select_related(
            "session", "course", "patient", "response__instrument"
        ),
        public_id=public_id,
    )


def get_response_for_therapist(user, public_id):
    return get_object_or_404(
        Response.objects.submitted()
        .filter(assignment__course__therapist=user)
        .select_related(
            "instrument", "assignment__session", "assignment__course__patient__user"
        ),
        public_id=public_id,
    )


def get_risk_flag_for_therapist(user, public_id):
    return get_object_or_404(
        RiskFlag.objects.for_therapist(user).select_related(
            "patient__user",
            "course",
            "acknowledged_by",
            "response__assignment__session",
            "response__instrument",
        ),
        public_id=public_id,
    )
