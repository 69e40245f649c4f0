"""The clinic's staff: invitations, changes, deactivation and two-factor resets.

Each operation runs in one transaction with its audit event (`by` is the clinic
admin acting, `ip` their address). Patients and courses are read by model label,
as messaging reads the clinic: a data dependency, not an import of the apps above
accounts. Handing a caseload to another therapist is therapy's
(`therapy.scheduling.handover`)."""

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.db import transaction
from django.db.models import Exists, OuterRef

from dit_portal.audit import services as audit
from dit_portal.core.errors import StaffError
from messaging.models import Message
from messaging.queueing import queue_message

from .. import services as accounts
from ..models import User

Role = User.Role

LAST_ADMIN = (
    "This is the only active clinic admin. Invite or reactivate another clinic "
    "admin first, so someone can still run the clinic."
)
NOT_YOURSELF = "You cannot deactivate your own account. Ask another clinic admin."


def staff_members():
    """Every therapist and clinic admin, active first, with whether they have set
    up two-factor sign-in (one query)."""
    totp = Authenticator.objects.filter(
        user=OuterRef("pk"), type=Authenticator.Type.TOTP
    )
    return (
        User.objects.filter(role__in=User.STAFF_ROLES)
        .annotate(has_mfa=Exists(totp))
        .order_by("-is_active", "full_name", "pk")
    )


def open_caseload(user):
    """Patients still in care who are assigned to `user`, and their live courses."""
    patients = apps.get_model("patients", "Patient").objects.filter(therapist=user)
    courses = apps.get_model("therapy", "Course").objects.filter(therapist=user)
    return patients.open(), courses.current()


def _refuse_if_caseload(user, doing):
    patients, courses = open_caseload(user)
    if patients.exists() or courses.exists():
        raise StaffError(
            f"{user.full_name} still has patients or courses. Hand them to another "
            f"therapist before you {doing}."
        )


def _refuse_if_last_admin(user):
    """Locks every active clinic admin's row, so two admins deactivating each other
    at the same moment are taken in turn and the second is refused."""
    admins = list(
        User.objects.select_for_update()
        .filter(role=Role.CLINIC_ADMIN, is_active=True)
        .values_list("pk", flat=True)
    )
    if user.pk in admins and len(admins) <= 1:
        raise StaffError(LAST_ADMIN)


def invite_staff(*, email, full_name, role, clinical_lead, by, clinic, ip=None):
    """A therapist or clinic admin account and its one-time link, as for patients;
    two-factor sign-in is set up at their first sign-in (StaffSecurityMiddleware).
    Returns (user, whether the email went)."""
    if role not in User.STAFF_ROLES:
        raise StaffError("Staff are therapists or clinic admins.")
    with transaction.atomic():
        user, token = accounts.create_invited_user(
            email=email,
            full_name=full_name,
            role=role,
            clinical_lead=clinical_lead,
            created_by=by,
        )
        audit.record_change(by, audit.Action.CREATE, user, ip=ip)
    return user, accounts.send_invitation(user, token, clinic)


def resend_invitation(user, *, by, clinic, ip=None):
    """A new link for someone who has not set a password yet (earlier links stop
    working); whether the email went."""
    if user.has_usable_password():
        raise StaffError(f"{user.full_name} has already set a password.")
    if not user.is_active:
        # Accepting an invitation makes the account active (accounts.services).
        raise StaffError(f"Let {user.full_name} sign in again first.")
    with transaction.atomic():
        token = accounts.create_invitation(user, created_by=by)
        audit.record_change(
            by,
            audit.Action.CREATE,
            object_type="accounts.Invitation",
            object_id=user.pk,
            ip=ip,
        )
    return accounts.send_invitation(user, token, clinic)


def change_staff(user, *, by, ip=None, full_name, role, clinical_lead):
    """Name, role and the clinical-lead flag. A therapist becomes an admin only with
    no caseload; the last active admin stays an admin."""
    if role not in User.STAFF_ROLES:
        raise StaffError("Staff are therapists or clinic admins.")
    values = {"full_name": full_name, "role": role, "clinical_lead": clinical_lead}
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if role != user.role:
            if user.is_therapist:
                _refuse_if_caseload(user, "change their role")
            else:
                _refuse_if_last_admin(user)
        changes = audit.differences(user, values)
        if not changes:
            return user
        for name, value in values.items():
            setattr(user, name, value)
        user.save(update_fields=list(values))
        audit.record_change(by, audit.Action.CHANGE, user, ip=ip, changes=changes)
    return user


def deactivate(user, *, by, ip=None):
    """Sign-in is refused from now on and every open session ends. Refused for
    oneself, for the last active admin and for a therapist with a caseload."""
    if user.pk == by.pk:
        raise StaffError(NOT_YOURSELF)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            return user
        if user.is_clinic_admin:
            _refuse_if_last_admin(user)
        else:
            _refuse_if_caseload(user, "deactivate them")
        user.is_active = False
        user.save(update_fields=["is_active"])
        # An invitation not yet accepted would make the account active again.
        accounts.expire_invitations(user)
        ended = accounts.end_sessions(user)
        audit.record_change(
            by,
            audit.Action.CHANGE,
            user,
            ip=ip,
            changes={"is_active": [True, False], "sessions_ended": [0, ended]},
        )
    return user


def reactivate(user, *, by, ip=None):
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active:
            return user
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit.record_change(
            by, audit.Action.CHANGE, user, ip=ip, changes={"is_active": [False, True]}
        )
    return user


def reset_two_factor(user, *, by, ip=None):
    """The person lost their authenticator: their second factors (TOTP, recovery
    codes) are removed, their sessions end, and at their next sign-in they must set
    two-factor sign-in up again. An email tells them (through the outbox; it says
    only that it was reset and to call the clinic if they did not ask)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        removed, _ = Authenticator.objects.filter(user=user).delete()
        if not removed:
            # Nothing to reset: no email telling them it was, no audit of a reset.
            raise StaffError(
                f"{user.full_name} has not set up two-factor sign-in yet, so there "
                "is nothing to reset. They set it up at their next sign-in."
            )
        accounts.end_sessions(user)
        audit.record_change(
            by,
            audit.Action.DELETE,
            user,
            object_type="accounts.TwoFactorSignIn",
            ip=ip,
        )
        queue_message(Message.Kind.MFA_RESET, user)
    return removed
