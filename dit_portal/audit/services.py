"""Writing audit events. Views call record(request, ...) for what a user looks at or
exports; services call record_change(by, ...) for what they change, inside their own
transaction, so a change and its audit event are saved together or not at all."""

from .models import AuditEvent

Action = AuditEvent.Action


def client_ip(request):
    """The client's address as the server saw it (the proxy is trusted to set it)."""
    return request.META.get("REMOTE_ADDR") or None


def record(
    request, action, obj=None, *, patient=None, object_type=None, object_id=None
):
    """Write one audit event for the signed-in user's `action` on `obj`."""
    user = request.user if request.user.is_authenticated else None
    return _write(
        user,
        action,
        obj,
        patient=patient,
        object_type=object_type,
        object_id=object_id,
        ip=client_ip(request),
    )


def record_change(actor, action, obj, *, patient=None, ip=None):
    """Write one audit event for a change a service made for `actor` (the user it
    was given as `by`; None for a script). `ip` is the client's address when the
    change came from a request."""
    return _write(actor, action, obj, patient=patient, ip=ip)


def _write(user, action, obj, *, patient, ip, object_type=None, object_id=None):
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or getattr(obj, "public_id", None) or obj.pk
    return AuditEvent.objects.create(
        actor=user,
        actor_role=getattr(user, "role", ""),
        action=action,
        object_type=object_type or "",
        object_id=str(object_id or ""),
        patient=patient,
        ip_address=ip,
    )
