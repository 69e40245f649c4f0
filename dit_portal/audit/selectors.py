"""What the audit pages show: the patient's "Who has looked at my record" list and
the clinic admins' audit trail, in words (audit.words), never internal labels."""

import csv
from dataclasses import dataclass

from django.core.paginator import Paginator

from dit_portal.accounts.models import User
from dit_portal.core.timefmt import day_bounds, local, when

from . import words
from .models import AuditEvent

PAGE_SIZE = 50


@dataclass(frozen=True)
class AccessRow:
    """One access to a patient's record, as the patient reads it."""

    when: str
    who: str
    role: str
    what: str


@dataclass(frozen=True)
class AuditRow:
    """One event, as an admin reads it (and the CSV holds it)."""

    at: str
    who: str
    role: str
    what: str
    patient: str
    ip: str


def _name(user):
    return (user.full_name or user.email) if user else "The portal"


def staff_accesses(patient):
    """Everything staff did with the patient's record, newest first. Only events by
    someone in a staff role at the time, never the patient's own reads (nor the
    portal's own changes). Events of one request share a time to the microsecond
    at most rarely; the id keeps them in the order they were written."""
    return (
        AuditEvent.objects.for_patient(patient)
        .filter(actor_role__in=User.STAFF_ROLES, actor__isnull=False)
        .exclude(actor=patient.user)
        .select_related("actor")
        .order_by("-at", "-id")
    )


def access_page(patient, page_number):
    """One page of the patient's access list (two queries: the count and the page)."""
    page = Paginator(staff_accesses(patient), PAGE_SIZE).get_page(page_number)
    page.object_list = [access_row(event) for event in page.object_list]
    return page


def access_row(event):
    return AccessRow(
        when=when(event.at),
        who=_name(event.actor),
        role=words.role(event.actor_role),
        what=words.describe(event.object_type, event.action),
    )


def filtered_events(*, person=None, patient=None, action="", start=None, end=None):
    """The audit trail narrowed by the admin's filters (each optional); dates are
    London days, inclusive."""
    events = AuditEvent.objects.select_related("actor", "patient__user").order_by(
        "-at", "-id"
    )
    if person is not None:
        events = events.filter(actor=person)
    if patient is not None:
        events = events.filter(patient=patient)
    if action:
        events = events.filter(action=action)
    if start is not None:
        events = events.filter(at__gte=day_bounds(start)[0])
    if end is not None:
        events = events.filter(at__lt=day_bounds(end)[1])
    return events


def audit_row(event):
    return AuditRow(
        at=when(event.at),
        who=_name(event.actor),
        role=words.role(event.actor_role),
        what=words.describe_for_staff(event.object_type, event.action),
        patient=event.patient.full_name if event.patient_id else "",
        ip=event.ip_address or "",
    )


def audit_page(events, page_number):
    page = Paginator(events, PAGE_SIZE).get_page(page_number)
    page.object_list = [audit_row(event) for event in page.object_list]
    return page


CSV_HEADINGS = ("When (UK time)", "Who", "Role", "What", "Patient", "From address")
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV
# injection"); a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file that hands back what is written, so csv.writer can feed a stream."""

    def write(self, value):
        return value


def csv_lines(events):
    """The filtered trail as CSV lines, in the page's words, read from the database
    in chunks and streamed, so a long trail is never held in memory."""
    writer = csv.writer(_Echo())
    # A byte-order mark, as on the reports' CSVs, so Excel reads names as UTF-8.
    yield "\ufeff" + writer.writerow(CSV_HEADINGS)
    for event in events.iterator(chunk_size=2000):
        row = audit_row(event)
        yield writer.writerow(
            safe_cell(value)
            for value in (
                f"{local(event.at):%Y-%m-%d %H:%M:%S}",
                row.who,
                row.role,
                row.what,
                row.patient,
                row.ip,
            )
        )
