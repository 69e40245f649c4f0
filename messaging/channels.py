"""What a message says and how it travels: email (text + HTML, .ics for sessions)
through Django's mailers, SMS through GOV.UK Notify when it is configured.

The words live in templates/messaging/<folder>/ (subject.txt, body.txt, body.html,
sms.txt), chosen here from the message's kind (WORDS) and given their context from the
linked records at send time. They never include clinical content (notes, scores, focus
text, letters): only that an appointment exists, when and where, and that something is
waiting in the portal. Messages to staff say only that something needs their
attention."""

import contextlib
import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from email import policy as email_policy
from email.headerregistry import HeaderRegistry

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import get_template
from django.urls import reverse

from dit_portal.core.timefmt import short_day as short_date
from dit_portal.core.timefmt import uk_time

from .calendar import build_calendar
from .models import Message

EMAIL, SMS = "email", "sms"
Kind = Message.Kind


def clinic():
    """The clinic's details that every message carries (name, phone, PALS).

    The Clinic row belongs to the therapy app, which uses this one; messaging knows
    it by model label, as it knows courses and sessions through its foreign keys, so
    no therapy code is imported here."""
    return apps.get_model("therapy", "Clinic").load()


def short_day(session):
    return short_date(session.start)


def subject_prefix(clinic):
    return clinic.name_outside_portal


def portal_url(name="home"):
    return settings.SITE_URL + reverse(name)


# What each kind adds to the context its templates see --------------------------------


def nothing_more(message):
    return {}


def session_context(message):
    """The session a reminder, move or cancellation is about: its time in UK wall time
    (the templates name its place, from `session`)."""
    session = message.session
    return {
        "session": session,
        "when": uk_time(session.start),
        "day": short_day(session),
        "moved_from": uk_time(message.moved_from) if message.moved_from else "",
    }


def therapist_context(message):
    """An escalation names the therapist whose caseload holds the flag (so the clinic
    knows whom to reach), never the patient."""
    course = message.course
    return {"therapist": course.therapist.full_name if course else ""}


def course_context(message):
    """A welcome lists the course's booked sessions."""
    booked = message.course.sessions.booked().order_by("start")
    return {"sessions": [uk_time(session.start) for session in booked]}


@dataclass(frozen=True)
class Words:
    """How one kind of message is worded: its templates' folder under
    templates/messaging/, what its context adds, whether its session goes with it as a
    calendar file, and the page its button opens."""

    folder: str
    context: Callable = nothing_more
    calendar: bool = False
    link: str = "home"


WORDS = {
    Kind.REMINDER: Words("reminder", session_context, calendar=True),
    Kind.SESSION_MOVED: Words("moved", session_context, calendar=True),
    Kind.SESSION_CANCELLED: Words("cancelled", session_context, calendar=True),
    Kind.WELCOME: Words("welcome", course_context),
    Kind.FIRST_SESSION_OFFER: Words("offer"),
    Kind.WAITING: Words("waiting"),
    Kind.END_OF_THERAPY: Words("ended"),
}
# Staff hear only that something needs their attention, except for the kinds below.
STAFF = Words("staff")
# A risk flag is urgent: its subject asks the therapist to sign in today (still no
# clinical word), and an escalation tells clinic admins that a flag awaits a
# clinician, never whose or what.
STAFF_WORDS = {
    Kind.RISK_FLAG: Words("risk"),
    Kind.RISK_ESCALATED: Words("risk_escalated", therapist_context),
    # Security news for the member of staff themselves: what was done, and whom to
    # call if they did not ask for it.
    Kind.MFA_RESET: Words("mfa_reset"),
}


def words_for(message):
    if not message.to_patient:
        return STAFF_WORDS.get(message.kind, STAFF)
    # A kind written for staff (risk) but addressed to a patient: say nothing clinical.
    return WORDS.get(message.kind, WORDS[Kind.WAITING])


@dataclass
class Composed:
    """One message's words, rendered for every channel."""

    subject: str
    text: str
    html: str
    sms: str
    ics: str = ""


def context(message, clinic, words):
    return {
        "clinic": clinic,
        "name": message.recipient.get_short_name(),
        "to_patient": message.to_patient,
        "prefix": subject_prefix(clinic),
        "link": portal_url(words.link),
        **words.context(message),
    }


# Compiled once per process: a worker renders four of them for every message.
template = functools.cache(get_template)


def compose(message, clinic, now=None):
    """The words of one message, from its kind and linked records, now."""
    words = words_for(message)
    ctx = context(message, clinic, words)

    def render(part):
        return template(f"messaging/{words.folder}/{part}").render(ctx)

    # Subject and SMS templates end with a line break that is not part of the words.
    ctx["subject"] = render("subject.txt").removesuffix("\n")
    return Composed(
        subject=ctx["subject"],
        text=render("body.txt"),
        html=render("body.html"),
        sms=render("sms.txt").removesuffix("\n"),
        ics=build_calendar([message.session], clinic, now) if words.calendar else "",
    )


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


class HeaderClasses(HeaderRegistry):
    """Python's header registry makes a new class for every header it parses (about
    50 µs, some 40 times an email: most of the time building one). The class depends
    only on the header's name, so each is made once."""

    def __init__(self):
        super().__init__()
        self.made = {}

    def __getitem__(self, name):
        key = name.lower()
        if key not in self.made:
            self.made[key] = super().__getitem__(name)
        return self.made[key]


@functools.cache
def quick(policy):
    """The same email policy (SMTP's, the file backend's) with HeaderClasses."""
    return policy.clone(header_factory=HeaderClasses())


class PortalEmail(EmailMultiAlternatives):
    """Django's email, built with the header classes made once (`quick`)."""

    def message(self, *, policy=email_policy.default):
        return super().message(policy=quick(policy))


class Transport:
    """One mail connection and one Notify client, shared by a batch of messages.

    Each is made when the first message needs it (a batch may need only one), and a
    channel's connection is dropped after an error so the next message starts
    afresh rather than reusing a connection the server may have closed."""

    def __init__(self):
        self._mail = None
        self._notify = None

    def mail(self):
        if self._mail is None:
            self._mail = mailers.default
        self._mail.open()  # does nothing while it is open
        return self._mail

    def notify(self):
        if self._notify is None:
            from notifications_python_client.notifications import (
                NotificationsAPIClient,
            )

            # Its requests.Session keeps the HTTPS connection for the batch.
            self._notify = NotificationsAPIClient(
                settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=10
            )
        return self._notify

    def failed(self, channel):
        if channel == EMAIL:
            self._close_mail()
        elif self._notify is not None:
            self._notify.request_session.close()

    def _close_mail(self):
        mail, self._mail = self._mail, None
        if mail is not None:
            with contextlib.suppress(Exception):  # a server already gone is closed
                mail.close()

    def close(self):
        self._close_mail()
        if self._notify is not None:
            self._notify.request_session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


# Senders share one signature, (message, composed, clinic, transport), for the
# outbox's loop; without a transport a sender makes its own connection.
def send_email(message, composed, clinic, transport=None):
    email = PortalEmail(
        subject=composed.subject,
        body=composed.text,
        to=[message.recipient.email],
        headers={"X-Portal-Message": str(message.pk)},
    )
    email.attach_alternative(composed.html, "text/html")
    if composed.ics:
        email.attach("appointment.ics", composed.ics, "text/calendar")
    if transport is None:
        email.send()
    else:
        transport.mail().send_messages([email])


def notify_configured():
    return bool(settings.NOTIFY_API_KEY and settings.NOTIFY_SMS_TEMPLATE_ID)


def notify_template(kind):
    return settings.NOTIFY_SMS_TEMPLATES.get(kind, settings.NOTIFY_SMS_TEMPLATE_ID)


def send_sms(message, composed, clinic, transport=None):
    """One SMS through GOV.UK Notify. The template holds ((body)); the reference is the
    outbox row's id, never anything personal."""
    if transport is None:
        with Transport() as own:
            return send_sms(message, composed, clinic, own)
    transport.notify().send_sms_notification(
        phone_number=message.recipient.patient.phone,
        template_id=notify_template(message.kind),
        personalisation={"body": composed.sms},
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


def backoff(attempts):
    """Minutes to wait before attempt `attempts + 1`: 1, 4, 9, 16..., at most an hour."""
    return datetime.timedelta(minutes=min(attempts * attempts, 60))
