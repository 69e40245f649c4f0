"""Changing the clinic's resources: rooms, therapists' working hours and closures.
Each change is saved with its audit event in one transaction, like the scheduling
services; `by` is the clinic admin making it."""

from django.db import transaction

from dit_portal.audit.services import Action, record_change


def save(form, *, by, ip=None):
    """Save a valid room, working-hours or closure form: CREATE for a new record,
    CHANGE for an edited one. Returns the saved record."""
    action = Action.CHANGE if form.instance.pk else Action.CREATE
    with transaction.atomic():
        saved = form.save()
        record_change(by, action, saved, ip=ip)
    return saved


def delete(obj, *, by, ip=None):
    """Delete a working-hours block or a closure; the event keeps its id."""
    with transaction.atomic():
        record_change(by, Action.DELETE, obj, ip=ip)
        obj.delete()
