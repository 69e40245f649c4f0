"""Celery tasks of the therapy app; the work itself is in therapy/risk.py."""

from celery import shared_task

from . import risk


@shared_task(acks_late=True, ignore_result=True)
def escalate_risk_flags():
    """Beat, every 15 minutes: tell the clinic about risk flags left unacknowledged
    past the end of the next working day."""
    return risk.escalate_overdue()
