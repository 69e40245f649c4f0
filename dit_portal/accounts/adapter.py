import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core import context
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dit_portal.audit import services as audit

from . import services


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

    def is_reauthentication_required(self, *, app, **kwargs):
        """Only setting up a first second factor may skip the password: staff sent
        to set it up straight after signing in are not asked twice. Removing or
        replacing a second factor, new recovery codes, a new email address or
        password always ask again, however recent the sign-in."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = context.request
        if (
            app != "allauth.mfa"
            or Authenticator.objects.filter(user=request.user).exists()
        ):
            return True
        records = get_authentication_records(request, request.user)
        window = account_settings.REAUTHENTICATION_TIMEOUT
        return not any(time.time() - record["at"] < window for record in records)
