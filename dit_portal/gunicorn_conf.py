"""gunicorn's settings: `gunicorn -c python:dit_portal.gunicorn_conf dit_portal.wsgi`.

The access log keeps its usual line (client, time, request, status, size, referrer,
browser) but every part that can carry a path goes through the invitation-token
redaction first."""

from gunicorn.glogging import Logger

from dit_portal.accounts.logredact import redact

accesslog = "-"


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }


logger_class = RedactingLogger
