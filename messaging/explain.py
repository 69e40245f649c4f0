"""Plain words for the errors the outbox records, for the message log.

`Message.last_error` keeps only a channel, an error type and a status ("sms: HTTPError
400"; see channels.safe_error), which says nothing an admin can act on. Each known
error gets what it means and what to do; an unknown one gets nothing, and the log
still shows the technical words beside it."""

import re

ERROR = re.compile(r"^(?P<channel>\w+): (?P<kind>[\w.]+)(?: (?P<status>\d{3}))?$")
TELL_SUPPORT = "Tell whoever looks after the portal."
TRIED_AGAIN = (
    "Send it again later, or it is tried again by itself while attempts remain."
)

# (channel, error type, status or its first digits), None matching any: the words.
KNOWN = [
    (
        "sms",
        None,
        "400",
        "The phone number was refused: check it in the patient's details.",
    ),
    (
        "sms",
        None,
        "403",
        "GOV.UK Notify refused the portal's key, so no text messages can be sent. "
        + TELL_SUPPORT,
    ),
    (
        "sms",
        None,
        "429",
        "GOV.UK Notify's sending limit was reached. " + TRIED_AGAIN,
    ),
    ("sms", None, "5", "GOV.UK Notify was not working. " + TRIED_AGAIN),  # any 5xx
    (
        "email",
        "SMTPRecipientsRefused",
        None,
        "The email address was refused: check it in the patient's details.",
    ),
    (
        "email",
        "SMTPAuthenticationError",
        None,
        "The mail server refused the portal's sign-in. " + TELL_SUPPORT,
    ),
    (
        None,
        "ConnectionRefusedError",
        None,
        "The portal could not reach the sending service. " + TELL_SUPPORT,
    ),
    (None, "TimeoutError", None, "The sending service did not answer. " + TRIED_AGAIN),
]


def explain(last_error):
    """What each part of a recorded error means, in order, without repeats."""
    words = []
    for part in last_error.split("; "):
        match = ERROR.match(part.strip())
        if not match:
            continue
        channel, kind, status = match.group("channel", "kind", "status")
        for want_channel, want_kind, want_status, text in KNOWN:
            if (
                want_channel in (None, channel)
                and want_kind in (None, kind)
                and (want_status is None or (status or "").startswith(want_status))
            ):
                if text not in words:
                    words.append(text)
                break
    return words
