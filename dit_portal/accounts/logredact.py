"""Invitation tokens out of the logs.

An invitation link is a password-setting key for up to INVITATION_VALID_DAYS, so its
token must not reach log files: not in Django's "Not Found: <path>" warnings, the
development server's request lines, or gunicorn's access log (see gunicorn_conf.py).
Plain Python, no Django: gunicorn's logger imports it before Django starts."""

import logging
import re

_TOKEN_IN_PATH = re.compile(
    r"(/accounts/(?:invitation|email-change)/)(?!set-password/)[^/\s?\"]+"
)
REDACTED = r"\1[redacted]"


def redact(text):
    return _TOKEN_IN_PATH.sub(REDACTED, text)


class Redact(logging.Filter):
    """Rewrites a record's message with the tokens taken out (keeps every record)."""

    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
