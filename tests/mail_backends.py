import os
import signal

from django.core.mail.backends.filebased import EmailBackend


class DieAfterSending(EmailBackend):
    """Writes the email like the file backend, then the worker process is killed
    (SIGKILL: no cleanup, no acknowledgement) — a crash right after the mail left."""

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        self.close()
        os.kill(os.getpid(), signal.SIGKILL)
        return sent


class Refusing(EmailBackend):
    """A mail server that refuses every message (an outage)."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")
