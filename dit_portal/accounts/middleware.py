"""Rules every staff request passes through: two-factor sign-in and an idle timeout."""

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


class StaffSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.needs_mfa:
            # Sessions of staff end after 30 idle minutes: every request pushes the
            # expiry on, so the session store drops it once they stop.
            request.session.set_expiry(settings.STAFF_IDLE_TIMEOUT_SECONDS)
            if not request.path.startswith(MFA_SETUP_ALLOWED_PREFIXES) and not has_totp(
                user
            ):
                messages.info(
                    request,
                    "Staff must set up two-factor sign-in before using the portal.",
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)
