"""Rules every signed-in request passes through: an idle time-out for everyone, and
two-factor sign-in for staff."""

import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect

# When the idle expiry was last pushed on (seconds since the epoch), in the session.
PUSHED_AT = "idle_expiry_pushed_at"
# True in a staff session once the user was seen to have TOTP set up: the check is a
# query, so it is asked again only when the idle expiry is pushed (once a minute,
# when the session is written anyway) or after allauth removes an authenticator.
TOTP_SEEN = "totp_seen"

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
    once a minute (a write per page would cost every page a database update).
    True when it pushed."""
    now = time.time()
    pushed_at = request.session.get(PUSHED_AT)
    if pushed_at is not None and now - pushed_at < min(60, timeout / 10):
        return False
    request.session[PUSHED_AT] = now
    request.session.set_expiry(timeout)
    return True


def totp_set_up(request, recheck):
    """Whether the signed-in staff member has TOTP, from the session when it was
    seen there and `recheck` is false."""
    if request.session.get(TOTP_SEEN) and not recheck:
        return True
    seen = has_totp(request.user)
    if request.session.get(TOTP_SEEN, False) != seen:
        request.session[TOTP_SEEN] = seen
    return seen


def forget_totp(sender, request=None, **kwargs):
    """allauth's authenticator_removed signal: ask the database next time."""
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(TOTP_SEEN, None)


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
            pushed = push_idle_expiry(request, idle_timeout_seconds(user))
            if (
                user.needs_mfa
                and not request.path.startswith(MFA_SETUP_ALLOWED_PREFIXES)
                and not totp_set_up(request, recheck=pushed)
            ):
                messages.info(
                    request,
                    "Staff must set up two-factor sign-in before using the portal.",
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)
