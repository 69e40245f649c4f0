"""Second-factor secrets are stored encrypted.

allauth keeps each TOTP key and recovery-code seed in the database; this adapter
encrypts them with Fernet (AES with an HMAC) under MFA_ENCRYPTION_KEYS. The first key
encrypts; every key decrypts, so a new key can be put first and the old one kept
until `manage.py rotate_mfa_secrets` has re-encrypted every secret with the new one."""

import base64
import hashlib

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FERNET_PREFIX = "gAAAA"  # every Fernet token starts with its version byte, 0x80


def encryption_keys():
    keys = list(settings.MFA_ENCRYPTION_KEYS)
    if keys:
        return keys
    if settings.PRODUCTION:
        raise ImproperlyConfigured(
            "MFA_ENCRYPTION_KEYS must be set when DIT_ENV=production."
        )
    return [development_key()]


def development_key():
    """Development and tests: a key derived from SECRET_KEY."""
    digest = hashlib.sha256(f"mfa-secrets:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def secret_box():
    return MultiFernet([Fernet(key) for key in encryption_keys()])


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text):
        return secret_box().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text):
        try:
            return secret_box().decrypt(encrypted_text.encode()).decode()
        except InvalidToken:
            if encrypted_text.startswith(FERNET_PREFIX):
                raise  # encrypted under a key we no longer have: say so loudly
            # Stored before encryption was switched on; rotate_mfa_secrets encrypts it.
            return encrypted_text
