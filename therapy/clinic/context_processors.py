import time

from therapy.models import Clinic

# The footer's clinic, kept by each process for up to this many seconds: every page
# shows it, and reading it was a query on every request. A save in this process
# forgets it at once (forget_footer_clinic, on post_save); other processes show the
# new details within a minute. Rules (notice, reminder times) never read this copy:
# services call Clinic.load() themselves.
FOOTER_SECONDS = 60
_footer = {"clinic": None, "until": 0.0}


def footer_clinic():
    now = time.monotonic()
    if _footer["clinic"] is None or now >= _footer["until"]:
        _footer["clinic"] = Clinic.load()
        _footer["until"] = now + FOOTER_SECONDS
    return _footer["clinic"]


def forget_footer_clinic(**kwargs):
    _footer["clinic"] = None


def clinic(request):
    """The clinic's details for the header and footer of every page."""
    if not hasattr(request, "_clinic"):
        request._clinic = footer_clinic()
    return {"clinic": request._clinic}
