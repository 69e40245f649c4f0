from django.conf import settings

from .middleware import idle_timeout_seconds


def idle_timeout(request):
    """The signed-in user's idle time-out, for the notice that warns before it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    timeout = idle_timeout_seconds(user)
    return {
        "idle_timeout": timeout,
        "idle_warning": min(settings.IDLE_WARNING_SECONDS, timeout // 2),
    }
