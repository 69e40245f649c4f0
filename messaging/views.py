"""The clinic admins' message log: what the outbox sent, when, and what failed."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dit_portal.accounts.decorators import clinic_admin_required
from dit_portal.audit import services as audit
from dit_portal.core.errors import MessageReplaced

from . import outbox
from .models import Message

PAGE_SIZE = 50


@clinic_admin_required
def message_log(request):
    audit.record(request, audit.Action.VIEW, object_type="therapy.MessageLog")
    rows = Message.objects.select_related("recipient").order_by("-due_at", "-pk")
    status = request.GET.get("status")
    if status in Message.Status.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "messaging/message_log.html",
        {"page": page, "statuses": Message.Status.choices, "status": status},
    )


@require_POST
@clinic_admin_required
def message_resend(request, pk):
    message = get_object_or_404(Message, pk=pk)
    try:
        reset = outbox.resend(message, by=request.user, ip=audit.client_ip(request))
    except MessageReplaced as error:
        messages.error(request, error.message)
        return redirect("message_log")
    if reset:
        messages.success(request, "The message will be sent again.")
    else:
        messages.error(request, "Only a failed message can be sent again.")
    return redirect("message_log")
