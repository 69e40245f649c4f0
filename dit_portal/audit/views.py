"""The clinic admins' audit trail: every event, in words, filtered and exported."""

from django.http import StreamingHttpResponse
from django.shortcuts import render

from dit_portal.accounts.decorators import clinic_admin_required

from . import selectors, services
from .forms import AuditFilterForm


def _filtered(request, action):
    """The filter form and its events; a bad filter shows its error and no rows.
    Looking at (or exporting) one patient's trail is audited on their record."""
    form = AuditFilterForm(request.GET or None)
    if not request.GET:
        events = selectors.filtered_events()
    elif form.is_valid():
        events = selectors.filtered_events(**form.filters())
    else:
        events = selectors.filtered_events().none()
    patient = form.cleaned_data.get("patient") if form.is_bound else None
    services.record(
        request,
        action,
        patient=patient,
        object_type="audit.AuditLog" if patient else "audit.AuditEvent",
    )
    return form, events, patient


@clinic_admin_required
def audit_events(request):
    form, events, patient = _filtered(request, services.Action.VIEW)
    page = selectors.audit_page(events, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/audit_events.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "patient": patient,
        },
    )


@clinic_admin_required
def audit_events_csv(request):
    form, events, patient = _filtered(request, services.Action.EXPORT)
    response = StreamingHttpResponse(
        selectors.csv_lines(events), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    return response
