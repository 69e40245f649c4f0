import pyotp
from django.urls import reverse

from .factories import PASSWORD


def sign_in(client, email, password=PASSWORD):
    """Post the real allauth sign-in form; returns the response (not followed)."""
    return client.post(reverse("account_login"), {"login": email, "password": password})


def totp_code(secret):
    """A code computed the way an authenticator app does (pyotp, not allauth)."""
    return pyotp.TOTP(secret).now()


def sign_in_staff(client, user):
    """Password, then the TOTP code from the user's authenticator."""
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    return client.post(
        reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)}
    )
