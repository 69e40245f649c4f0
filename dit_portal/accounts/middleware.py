"""Rules every signed-in request passes through: an idle time-out for everyone, and
two-factor sign-in for staff."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect

# Paths a signed-in staff member may reach before setting up two-factor sign-in:
# allauth's own pages (sign out, MFA setup), public information, health and assets.
MFA_SETUP_ALLOWED_PREFIXES = (
    "/accounts/",
    "/static/",
    "/healthz",
    "/information/",
    "/questions-or-worries/",
)


def has_totp(user):
    return Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).exists()


def idle_timeout_seconds(user):
    """How long a session lasts without a request: staff 30 minutes; patients by
    PATIENT_IDLE_TIMEOUT_MINUTES (a shared or lost phone must not stay signed in)."""
    if user.needs_mfa:
        return settings.STAFF_IDLE_TIMEOUT_SECONDS
    return settings.PATIENT_IDLE_TIMEOUT_SECONDS


class StaffSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Every request pushes the expiry on, so the session store drops the
            # session once they stop; static/js/idle-timeout.mjs warns before that.
            request.session.set_expiry(idle_timeout_seconds(user))
            if (
                user.needs_mfa
                and not request.path.startswith(MFA_SETUP_ALLOWED_PREFIXES)
                and not has_totp(user)
            ):
                messages.info(
                    request,
                    "Staff must set up two-factor sign-in before using the portal.",
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)
