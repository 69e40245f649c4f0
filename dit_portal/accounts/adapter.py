import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core import context
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    """Patients are invited by the clinic; nobody signs themselves up."""

    def is_open_for_signup(self, request):
        return False

    def get_login_redirect_url(self, request):
        return reverse("home")

    def is_reauthentication_required(self, *, app, **kwargs):
        """A sign-in within the last few minutes counts as re-authentication, so
        staff sent to set up two-factor sign-in straight after signing in are not
        asked for their password twice."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = context.request
        records = get_authentication_records(request, request.user)
        window = account_settings.REAUTHENTICATION_TIMEOUT
        return not any(time.time() - record["at"] < window for record in records)
