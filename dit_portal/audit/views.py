"""The clinic admins' audit trail: every event, in words, filtered and exported."""

from django.http import HttpResponse
from django.shortcuts import render

from dit_portal.accounts.decorators import clinic_admin_required

from . import selectors, services
from .forms import AuditFilterForm


def _filtered(request):
    """The filter form and its events; a bad filter shows its error and no rows."""
    form = AuditFilterForm(request.GET or None)
    if not request.GET:
        return form, selectors.filtered_events()
    if form.is_valid():
        return form, selectors.filtered_events(**form.filters())
    return form, selectors.filtered_events().none()


@clinic_admin_required
def audit_events(request):
    form, events = _filtered(request)
    services.record(request, services.Action.VIEW, object_type="audit.AuditEvent")
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
            "patient": form.cleaned_data.get("patient") if form.is_bound else None,
        },
    )


@clinic_admin_required
def audit_events_csv(request):
    form, events = _filtered(request)
    services.record(request, services.Action.EXPORT, object_type="audit.AuditEvent")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    selectors.write_csv(events, response)
    return response
