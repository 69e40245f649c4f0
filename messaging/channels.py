"""What a message says and how it travels: email (text + HTML, .ics for sessions)
through Django's mailers, SMS through GOV.UK Notify when it is configured.

Words are built here from the message's kind and its linked records at send time.
They never include clinical content (notes, scores, focus text, letters): only that an
appointment exists, when and where, and that something is waiting in the portal.
Messages to staff say only that something needs their attention."""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from dit_portal.core.timefmt import short_day as short_date
from dit_portal.core.timefmt import uk_time

from .calendar import build_calendar
from .models import Message

EMAIL, SMS = "email", "sms"
Kind = Message.Kind


@dataclass
class Composed:
    subject: str
    paragraphs: list
    sessions: list = field(default_factory=list)  # "Monday 6 April 2026 at 10am (BST)"
    link_text: str = "Sign in to the portal"
    link: str = ""
    ics: str = ""
    to_patient: bool = True
    email_note: str = ""  # email only (an SMS has no attachment)


def clinic():
    """The clinic's details that every message carries (name, phone, PALS).

    The Clinic row belongs to the therapy app, which uses this one; messaging knows
    it by model label, as it knows courses and sessions through its foreign keys, so
    no therapy code is imported here."""
    return apps.get_model("therapy", "Clinic").load()


def where(session):
    if session.room_id:
        return f"in {session.room.name}"
    if session.video_link:
        return "by video (the link is in the portal)"
    return ""


def subject_prefix(clinic):
    return clinic.name if clinic.subjects_name_service else clinic.portal_name


def portal_url(name="home"):
    return settings.SITE_URL + reverse(name)


def compose(message, clinic, now=None):
    """The words of one message, from its kind and linked records, now."""
    prefix = subject_prefix(clinic)
    if not message.to_patient:
        return Composed(
            subject=f"{prefix}: something needs your attention",
            paragraphs=[
                "Something in the portal needs your attention.",
                "Please sign in to see it.",
            ],
            link=portal_url(),
            to_patient=False,
        )
    session = message.session
    change = f"To change it, sign in to the portal or call us on {clinic.phone}."
    if message.kind == Kind.REMINDER:
        when = uk_time(session.start)
        return Composed(
            subject=f"{prefix}: reminder of your appointment on {short_day(session)}",
            paragraphs=[
                f"This is a reminder of your appointment on {when} {where(session)}.",
                change,
            ],
            link=portal_url(),
            ics=build_calendar([session], clinic, now),
            email_note="The calendar file attached adds it to your calendar.",
        )
    if message.kind == Kind.SESSION_MOVED:
        return Composed(
            subject=f"{prefix}: your appointment has moved",
            paragraphs=[
                f"Your appointment has moved. It is now on {uk_time(session.start)} "
                f"{where(session)}.",
                change,
            ],
            link=portal_url(),
            ics=build_calendar([session], clinic, now),
        )
    if message.kind == Kind.SESSION_CANCELLED:
        return Composed(
            subject=f"{prefix}: your appointment has been cancelled",
            paragraphs=[
                f"Your appointment on {uk_time(session.start)} has been cancelled.",
                "Your other appointments are not affected. Sign in to the portal to "
                f"see them, or call us on {clinic.phone}.",
            ],
            link=portal_url(),
            ics=build_calendar([session], clinic, now),
        )
    if message.kind == Kind.WELCOME:
        course = message.course
        sessions = list(course.sessions.filter(status="booked").order_by("start"))
        return Composed(
            subject=f"{prefix}: your appointments are booked",
            paragraphs=[
                f"Your appointments are booked: {clinic.course_weeks_text}, at the "
                "same time each week.",
                "Each appointment is a conversation with the same person, in private. "
                "You can bring whatever is on your mind. If a week is missed because "
                "the service is closed, your appointments carry on the week after.",
                "In the portal you can see your appointments, add them to your "
                f"calendar, and move or cancel one. {change}",
            ],
            sessions=[uk_time(s.start) for s in sessions],
            link=portal_url(),
        )
    if message.kind == Kind.FIRST_SESSION_OFFER:
        return Composed(
            subject=f"{prefix}: choose a time for your first appointment",
            paragraphs=[
                "We have some times for your first appointment. Sign in to the portal "
                "to choose the one that suits you.",
                f"If none of them suits you, call us on {clinic.phone}.",
            ],
            link=portal_url(),
        )
    if message.kind == Kind.WAITING:
        return Composed(
            subject=f"{prefix}: something is waiting for you",
            paragraphs=[
                "Something is waiting for you in the portal. Sign in to see it.",
            ],
            link=portal_url(),
        )
    if message.kind == Kind.END_OF_THERAPY:
        return Composed(
            subject=f"{prefix}: your appointments have ended",
            paragraphs=[
                "Your appointments with us have now ended. Thank you for coming.",
                "You can still sign in to the portal to read what was shared with "
                "you. If something worries you, or you want to comment on the care "
                "you had, the Patient Advice and Liaison Service (PALS) can help.",
                "If you need help for your mental health in future, talk to your GP.",
            ],
            link=portal_url(),
        )
    # A kind written for staff (risk) but addressed to a patient: say nothing clinical.
    return Composed(
        subject=f"{prefix}: something is waiting for you",
        paragraphs=["Something is waiting for you in the portal. Sign in to see it."],
        link=portal_url(),
    )


def short_day(session):
    return short_date(session.start)


def pals_line(clinic):
    line = "Patient Advice and Liaison Service (PALS)"
    if clinic.pals_phone:
        line += f": {clinic.pals_phone}"
    if clinic.pals_email:
        line += f", {clinic.pals_email}"
    if clinic.pals_hours:
        line += f" ({clinic.pals_hours})"
    return line


def context(composed, clinic, recipient):
    return {
        "m": composed,
        "clinic": clinic,
        "name": recipient.get_short_name(),
        "pals": pals_line(clinic),
        # The first words an inbox preview shows: the portal, not the service,
        # unless the clinic allows its name in subjects.
        "banner": subject_prefix(clinic),
    }


def channels_for(message):
    """Which channels this message goes by, from the recipient's preferences.

    Staff: email. Patients: reminders by the channels they chose (none if they opted
    out); other messages always by email, and by text too if they chose texts."""
    if not message.to_patient:
        return [EMAIL]
    patient = message.recipient.patient
    sms = patient.sms_reminders and bool(patient.phone) and notify_configured()
    if message.kind == Kind.REMINDER:
        if patient.reminders_opt_out:
            return []
        return [EMAIL] * patient.email_reminders + [SMS] * sms
    return [EMAIL] + [SMS] * sms


def send_email(message, composed, clinic):
    ctx = context(composed, clinic, message.recipient)
    email = EmailMultiAlternatives(
        subject=composed.subject,
        body=render_to_string("messaging/message.txt", ctx),
        to=[message.recipient.email],
        headers={"X-Portal-Message": str(message.pk)},
    )
    email.attach_alternative(
        render_to_string("messaging/message.html", ctx), "text/html"
    )
    if composed.ics:
        email.attach("appointment.ics", composed.ics, "text/calendar")
    email.send()


def sms_text(composed, clinic):
    text = " ".join(composed.paragraphs)
    # The sign-off names the portal, not the service, unless the clinic allows it:
    # an SMS shows on a lock screen.
    return f"{text}\n\n{subject_prefix(clinic)}: {clinic.phone}\n{pals_line(clinic)}"


def notify_configured():
    return bool(settings.NOTIFY_API_KEY and settings.NOTIFY_SMS_TEMPLATE_ID)


def notify_template(kind):
    return settings.NOTIFY_SMS_TEMPLATES.get(kind, settings.NOTIFY_SMS_TEMPLATE_ID)


def send_sms(message, composed, clinic):
    """One SMS through GOV.UK Notify. The template holds ((body)); the reference is the
    outbox row's id, never anything personal."""
    from notifications_python_client.notifications import NotificationsAPIClient

    client = NotificationsAPIClient(
        settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=10
    )
    client.send_sms_notification(
        phone_number=message.recipient.patient.phone,
        template_id=notify_template(message.kind),
        personalisation={"body": sms_text(composed, clinic)},
        reference=f"message-{message.pk}",
    )


SENDERS = {EMAIL: send_email, SMS: send_sms}


def safe_error(channel, error):
    """An error for the log page and logs, without personal data: mail servers and
    APIs can echo addresses and numbers back, so keep only the type and status."""
    status = getattr(error, "status_code", None)
    return f"{channel}: {type(error).__name__}{f' {status}' if status else ''}"


def is_permanent(error):
    """A refusal that trying again cannot fix: Notify answers 400 for a number or
    template it will never accept, 403 for a key it does not know."""
    return getattr(error, "status_code", None) in (400, 403)


def is_session_kind(kind):
    return kind in (Kind.REMINDER, Kind.SESSION_MOVED, Kind.SESSION_CANCELLED)


def backoff(attempts):
    """Minutes to wait before attempt `attempts + 1`: 1, 4, 9, 16..., at most an hour."""
    return datetime.timedelta(minutes=min(attempts * attempts, 60))
