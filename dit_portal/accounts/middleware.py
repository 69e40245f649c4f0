"""Rules every signed-in request passes through: an idle time-out for everyone, and
two-factor sign-in for staff."""

import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect

# When the idle expiry was last pushed on (seconds since the epoch), in the session.
PUSHED_AT = "idle_expiry_pushed_at"

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


def push_idle_expiry(request, timeout):
    """Every request pushes the session's end `timeout` seconds on, so the session
    store drops it once they stop. Pushing writes the session, so it is done at most
    once a minute (a write per page would cost every page a database update)."""
    now = time.time()
    pushed_at = request.session.get(PUSHED_AT)
    if pushed_at is not None and now - pushed_at < min(60, timeout / 10):
        return
    request.session[PUSHED_AT] = now
    request.session.set_expiry(timeout)


def idle_seconds_left(request):
    """Seconds until the session ends if nothing else is asked of the server."""
    timeout = idle_timeout_seconds(request.user)
    pushed_at = request.session.get(PUSHED_AT, time.time())
    return max(0, round(timeout - (time.time() - pushed_at)))


class StaffSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # static/js/idle-timeout.mjs warns before the session ends.
            push_idle_expiry(request, idle_timeout_seconds(user))
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
