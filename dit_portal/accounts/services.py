"""Account operations: patients' one-time invitation links."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Invitation, hash_token


class InvitationInvalid(Exception):
    """The link is unknown, used or expired."""


def create_invitation(user, created_by=None):
    """Make a new one-time link for `user`; earlier unused links stop working."""
    token = Invitation.new_token()
    now = timezone.now()
    Invitation.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
    Invitation.objects.create(
        user=user,
        token_hash=hash_token(token),
        created_by=created_by,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    return token


def invitation_url(token):
    return settings.SITE_URL + reverse("accept_invitation", args=[token])


def send_invitation_email(user, token, clinic):
    """Email the link. It holds no clinical detail: only the link and who to call."""
    context = {
        "user": user,
        "url": invitation_url(token),
        "clinic": clinic,
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    message = EmailMultiAlternatives(
        subject=f"Set up your account for {clinic.portal_name}",
        body=render_to_string("accounts/email/invitation.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("accounts/email/invitation.html", context), "text/html"
    )
    message.send()


def find_invitation(token):
    invitation = (
        Invitation.objects.usable()
        .select_related("user")
        .filter(token_hash=hash_token(token))
        .first()
    )
    # A person who has a password (set through the invitation, a reset or the Django
    # admin) is past their invitation: an old link must not let anyone replace it.
    if invitation is None or invitation.user.has_usable_password():
        raise InvitationInvalid
    return invitation


def expire_invitations(user):
    """The person now has a password: their unused links stop working."""
    Invitation.objects.filter(user=user, used_at__isnull=True).update(
        expires_at=timezone.now()
    )


@transaction.atomic
def accept_invitation(token, password):
    """Set the patient's password once; the link and its email are then verified."""
    invitation = (
        Invitation.objects.select_for_update()
        .usable()
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None or invitation.user.has_usable_password():
        raise InvitationInvalid
    user = invitation.user
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    EmailAddress.objects.update_or_create(
        user=user,
        email=user.email,
        defaults={"verified": True, "primary": True},
    )
    return user
