import time
from datetime import timedelta
from urllib.parse import urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core import context
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from dit_portal.audit import services as audit

from . import services
from .middleware import has_totp

SIGNED_IN_MESSAGE = "account/messages/logged_in.txt"


def on_site(url):
    """The same page on SITE_URL: a link in an email never takes its host from the
    request's Host header (which gave "Hello from 127.0.0.1:8501!")."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return settings.SITE_URL + parts.path + query


# Where allauth sends staff straight after setting up two-factor sign-in.
RECOVERY_CODE_PAGES = {"mfa_view_recovery_codes", "mfa_download_recovery_codes"}


def showing_codes_just_made(request):
    """The recovery codes made at setup (or just regenerated, after the password)
    are shown and may be downloaded for a few minutes without asking again: they
    are offered as part of the setup, not an action on an existing second factor."""
    match = request.resolver_match
    if match is None or match.url_name not in RECOVERY_CODE_PAGES:
        return False
    window = timedelta(seconds=account_settings.REAUTHENTICATION_TIMEOUT)
    return Authenticator.objects.filter(
        user=request.user,
        type=Authenticator.Type.RECOVERY_CODES,
        created_at__gte=timezone.now() - window,
    ).exists()


def mfa_still_to_set_up(user):
    return user.is_authenticated and user.needs_mfa and not has_totp(user)


class AccountAdapter(DefaultAccountAdapter):
    """Patients are invited by the clinic; nobody signs themselves up."""

    def is_open_for_signup(self, request):
        return False

    def get_login_redirect_url(self, request):
        return reverse("home")

    def get_client_ip(self, request):
        """The client's address for allauth's rate limits: the same rule as the
        audit trail's (X-Forwarded-For only behind TRUSTED_PROXY_COUNT proxies), so
        behind our proxy each client has its own counter, not one for the clinic."""
        ip = audit.client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine the client's address.")
        return ip

    def set_password(self, user, password):
        """Password resets and changes: an unused invitation link must not replace
        the password the person has just chosen."""
        super().set_password(user, password)
        services.expire_invitations(user)

    def get_reset_password_from_key_url(self, key):
        return on_site(super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request, emailconfirmation):
        return on_site(super().get_email_confirmation_url(request, emailconfirmation))

    def send_mail(self, template_prefix, email, context):
        """Every allauth email in the portal's words (templates/account/email/
        portal_base.*): the clinic's name and phone, and PALS for patients. The
        Clinic row is therapy's; it is found by label, as messaging does."""
        user = context.get("user")
        context = {
            "clinic": apps.get_model("therapy", "Clinic").load(),
            "site_url": settings.SITE_URL,
            "to_patient": user is None or not user.needs_mfa,
            **context,
        }
        super().send_mail(template_prefix, email, context)

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        context = {"user": user, **(context or {})}
        super().send_notification_mail(template_prefix, user, context, email)

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        """Staff who still have to set up two-factor sign-in are not signed in yet in
        any sense that matters: no "you are signed in" (the setup page says why)."""
        if message_template == SIGNED_IN_MESSAGE and mfa_still_to_set_up(request.user):
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def is_reauthentication_required(self, *, app, **kwargs):
        """Only setting up a first second factor (and seeing the recovery codes it
        made) may skip the password: staff sent to set it up straight after signing
        in are not asked twice. Removing or replacing a second factor, new recovery
        codes, a new email address or password always ask again, however recent
        the sign-in."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = context.request
        if app != "allauth.mfa":
            return True
        if Authenticator.objects.filter(user=request.user).exists():
            return not showing_codes_just_made(request)
        records = get_authentication_records(request, request.user)
        window = account_settings.REAUTHENTICATION_TIMEOUT
        return not any(time.time() - record["at"] < window for record in records)
