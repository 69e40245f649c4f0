"""Are messages going out? One answer, read by /healthz (for operators and load
balancers), by the clinic admin's banner and, with a longer grace, by the notice on
patients' pages (`reminders_delayed`), so they never disagree."""

import datetime
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from dit_portal.core.timefmt import when
from dit_portal.tasks import HEARTBEAT_KEY

from .models import Message

log = logging.getLogger(__name__)

# Beat runs the heartbeat and the dispatcher every minute, so five quiet minutes is
# an outage rather than a slow moment or a worker restart.
STALE_AFTER = datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class Sending:
    now: datetime.datetime
    # When a worker last ran beat's heartbeat task; None if none ever has (or the
    # cache cannot be read).
    last_heartbeat: datetime.datetime | None
    # When the longest-waiting message that is due became due; None if none waits.
    oldest_due_at: datetime.datetime | None

    @property
    def heartbeat_age(self):
        return None if self.last_heartbeat is None else self.now - self.last_heartbeat

    @property
    def backlog_age(self):
        return None if self.oldest_due_at is None else self.now - self.oldest_due_at

    @property
    def worker_alive(self):
        return self.heartbeat_age is not None and self.heartbeat_age <= STALE_AFTER

    @property
    def backlog_stuck(self):
        return self.backlog_age is not None and self.backlog_age > STALE_AFTER

    @property
    def going_out(self):
        return self.worker_alive and not self.backlog_stuck

    @property
    def waiting_since(self):
        """'Monday 7 June 2027, 10:00' for the banner, if a message is overdue."""
        return when(self.oldest_due_at) if self.backlog_stuck else ""


def _last_heartbeat():
    try:
        value = cache.get(HEARTBEAT_KEY)
        return datetime.datetime.fromisoformat(value) if value else None
    except Exception:  # an unreadable heartbeat is no heartbeat, never an error page
        log.warning("The worker heartbeat could not be read.", exc_info=True)
        return None


def sending(now=None):
    """The outbox's state: the worker's last heartbeat and the oldest due message
    still waiting (one indexed query: the partial index on pending rows)."""
    now = now or timezone.now()
    oldest = (
        Message.objects.due(now)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    return Sending(now=now, last_heartbeat=_last_heartbeat(), oldest_due_at=oldest)


# Patients hear of a delay only when it is one: a quarter of an hour late, not the
# admins' five minutes (a worker restart should not worry anybody).
PATIENTS_TOLD_AFTER = datetime.timedelta(minutes=15)
# Every patient page asks; the answer is kept for a minute in this process, so the
# outbox and heartbeat queries run at most once a minute per web process.
CHECK_EVERY = datetime.timedelta(minutes=1)
_checked = {"until": None, "delayed": False}


def late_for_patients(state):
    """A reminder is late: a due message has waited a quarter of an hour, or a worker
    that used to report has been silent that long (so reminders due soon will be).
    A worker that never reported (a fresh install) tells only the admins."""
    age = state.heartbeat_age
    silent = age is not None and age > PATIENTS_TOLD_AFTER
    waiting = state.backlog_age is not None and state.backlog_age > PATIENTS_TOLD_AFTER
    return silent or waiting


def reminders_delayed(now=None):
    """Whether patients' pages say that reminders are delayed, checked at most once a
    minute per process."""
    now = now or timezone.now()
    until = _checked["until"]
    if until is None or now >= until:
        _checked.update(
            until=now + CHECK_EVERY, delayed=late_for_patients(sending(now))
        )
    return _checked["delayed"]


def forget():
    """Drop the kept answer: the next patient page checks again."""
    _checked.update(until=None, delayed=False)
