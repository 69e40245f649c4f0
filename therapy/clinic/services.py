"""Changing the clinic's settings (one row), audited in the same transaction."""

from django.db import transaction

from dit_portal.audit import services as audit
from therapy.models import Clinic


def save_settings(*, by, ip=None, **settings):
    """Change the clinic's settings; `settings` are Clinic fields, already valid."""
    with transaction.atomic():
        clinic = Clinic.objects.select_for_update().get(pk=Clinic.load().pk)
        for name, value in settings.items():
            setattr(clinic, name, value)
        clinic.save(update_fields=list(settings))
        audit.record_change(by, audit.Action.CHANGE, clinic, ip=ip)
    return clinic
