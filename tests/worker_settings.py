"""Settings for the Celery worker subprocesses the outbox tests start: the project's
settings, plus a quick redelivery of unacknowledged tasks (so a killed worker's task
comes back within seconds, not an hour) and, when asked, a mailer that dies after
sending."""

import os

from dit_portal.settings import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
_mail_dir = os.environ["TEST_MAIL_DIR"]
MAILERS = {
    "default": {
        "BACKEND": "tests.mail_backends.DieAfterSending"
        if os.environ.get("TEST_DIE_AFTER_SENDING")
        else "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": _mail_dir},
    }
}
