"""Moving the clock in tests, with time-machine, instead of rewriting rows.

Rewriting a session's start to pretend it is past leaves its reminders, offers and
audit times where the services put them, so a test sees a state the portal never
makes. Moving the clock keeps every row as the services wrote it; the sessions, the
messages and the pages all agree on what "now" is.
"""

from importlib import import_module
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model

LONDON = ZoneInfo("Europe/London")


def london(moment):
    """time-machine sets the process's TZ from the destination's zone; keep it the
    portal's, so that datetime.date.today() agrees with timezone.localdate()."""
    return moment.astimezone(LONDON)


class Clock:
    """The `clock` fixture: time-machine's, and the test client it may sign in again.

    Signing in by the clock ends: staff and patients after 30 idle minutes.
    Whoever the test client had signed in signs in again after a move, as the same
    person would when they come back days later (`sign_in_again=False` to see the
    expiry itself)."""

    def __init__(self, time_machine, client):
        self.time_machine = time_machine
        self.client = client

    def move_to(self, moment, *, sign_in_again=True):
        user = self.signed_in_user() if sign_in_again else None
        self.time_machine.move_to(london(moment))
        if user is not None:
            self.client.force_login(user)

    def signed_in_user(self):
        cookie = self.client.cookies.get(settings.SESSION_COOKIE_NAME)
        if cookie is None or not cookie.value:
            return None
        store = import_module(settings.SESSION_ENGINE).SessionStore(cookie.value)
        user_id = store.get(SESSION_KEY)
        return get_user_model().objects.filter(pk=user_id).first() if user_id else None
