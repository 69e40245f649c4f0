"""The one helper every view of clinical data calls: audit.record(request, ...)."""

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
        ip_address=client_ip(request),
    )
