"""Who may open which report: the one rule, used by every report page and export.

Clinic admins see counts (waiting, attendance, caseload, the per-referral extract).
Outcome reports are built from scores, so they need the clinical-lead flag
(`User.is_clinical_lead`, a therapist or an admin); an admin without it never sees a
score, as on every other page. Anyone else gets 404, as for a record they may not
know exists."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import Http404, HttpResponseNotAllowed


class Report(models.TextChoices):
    WAITING = "waiting", "Waiting times"
    ATTENDANCE = "attendance", "Attendance"
    CASELOAD = "caseload", "Caseloads"
    OUTCOMES = "outcomes", "Outcomes"
    EXTRACT = "extract", "Per-referral extract"


COUNT_REPORTS = (Report.WAITING, Report.ATTENDANCE, Report.CASELOAD, Report.EXTRACT)


def may_see(user, report):
    if not user.is_authenticated:
        return False
    if report == Report.OUTCOMES:
        return user.is_clinical_lead
    return user.is_clinic_admin


def shows_scores(user):
    """Whether outcome columns (built from scores) may be shown to this user."""
    return may_see(user, Report.OUTCOMES)


def reports_for(user):
    return [report for report in Report if may_see(user, report)]


def report_page(report=None):
    """A report view: sign-in first, then 404 for anyone `may_see` refuses (with no
    report named: anyone who may see none); reports are read with GET only."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            allowed = (
                may_see(request.user, report) if report else reports_for(request.user)
            )
            if not allowed:
                raise Http404
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(["GET", "HEAD"])
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
