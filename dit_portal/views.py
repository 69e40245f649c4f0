from django.db import DatabaseError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from messaging import health

from .celery import app as celery_app

ROLE_HOMES = {
    "patient": "my_therapy",
    "therapist": "caseload",
    "clinic_admin": "schedule",
}


def home(request):
    """Each role lands on its own home; visitors see what the portal is for."""
    if request.user.is_authenticated:
        return redirect(ROLE_HOMES.get(request.user.role, "account_logout"))
    return render(request, "home.html")


# A broker that does not answer within this many seconds counts as down: the check
# must stay well inside a load balancer's own timeout.
BROKER_TIMEOUT = 1


def _broker_up():
    options = {
        **(celery_app.conf.broker_transport_options or {}),
        "socket_connect_timeout": BROKER_TIMEOUT,
        "socket_timeout": BROKER_TIMEOUT,
    }
    try:
        with celery_app.connection_for_write(
            connect_timeout=BROKER_TIMEOUT, transport_options=options
        ) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return True
    except Exception:
        return False


def _seconds(age):
    return None if age is None else int(age.total_seconds())


@never_cache
def healthz(request):
    """Readiness: 503 only when this process cannot serve pages (no database). A
    broker or worker outage stops messages, not the site: 200, "degraded"."""
    try:
        sending = health.sending()  # a query on the outbox: the database check
    except DatabaseError:
        return JsonResponse({"status": "down", "database": "down"}, status=503)
    broker = _broker_up()
    return JsonResponse(
        {
            "status": "ok" if broker and sending.going_out else "degraded",
            "database": "up",
            "broker": "up" if broker else "down",
            "messages_going_out": sending.going_out,
            "worker_heartbeat_age_seconds": _seconds(sending.heartbeat_age),
            "oldest_due_message_age_seconds": _seconds(sending.backlog_age),
        }
    )


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)
