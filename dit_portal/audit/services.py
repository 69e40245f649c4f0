"""Writing audit events. Views call record(request, ...) for what they show (VIEW) or
hand out (EXPORT); services call record_change(by, ...) for what they change, inside
their own transaction, so a change and its event are kept or lost together."""

import ipaddress

from django.conf import settings

from .models import AuditEvent

Action = AuditEvent.Action


def _address(value):
    """`value` as an IP address string, or None if it is not one."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The client's address.

    X-Forwarded-For is written by whoever sends the request, so it is believed only
    behind proxies we run: with TRUSTED_PROXY_COUNT = n, each proxy appends the
    address it saw, and the address the outermost one saw is n from the right. With
    no trusted proxy (the default) it is the connection's own address."""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        forwarded = [item for item in forwarded if item.strip()]
        if len(forwarded) >= hops:
            address = _address(forwarded[-hops])
            if address is not None:
                return address
    return _address(request.META.get("REMOTE_ADDR") or "")


def record_change(
    actor,
    action,
    obj=None,
    *,
    patient=None,
    object_type=None,
    object_id=None,
    ip=None,
    changes=None,
):
    """Write one audit event for `actor`'s `action` on `obj` (or on the record named
    by object_type and object_id). `actor` is None for the system's own changes.
    `changes` is {field: [before, after]} for a change of someone's details."""
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or getattr(obj, "public_id", None) or obj.pk
    return AuditEvent.objects.create(
        actor=actor,
        actor_role=getattr(actor, "role", ""),
        action=action,
        object_type=object_type or "",
        object_id=str(object_id or ""),
        patient=patient,
        ip_address=ip,
        changes=changes or None,
    )


def differences(obj, values):
    """{field: [before, after]} for each of `values` that differs from `obj`'s, as
    text (dates and the like), for record_change's `changes`."""
    return {
        name: [_plain(getattr(obj, name)), _plain(value)]
        for name, value in values.items()
        if getattr(obj, name) != value
    }


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def record(
    request, action, obj=None, *, patient=None, object_type=None, object_id=None
):
    """Write one audit event for the signed-in user's `action` on `obj`."""
    user = request.user if request.user.is_authenticated else None
    return record_change(
        user,
        action,
        obj,
        patient=patient,
        object_type=object_type,
        object_id=object_id,
        ip=client_ip(request),
    )


def record_listed(request, patients, object_type):
    """A page that lists patients: one VIEW event per patient shown, naming the list
    (`object_type`), so each patient's own audit log says they appeared on it. One
    INSERT whatever the number of rows, so the page's query count stays flat."""
    user = request.user if request.user.is_authenticated else None
    ip = client_ip(request)
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=user,
            actor_role=getattr(user, "role", ""),
            action=Action.VIEW,
            object_type=object_type,
            object_id=str(patient.public_id),
            patient=patient,
            ip_address=ip,
        )
        for patient in patients
    )
