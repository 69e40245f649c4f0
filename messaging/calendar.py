"""Calendar files (RFC 5545) for sessions: one event per session, times in UTC.

The summary says "Appointment" and the clinic's name, nothing clinical, because
calendars are often shared or synced to other devices."""

import datetime

from django.http import HttpResponse
from django.utils import timezone

PRODID = "-//DIT Portal//Sessions//EN"
UID_DOMAIN = "dit-portal"
LINE_LIMIT = 75  # octets, not counting the CRLF


def escape(text):
    """TEXT values: backslash, semicolon, comma and newlines are escaped (3.3.11)."""
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line):
    """Split a content line into lines of at most 75 octets; continuation lines start
    with one space (3.1). Never splits a UTF-8 character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = LINE_LIMIT if not parts else LINE_LIMIT - 1
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def utc_stamp(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def session_event(session, clinic, now):
    """The lines of one VEVENT."""
    location = session.room.name if session.room_id else session.video_link
    if session.room_id and clinic.address_line:
        location += f", {clinic.address_line}"
    cancelled = session.is_cancelled
    description = "To change this appointment, sign in to the portal"
    if clinic.phone:
        description += f" or call the clinic on {clinic.phone}"
    description += "."
    lines = [
        "BEGIN:VEVENT",
        f"UID:{session.public_id}@{UID_DOMAIN}",
        f"DTSTAMP:{utc_stamp(now)}",
        f"DTSTART:{utc_stamp(session.start)}",
        f"DTEND:{utc_stamp(session.end)}",
        f"SEQUENCE:{int(session.updated_at.timestamp()) if session.updated_at else 0}",
        f"SUMMARY:{escape(f'Appointment: {clinic.name_outside_portal}')}",
        f"DESCRIPTION:{escape(description)}",
    ]
    if location:
        lines.append(f"LOCATION:{escape(location)}")
    if session.video_link:
        lines.append(f"URL:{session.video_link}")
    lines.append(f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}")
    lines.append("TRANSP:OPAQUE")
    lines.append("END:VEVENT")
    return lines


def build_calendar(sessions, clinic, now=None):
    """An iCalendar document with one VEVENT per session, CRLF line endings."""
    now = now or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for session in sessions:
        lines.extend(session_event(session, clinic, now))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def calendar_response(sessions, clinic, filename):
    response = HttpResponse(
        build_calendar(sessions, clinic), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
