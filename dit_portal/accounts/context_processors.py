from django.conf import settings

from .middleware import idle_seconds_left, idle_timeout_seconds


def idle_timeout(request):
    """Seconds until the signed-in user's idle time-out, and how long before it the
    notice warns (static/js/idle-timeout.mjs counts from the page's arrival)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    timeout = idle_timeout_seconds(user)
    return {
        "idle_timeout": timeout,
        "idle_left": idle_seconds_left(request),
        "idle_warning": min(settings.IDLE_WARNING_SECONDS, timeout // 2),
    }
