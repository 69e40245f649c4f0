from . import health


def reminders_delayed(request):
    """Patients' pages say so when reminders are late (templates/includes/
    reminders_delayed.html); staff have the admins' banner and /healthz instead."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_patient:
        return {}
    return {"reminders_delayed": health.reminders_delayed()}
