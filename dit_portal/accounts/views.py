from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dit_portal.audit import services as audit
from dit_portal.core.forms import posted

from . import services
from .forms import InvitedPasswordForm

SESSION_KEY = "invitation_token"


@login_required
@require_GET
def your_account(request):
    """Who is signed in and how to change it: the password here, the email address
    through the clinic (nobody adds or switches their own sign-in address)."""
    return render(
        request,
        "account/your_account.html",
        {"pending_email": services.pending_email(request.user)},
    )


@require_POST
def keep_alive(request):
    """The idle notice's "Stay signed in": any request by a signed-in user pushes the
    session's expiry on (the middleware), so this only answers."""
    status = 204 if request.user.is_authenticated else 401
    return HttpResponse(status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    """The emailed link. Opening it only asks (mail scanners and link previews open
    links too); the button's POST signs out whoever is signed in and moves the token
    off the URL into the session."""
    try:
        invitation = services.find_invitation(token)
    except services.InvitationInvalid:
        return render(request, "accounts/invitation_invalid.html", status=404)
    if request.method == "GET":
        return render(
            request,
            "accounts/invitation_confirm.html",
            {"invited_user": invitation.user},
        )
    if request.user.is_authenticated:
        logout(request)
    request.session[SESSION_KEY] = token
    return redirect("set_invited_password")


@never_cache
@require_http_methods(["GET", "POST"])
def set_invited_password(request):
    token = request.session.get(SESSION_KEY)
    try:
        invitation = services.find_invitation(token or "")
    except services.InvitationInvalid:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = InvitedPasswordForm(invitation.user, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(token, form.cleaned_data["new_password1"])
        except services.InvitationInvalid:
            return render(request, "accounts/invitation_invalid.html", status=404)
        del request.session[SESSION_KEY]
        messages.success(request, "Your password is set. Sign in to continue.")
        return redirect("account_login")
    return render(
        request,
        "accounts/set_invited_password.html",
        {"form": form, "invited_user": invitation.user},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_email_change(request, token):
    """The link sent to a new address. Opening it only asks (mail scanners open
    links); the button's POST makes the new address the one used."""
    try:
        change = services.find_email_change(token)
    except services.EmailChangeInvalid:
        return render(request, "accounts/email_change_invalid.html", status=404)
    if request.method == "GET":
        return render(request, "accounts/email_change_confirm.html", {"change": change})
    try:
        services.confirm_email_change(token, ip=audit.client_ip(request))
    except services.EmailChangeInvalid:
        return render(request, "accounts/email_change_invalid.html", status=404)
    messages.success(request, "Your email address is changed. Use it to sign in.")
    return redirect("account_login" if not request.user.is_authenticated else "home")
