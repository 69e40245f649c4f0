"""Account operations: one-time invitation links (patients and staff), sessions,
and sign-in addresses changed by the clinic and confirmed by their owner."""

import logging
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from dit_portal.audit import services as audit

from .models import EmailChange, Invitation, User, hash_token

log = logging.getLogger(__name__)


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


def email_taken(email, exclude=None):
    """Whether another account signs in with, or has been offered, this address."""
    email = email.strip().lower()
    users = User.objects.filter(email=email)
    addresses = EmailAddress.objects.filter(email__iexact=email)
    pending = EmailChange.objects.usable().filter(new_email=email)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
        addresses = addresses.exclude(user=exclude)
        pending = pending.exclude(user=exclude)
    return users.exists() or addresses.exists() or pending.exists()


def create_invited_user(*, email, full_name, role, created_by, **fields):
    """An account with no usable password yet, its unverified address and a one-time
    link; returns (user, token). Call inside the caller's transaction."""
    user = User.objects.create_user(
        email=email, full_name=full_name, role=role, **fields
    )
    EmailAddress.objects.create(
        user=user, email=user.email, verified=False, primary=True
    )
    return user, create_invitation(user, created_by=created_by)


def invitation_url(token):
    return settings.SITE_URL + reverse("accept_invitation", args=[token])


def _send(user, what, *, to, subject, template, context, html=True):
    """Send one of the account emails; False (and a log line without personal data)
    on failure. The error's text can hold the address, so only its type is logged."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"accounts/email/{template}.txt", context),
        to=[to],
    )
    if html:
        message.attach_alternative(
            render_to_string(f"accounts/email/{template}.html", context), "text/html"
        )
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - any mail failure is reported the same
        log.error(  # noqa: TRY400
            "%s for user %s was not sent (%s)", what, user.pk, type(error).__name__
        )
        return False
    return True


def send_invitation(user, token, clinic):
    """Email the link. It holds no clinical detail: only the link and who to call."""
    return _send(
        user,
        "Invitation email",
        to=user.email,
        subject=f"Set up your account for {clinic.portal_name}",
        template="invitation",
        context={
            "user": user,
            "url": invitation_url(token),
            "clinic": clinic,
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
    )


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


def end_sessions(user):
    """Sign `user` out everywhere: delete their rows from the session store (the
    database; settings use Django's default engine). Sessions are not indexed by
    user, so the live ones are read; the idle time-out keeps them few (those used in
    the last half hour), and expired ones are not looked at. An inactive user's
    session would find no user anyway (the backend refuses inactive users); deleting
    it also drops what it held."""
    mine = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now())
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(session_key__in=mine).delete()
    return len(mine)


# A sign-in address changed by the clinic, confirmed by its owner ---------------------


class EmailChangeInvalid(Exception):
    """The link is unknown, used or expired."""


def request_email_change(user, new_email, *, by):
    """Keep `new_email` pending for `user` and return the token for its link; the
    account signs in and hears from the clinic at its old address until the owner
    confirms. A newer request cancels older ones. Call inside a transaction."""
    now = timezone.now()
    EmailChange.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
    token = Invitation.new_token()
    EmailChange.objects.create(
        user=user,
        new_email=new_email.strip().lower(),
        token_hash=hash_token(token),
        created_by=by,
        expires_at=now + timedelta(days=settings.EMAIL_CHANGE_VALID_DAYS),
    )
    return token


def pending_email(user):
    change = EmailChange.objects.usable().filter(user=user).first()
    return change.new_email if change else None


def email_change_url(token):
    return settings.SITE_URL + reverse("confirm_email_change", args=[token])


def send_email_change(user, new_email, token, clinic):
    """The link goes to the new address (only its owner can confirm it); nothing in
    it but the link and who to call."""
    return _send(
        user,
        "Email-change link",
        to=new_email,
        subject=f"Confirm your email address for {clinic.portal_name}",
        template="email_change",
        context={
            "user": user,
            "url": email_change_url(token),
            "clinic": clinic,
            "valid_days": settings.EMAIL_CHANGE_VALID_DAYS,
        },
    )


def send_email_change_notice(user, clinic):
    """Tell the address in use that the clinic has asked to change it, so a change
    the person did not ask for is noticed before anyone confirms it. The new address
    is not named."""
    return _send(
        user,
        "Email-change notice",
        to=user.email,
        subject=f"Your email address for {clinic.portal_name} is being changed",
        template="email_change_notice",
        context={"user": user, "clinic": clinic},
        html=False,
    )


def find_email_change(token):
    change = (
        EmailChange.objects.usable()
        .select_related("user")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if change is None:
        raise EmailChangeInvalid
    return change


@transaction.atomic
def confirm_email_change(token, *, ip=None):
    """The owner confirmed: the account signs in and is written to at the new
    address from now on, and the change is audited with before and after."""
    change = (
        EmailChange.objects.select_for_update()
        .usable()
        .select_related("user")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if change is None:
        raise EmailChangeInvalid
    user = change.user
    if email_taken(change.new_email, exclude=user):
        raise EmailChangeInvalid
    before = user.email
    user.email = change.new_email
    user.save(update_fields=["email"])
    EmailAddress.objects.filter(user=user).delete()
    EmailAddress.objects.create(
        user=user, email=user.email, verified=True, primary=True
    )
    change.used_at = timezone.now()
    change.save(update_fields=["used_at"])
    audit.record_change(
        user,
        audit.Action.CHANGE,
        user,
        patient=getattr(user, "patient", None),
        object_type="accounts.SignInEmail",
        ip=ip,
        changes={"email": [before, user.email]},
    )
    return user
