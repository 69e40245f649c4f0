"""A risk flag's clock: a flag its therapist has not acknowledged by the end of the
next working day after it was raised is escalated to the clinic.

Working days skip weekends and England's bank holidays (planning.bank_holidays); the
day ends at midnight, UK time. Escalating tells every active clinic admin, through the
outbox, only *that* a flag awaits a clinician's response (and on whose caseload):
never the answer, the score or the patient's name. Each flag is escalated once
(`RiskFlag.escalated_at`, and a key per flag on the messages). Beat runs
`therapy.tasks.escalate_risk_flags` (settings.CELERY_BEAT_SCHEDULE)."""

import datetime

from django.db import transaction
from django.utils import timezone

from dit_portal.accounts.models import User
from dit_portal.audit import services as audit
from dit_portal.core.timefmt import at_wall_time, local
from messaging.models import Message
from messaging.queueing import queue_message
from questionnaires.models import RiskFlag

from .scheduling.planning import bank_holidays

DAY = datetime.timedelta(days=1)


def is_working_day(day):
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def next_working_day(day):
    day += DAY
    while not is_working_day(day):
        day += DAY
    return day


def escalation_due(raised_at):
    """When a flag raised at `raised_at` is overdue: the end (midnight, UK time) of
    the next working day after the day it was raised."""
    last_day = next_working_day(local(raised_at).date())
    return at_wall_time(last_day + DAY, datetime.time(0, 0))


def overdue_flags(now=None):
    """Open flags past their escalation time and not yet escalated. A flag is never
    overdue within a day of being raised, so the query skips the newest."""
    now = now or timezone.now()
    candidates = RiskFlag.objects.open().filter(
        escalated_at__isnull=True, raised_at__lte=now - DAY
    )
    return [flag for flag in candidates if escalation_due(flag.raised_at) <= now]


def escalate(flag, now=None):
    """Tell the clinic admins that `flag` awaits a clinician, once. Returns whether
    it was escalated now (not if acknowledged or escalated in the meantime)."""
    now = now or timezone.now()
    with transaction.atomic():
        flag = (
            RiskFlag.objects.select_for_update(of=("self",))
            .select_related("course", "patient")
            .get(pk=flag.pk)
        )
        if flag.acknowledged_at is not None or flag.escalated_at is not None:
            return False
        flag.escalated_at = now
        flag.save(update_fields=["escalated_at"])
        for admin in User.objects.filter(role=User.Role.CLINIC_ADMIN, is_active=True):
            queue_message(
                Message.Kind.RISK_ESCALATED,
                admin,
                course=flag.course,
                key=f"risk-escalated:{flag.public_id}",
            )
        audit.record_change(None, audit.Action.CHANGE, flag, patient=flag.patient)
    return True


def escalate_overdue(now=None):
    """Beat's job: escalate every overdue flag. Returns how many were escalated."""
    now = now or timezone.now()
    return sum(escalate(flag, now) for flag in overdue_flags(now))
