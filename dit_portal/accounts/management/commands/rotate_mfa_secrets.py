"""Re-encrypt every stored second-factor secret with the first of MFA_ENCRYPTION_KEYS.

To change the key: put the new key first in MFA_ENCRYPTION_KEYS, keep the old one
after it, restart, run this command, then remove the old key. Secrets stored before
encryption was switched on are encrypted by it too."""

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from dit_portal.accounts.mfa_adapter import MFAAdapter

SECRET_FIELDS = ("secret", "seed")


class Command(BaseCommand):
    help = "Re-encrypt second-factor secrets with the current key."

    def handle(self, *args, **options):
        adapter = MFAAdapter()
        done = 0
        with transaction.atomic():
            for authenticator in Authenticator.objects.select_for_update():
                data = dict(authenticator.data)
                changed = False
                for field in SECRET_FIELDS:
                    if field in data:
                        data[field] = adapter.encrypt(adapter.decrypt(data[field]))
                        changed = True
                if "migrated_codes" in data:
                    data["migrated_codes"] = [
                        adapter.encrypt(adapter.decrypt(code))
                        for code in data["migrated_codes"]
                    ]
                    changed = True
                if changed:
                    authenticator.data = data
                    authenticator.save(update_fields=["data"])
                    done += 1
        self.stdout.write(f"Re-encrypted the secrets of {done} authenticators.")
