from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from dit_portal.core.forms import posted

from . import services
from .forms import InvitedPasswordForm

SESSION_KEY = "invitation_token"


@never_cache
def accept_invitation(request, token):
    """Check the emailed link, then move its token off the URL and into the session."""
    try:
        services.find_invitation(token)
    except services.InvitationInvalid:
        return render(request, "accounts/invitation_invalid.html", status=404)
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
