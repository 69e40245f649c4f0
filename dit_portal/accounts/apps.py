import logging

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

from .logredact import Redact


class AccountsConfig(AppConfig):
    name = "dit_portal.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from allauth.mfa.signals import authenticator_removed

        from .middleware import forget_totp

        checks.register(mfa_keys_in_production, checks.Tags.security, deploy=True)
        authenticator_removed.connect(forget_totp, dispatch_uid="forget_totp")
        # Invitation tokens out of the loggers that write request paths (Django's
        # "Not Found: <path>", the development server's request lines). A logger's
        # filter rewrites the record before any handler sees it. After LOGGING is
        # applied: django.setup() configures logging before it readies the apps.
        for name in ("django.request", "django.server"):
            logging.getLogger(name).addFilter(Redact())


def mfa_keys_in_production(app_configs, **kwargs):
    """Production encrypts second-factor secrets with keys of its own, never ones
    derived from SECRET_KEY."""
    if settings.PRODUCTION and not settings.MFA_ENCRYPTION_KEYS:
        return [
            checks.Error(
                "MFA_ENCRYPTION_KEYS is not set: second-factor secrets cannot be "
                "encrypted.",
                hint='Make one with: python -c "from cryptography.fernet import '
                'Fernet; print(Fernet.generate_key().decode())"',
                id="dit_portal.E001",
            )
        ]
    return []
