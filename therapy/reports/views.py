"""The service reports: on screen (with charts) and as CSV. Who may open each is
decided in access.py; every page view and download is audited (the outcome pages
are built from scores; the waiting list names patients)."""

from django.shortcuts import redirect, render
from django.urls import reverse

from dit_portal.audit import services as audit

from . import selectors
from .access import Report, report_page, reports_for, shows_scores
from .export import csv_response
from .forms import DateRangeForm

# What the reports page says about each report it links to.
LINKS = {
    Report.WAITING: (
        "report_waiting",
        "how long people wait for their first and second sessions, against the "
        "national standards, and who is waiting now",
    ),
    Report.ATTENDANCE: (
        "report_attendance",
        "sessions attended, missed and cancelled, by month and by therapist",
    ),
    Report.CASELOAD: (
        "report_caseload",
        "current courses by therapist and phase, and open risk flags",
    ),
    Report.OUTCOMES: (
        "report_outcomes",
        "recovery and reliable change of finished courses, from questionnaire scores",
    ),
}


@report_page()
def reports(request):
    audit.record(request, audit.Action.VIEW, object_type="reports.Index")
    mine = reports_for(request.user)
    links = [(report.label, *LINKS[report]) for report in mine if report in LINKS]
    return render(
        request,
        "reports/index.html",
        {"links": links, "extract": Report.EXTRACT in mine},
    )


def _ranged(request, report, build, template, **extra):
    form = DateRangeForm(request.GET or None)
    chosen = form.chosen()
    page = build(*chosen) if chosen else None
    audit.record(request, audit.Action.VIEW, object_type=f"reports.{report.label}")
    context = {"form": form, "page": page, "report": report, "range": chosen}
    return render(request, template, {**context, **extra})


@report_page(Report.WAITING)
def waiting(request):
    now = selectors.waiting_now(request.GET.get("page"))
    # Only the names on this page of the list are shown, so only they are audited.
    audit.record_listed(
        request,
        [w.referral.patient for w in now.page.object_list],
        "reports.WaitingList",
    )
    query = request.GET.copy()
    query.pop("page", None)  # the range chosen, kept across the list's pages
    return _ranged(
        request,
        Report.WAITING,
        selectors.waiting_page,
        "reports/waiting.html",
        waiting=now,
        query=query.urlencode(),
    )


@report_page(Report.ATTENDANCE)
def attendance(request):
    return _ranged(
        request, Report.ATTENDANCE, selectors.attendance_page, "reports/attendance.html"
    )


@report_page(Report.OUTCOMES)
def outcomes(request):
    return _ranged(
        request, Report.OUTCOMES, selectors.outcomes_page, "reports/outcomes.html"
    )


@report_page(Report.CASELOAD)
def caseload(request):
    audit.record(request, audit.Action.VIEW, object_type="reports.Caseloads")
    return render(request, "reports/caseload.html", {"page": selectors.caseload_page()})


def _download(request, report, build, page, **options):
    """The CSV of a report for the chosen range; a bad range goes back to the page
    with the range form (`page`), which shows the errors."""
    form = DateRangeForm(request.GET or None)
    chosen = form.chosen()
    if chosen is None:
        return redirect(f"{reverse(page)}?{request.GET.urlencode()}")
    first, last = chosen
    audit.record(
        request,
        audit.Action.EXPORT,
        object_type=f"reports.{report.label}.csv",
        object_id=f"{first}..{last}",
    )
    header, rows = build(first, last, **options)
    return csv_response(f"{report.value}-{first}-to-{last}.csv", header, rows)


@report_page(Report.WAITING)
def waiting_csv(request):
    return _download(request, Report.WAITING, selectors.waiting_csv, "report_waiting")


@report_page(Report.ATTENDANCE)
def attendance_csv(request):
    return _download(
        request, Report.ATTENDANCE, selectors.attendance_csv, "report_attendance"
    )


@report_page(Report.OUTCOMES)
def outcomes_csv(request):
    return _download(
        request, Report.OUTCOMES, selectors.outcomes_csv, "report_outcomes"
    )


@report_page(Report.EXTRACT)
def extract_csv(request):
    return _download(
        request,
        Report.EXTRACT,
        selectors.extract_csv,
        "report_waiting",  # where the extract's range is chosen
        with_outcomes=shows_scores(request.user),
    )


@report_page(Report.CASELOAD)
def caseload_csv(request):
    audit.record(request, audit.Action.EXPORT, object_type="reports.Caseloads.csv")
    header, rows = selectors.caseload_csv()
    return csv_response("caseloads.csv", header, rows)
