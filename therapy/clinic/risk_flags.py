"""Every open risk flag across the clinic (hazard H01 in docs/clinical-safety.md).

A flag's own therapist sees it on their caseload and is chased by escalation
(`therapy.risk`); the clinical lead sees all of them in one place, oldest first,
with how long each has been open and where it stands on the escalation clock, so a
flag on the caseload of a therapist who is off sick is not left waiting. A clinic
admin without the clinical-lead flag sees only the numbers: admins see no clinical
context. Who may open the page is decided in `therapy.clinic.views`."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.utils import timezone

from dit_portal.core.timefmt import when
from questionnaires.models import RiskFlag
from therapy.risk import escalation_due

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def open_for(age):
    """'3 days', '5 hours', 'less than an hour': how long a flag has waited."""
    if age >= DAY:
        days = age // DAY
        return f"{days} day{'s' if days != 1 else ''}"
    if age >= HOUR:
        hours = age // HOUR
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return "less than an hour"


@dataclass(frozen=True)
class OpenFlag:
    flag: RiskFlag
    now: datetime.datetime

    @property
    def patient(self):
        return self.flag.patient

    @property
    def therapist(self):
        return self.flag.course.therapist

    @property
    def raised(self):
        return when(self.flag.raised_at)

    @property
    def open_for(self):
        return open_for(self.now - self.flag.raised_at)

    @property
    def escalated(self):
        return self.flag.escalated_at is not None

    @property
    def escalation(self):
        """Where the flag stands on the escalation clock, in words."""
        if self.escalated:
            return f"Clinic admins told {when(self.flag.escalated_at)}"
        due = escalation_due(self.flag.raised_at)
        if due <= self.now:
            return "Overdue: the clinic admins are being told"
        return f"Escalates {when(due)} if not acknowledged"


@dataclass(frozen=True)
class OpenFlags:
    count: int
    escalated: int
    # Empty unless the reader may see who the flags are about.
    rows: tuple = ()
    # For admins who are not the lead: whom to chase about escalated flags (the
    # therapist, as the escalation email names them; never the patient).
    chase: tuple = ()


def open_flags(now=None):
    """The clinical lead's list: one query, oldest flag first."""
    now = now or timezone.now()
    flags = (
        RiskFlag.objects.open()
        .select_related("patient__user", "course__therapist")
        .order_by("raised_at", "pk")
    )
    rows = tuple(OpenFlag(flag, now) for flag in flags)
    return OpenFlags(
        count=len(rows), escalated=sum(row.escalated for row in rows), rows=rows
    )


def open_flag_counts():
    """The numbers only (one aggregate), for clinic admins who are not the lead."""
    counts = RiskFlag.objects.open().aggregate(
        count=Count("pk"), escalated=Count("pk", filter=Q(escalated_at__isnull=False))
    )
    chase = (
        RiskFlag.objects.open()
        .filter(escalated_at__isnull=False)
        .values("course__therapist__full_name")
        .annotate(flags=Count("pk"), since=Min("escalated_at"))
        .order_by("since", "course__therapist__full_name")
    )
    return OpenFlags(
        **counts,
        chase=tuple(
            (row["course__therapist__full_name"], row["flags"], when(row["since"]))
            for row in chase
        ),
    )
