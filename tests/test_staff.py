"""The clinic admins' staff page: invite, change, deactivate, reset two-factor
sign-in, and hand a leaving therapist's caseload to another therapist."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dit_portal.accounts.models import Invitation, User
from dit_portal.accounts.staff import services as staff
from dit_portal.audit.models import AuditEvent
from dit_portal.core.errors import StaffError
from messaging import outbox
from messaging.models import Message

from .factories import PASSWORD, ClinicAdminFactory, PatientFactory, TherapistFactory
from .helpers import sign_in, sign_in_staff
from .test_query_counts import assert_flat

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(clinic, clinic_admin):
    """A clinic admin who signed in (password and code) and then gave the password
    again when asked, a moment ago, so changes that ask for it go through."""
    client = Client()
    assert sign_in_staff(client, clinic_admin).status_code == 302
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    return client


def test_the_list_shows_role_lead_active_and_two_factor(admin_client, therapist):
    TherapistFactory(full_name="Nadia New", totp=False, clinical_lead=True)
    ClinicAdminFactory(full_name="Gone Admin", is_active=False)
    page = admin_client.get(reverse("staff_list")).content.decode()
    rows = re.findall(
        r"<tr class=\"nhsuk-table__row\" role=\"row\">(.*?)</tr>", page, re.S
    )
    text = [re.sub(r"<[^>]+>|\s+", " ", row).split() for row in rows[1:]]
    words = [" ".join(row) for row in text]
    assert any(
        "Nadia New" in w
        and "Therapist" in w
        and "Clinical lead Yes" in w
        and "Not set up yet" in w
        for w in words
    ), words
    assert any("Terry Therapist" in w and "Set up" in w for w in words)
    assert any("Gone Admin" in w and "Deactivated" in w for w in words)
    assert words[-1].startswith("Name Gone Admin")  # the deactivated come last


def test_the_list_runs_the_same_queries_for_many_staff(client, clinic, clinic_admin):
    client.force_login(clinic_admin)
    assert_flat(
        client, reverse("staff_list"), lambda: TherapistFactory.create_batch(15)
    )


def test_a_therapists_page_runs_the_same_queries_for_a_long_caseload(
    client, clinic, clinic_admin, therapist, patient
):
    client.force_login(clinic_admin)
    assert_flat(
        client,
        reverse("staff_detail", args=[therapist.pk]),
        lambda: PatientFactory.create_batch(25, therapist=therapist),
    )


def test_therapists_and_patients_are_not_told_the_page_exists(
    client, therapist, patient
):
    for user in (therapist, patient.user):
        client.force_login(user)
        assert client.get(reverse("staff_list")).status_code == 404
        assert client.get(reverse("staff_detail", args=[user.pk])).status_code == 404


def test_a_patient_is_not_a_member_of_staff(admin_client, patient):
    url = reverse("staff_detail", args=[patient.user.pk])
    assert admin_client.get(url).status_code == 404


def test_an_empty_or_mistyped_invitation_says_what_to_fix(admin_client):
    empty = admin_client.post(reverse("invite_staff"), {})
    errors = empty.context["form"].errors
    assert errors["full_name"] == ["Enter their full name."]
    assert errors["email"] == ["Enter their email address."]
    assert errors["role"] == ["Choose their role."]
    assert "This field is required" not in empty.content.decode()
    typo = admin_client.post(
        reverse("invite_staff"),
        {"full_name": "Nadia New", "email": "nadia.example.test", "role": "therapist"},
    )
    assert typo.context["form"].errors["email"] == [
        "Enter an email address in the correct format, like name@example.com."
    ]
    assert not User.objects.filter(full_name="Nadia New").exists()


def test_invite_a_therapist_who_then_sets_up_two_factor(admin_client, clinic_admin):
    response = admin_client.post(
        reverse("invite_staff"),
        {"full_name": "Nadia New", "email": "Nadia@Example.test", "role": "therapist"},
    )
    nadia = User.objects.get(email="nadia@example.test")
    assert response.status_code == 302
    assert response.url == reverse("staff_detail", args=[nadia.pk])
    assert nadia.role == User.Role.THERAPIST
    assert not nadia.clinical_lead
    assert not nadia.has_usable_password()
    assert Invitation.objects.usable().filter(user=nadia).count() == 1
    assert AuditEvent.objects.filter(
        actor=clinic_admin, action="create", object_type="accounts.User",
        object_id=str(nadia.pk),
    ).exists()  # fmt: skip
    (email,) = mail.outbox
    assert email.to == ["nadia@example.test"]
    assert "two-factor sign-in" in email.body
    assert "PALS" not in email.body  # patients' words, not staff's

    path = re.search(r"https?://[^/\s]+(/accounts/invitation/[^/\s]+/)", email.body)[1]
    newcomer = Client()
    newcomer.post(path)
    newcomer.post(
        reverse("set_invited_password"),
        {
            "new_password1": "a-long-new-password-9",
            "new_password2": "a-long-new-password-9",
        },
    )
    response = sign_in(newcomer, "nadia@example.test", "a-long-new-password-9")
    assert newcomer.get(response.url, follow=True).redirect_chain[-1][0] == reverse(
        "mfa_activate_totp"
    )


def test_a_new_invitation_for_staff_who_have_not_set_a_password(
    admin_client, clinic_admin, therapist
):
    nadia = TherapistFactory(totp=False)
    nadia.set_unusable_password()
    nadia.save()
    url = reverse("resend_staff_invitation", args=[nadia.pk])
    admin_client.post(url)
    admin_client.post(url)
    assert Invitation.objects.filter(user=nadia).count() == 2
    assert Invitation.objects.usable().filter(user=nadia).count() == 1  # the newest
    assert [m.to for m in mail.outbox] == [[nadia.email], [nadia.email]]
    # Someone with a password needs no invitation.
    admin_client.post(reverse("resend_staff_invitation", args=[therapist.pk]))
    assert not Invitation.objects.filter(user=therapist).exists()
    assert len(mail.outbox) == 2


def test_staff_deactivated_before_accepting_cannot_come_back_by_invitation(
    admin_client, clinic_admin
):
    admin_client.post(
        reverse("invite_staff"),
        {"full_name": "Nadia New", "email": "nadia@example.test", "role": "therapist"},
    )
    nadia = User.objects.get(email="nadia@example.test")
    path = re.search(r"(/accounts/invitation/[^/\s]+/)", mail.outbox[0].body)[1]
    admin_client.post(reverse("deactivate_staff", args=[nadia.pk]))

    # The link she was sent no longer sets a password, nor lets her back in.
    newcomer = Client()
    newcomer.post(path)
    newcomer.post(
        reverse("set_invited_password"),
        {
            "new_password1": "a-long-new-password-9",
            "new_password2": "a-long-new-password-9",
        },
    )
    nadia.refresh_from_db()
    assert not nadia.is_active and not nadia.has_usable_password()

    # Nor does a new one: the page says to let her sign in again first.
    page = admin_client.get(reverse("staff_detail", args=[nadia.pk])).content.decode()
    assert "Send a new invitation" not in page
    response = admin_client.post(
        reverse("resend_staff_invitation", args=[nadia.pk]), follow=True
    )
    assert "Let Nadia New sign in again first" in response.content.decode()
    assert len(mail.outbox) == 1
    assert not Invitation.objects.usable().filter(user=nadia).exists()

    # Let back in, she can be sent a new link.
    admin_client.post(reverse("reactivate_staff", args=[nadia.pk]))
    admin_client.post(reverse("resend_staff_invitation", args=[nadia.pk]))
    assert Invitation.objects.usable().filter(user=nadia).count() == 1
    assert len(mail.outbox) == 2


def test_an_address_already_in_use_is_refused(admin_client, therapist):
    response = admin_client.post(
        reverse("invite_staff"),
        {
            "full_name": "Terry Again",
            "email": "TERRY@example.test",
            "role": "therapist",
        },
    )
    assert response.status_code == 200
    assert "Someone already uses this email address." in response.content.decode()
    assert User.objects.filter(email="terry@example.test").count() == 1


def test_changes_to_who_can_sign_in_ask_for_a_recent_sign_in(
    client, clinic, clinic_admin, other_therapist
):
    client.force_login(clinic_admin)  # a session without a recent sign-in
    url = reverse("deactivate_staff", args=[other_therapist.pk])
    assert client.get(url).status_code == 200  # asking is fine
    response = client.post(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    other_therapist.refresh_from_db()
    assert other_therapist.is_active


def test_resetting_two_factor_asks_for_a_recent_sign_in_too(
    client, clinic, clinic_admin, other_therapist
):
    """A stolen admin session cannot strip another account's second factor."""
    client.force_login(clinic_admin)  # a session without a recent sign-in
    response = client.post(reverse("reset_staff_mfa", args=[other_therapist.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert Authenticator.objects.filter(user=other_therapist).exists()
    assert not Message.objects.filter(recipient=other_therapist).exists()


def test_deactivated_staff_are_signed_out_and_cannot_sign_in(
    admin_client, clinic_admin, other_therapist
):
    theirs = Client()
    sign_in_staff(theirs, other_therapist)
    assert theirs.get(reverse("caseload")).status_code == 200
    assert Session.objects.count() == 2

    response = admin_client.post(reverse("deactivate_staff", args=[other_therapist.pk]))
    assert response.status_code == 302

    other_therapist.refresh_from_db()
    assert not other_therapist.is_active
    assert Session.objects.count() == 1  # only the admin's is left
    response = theirs.get(reverse("caseload"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    refused = sign_in(Client(), other_therapist.email)
    assert refused.status_code == 302
    assert refused.url == reverse("account_inactive")
    event = AuditEvent.objects.get(
        actor=clinic_admin, action="change", object_id=str(other_therapist.pk)
    )
    assert event.changes == {"is_active": [True, False], "sessions_ended": [0, 1]}
    # The admin is still signed in and can let them back.
    admin_client.post(reverse("reactivate_staff", args=[other_therapist.pk]))
    other_therapist.refresh_from_db()
    assert other_therapist.is_active


def test_a_therapist_with_a_caseload_is_shown_it_and_cannot_leave(
    admin_client, course, therapist, other_therapist
):
    response = admin_client.post(reverse("deactivate_staff", args=[therapist.pk]))
    assert response.status_code == 200
    assert "still has patients or courses" in response.content.decode()
    therapist.refresh_from_db()
    assert therapist.is_active

    page = admin_client.get(reverse("staff_detail", args=[therapist.pk]))
    assert "Alice Patient" in page.content.decode()
    # Showing the caseload names the patient: their audit log says so.
    assert AuditEvent.objects.filter(
        patient=course.patient, object_type="accounts.StaffCaseload"
    ).exists()

    admin_client.post(
        reverse("hand_over", args=[therapist.pk]),
        {"patient": course.patient.public_id, "to_therapist": other_therapist.pk},
    )
    course.refresh_from_db()
    course.patient.refresh_from_db()
    assert course.therapist == other_therapist
    assert course.patient.therapist == other_therapist
    coming = course.sessions.filter(start__gt=timezone.now())
    assert coming.count() == 16
    assert set(coming.values_list("therapist", flat=True)) == {other_therapist.pk}

    admin_client.post(reverse("deactivate_staff", args=[therapist.pk]))
    therapist.refresh_from_db()
    assert not therapist.is_active


def test_only_a_patient_on_the_caseload_is_handed_over(
    admin_client, therapist, other_patient, other_therapist
):
    response = admin_client.post(
        reverse("hand_over", args=[therapist.pk]),
        {"patient": other_patient.public_id, "to_therapist": other_therapist.pk},
        follow=True,
    )
    assert "Otto Outsider is not on Terry Therapist&#x27;s caseload." in (
        response.content.decode()
    )
    other_patient.refresh_from_db()
    assert other_patient.therapist == other_therapist


def test_a_hand_over_to_a_busy_therapist_is_refused(
    admin_client, course, therapist, other_patient, other_therapist
):
    from .factories import book_course, working_week

    working_week(other_therapist)
    first = course.sessions.order_by("start").first()
    local = timezone.localtime(first.start)
    book_course(
        other_patient, other_therapist, weekday=local.weekday(), at=local.time(),
        start=local.date(),
    )  # fmt: skip
    response = admin_client.post(
        reverse("hand_over", args=[therapist.pk]),
        {"patient": course.patient.public_id, "to_therapist": other_therapist.pk},
        follow=True,
    )
    assert "Tess Therapist already has a session on" in response.content.decode()
    course.refresh_from_db()
    assert course.therapist == therapist
    assert set(course.sessions.values_list("therapist", flat=True)) == {therapist.pk}


def test_the_last_active_clinic_admin_stays(clinic, clinic_admin, therapist):
    with pytest.raises(StaffError, match="only active clinic admin"):
        staff.deactivate(clinic_admin, by=therapist)
    with pytest.raises(StaffError, match="only active clinic admin"):
        staff.change_staff(
            clinic_admin, by=therapist, full_name="Ada", role="therapist",
            clinical_lead=False,
        )  # fmt: skip
    second = ClinicAdminFactory()
    staff.deactivate(clinic_admin, by=second)
    clinic_admin.refresh_from_db()
    assert not clinic_admin.is_active
    with pytest.raises(StaffError, match="your own account"):
        staff.deactivate(second, by=second)


def test_change_name_role_and_clinical_lead(
    admin_client, clinic_admin, other_therapist
):
    response = admin_client.post(
        reverse("edit_staff", args=[other_therapist.pk]),
        {
            "full_name": "Dr Tess Therapist",
            "role": "clinic_admin",
            "clinical_lead": "on",
        },
    )
    assert response.status_code == 302
    other_therapist.refresh_from_db()
    assert other_therapist.full_name == "Dr Tess Therapist"
    assert other_therapist.is_clinic_admin
    assert other_therapist.is_clinical_lead
    event = AuditEvent.objects.get(object_id=str(other_therapist.pk), action="change")
    assert event.changes == {
        "full_name": ["Tess Therapist", "Dr Tess Therapist"],
        "role": ["therapist", "clinic_admin"],
        "clinical_lead": [False, True],
    }


def test_a_therapist_with_patients_does_not_become_an_admin(
    admin_client, patient, therapist
):
    response = admin_client.post(
        reverse("edit_staff", args=[therapist.pk]),
        {"full_name": "Terry Therapist", "role": "clinic_admin"},
    )
    assert response.status_code == 200
    assert "still has patients or courses" in response.content.decode()
    therapist.refresh_from_db()
    assert therapist.is_therapist


def test_reset_two_factor(admin_client, clinic_admin, other_therapist):
    theirs = Client()
    sign_in_staff(theirs, other_therapist)
    response = admin_client.post(reverse("reset_staff_mfa", args=[other_therapist.pk]))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=other_therapist).exists()
    assert theirs.get(reverse("caseload")).status_code == 302  # signed out
    message = Message.objects.get(recipient=other_therapist)
    assert message.kind == Message.Kind.MFA_RESET
    outbox.send(message.pk)
    (email,) = mail.outbox
    assert email.to == [other_therapist.email]
    assert email.subject.endswith("your two-factor sign-in was reset")
    assert "If you did not ask for this, call the clinic" in email.body
    assert AuditEvent.objects.filter(
        actor=clinic_admin, action="delete", object_type="accounts.TwoFactorSignIn",
        object_id=str(other_therapist.pk),
    ).exists()  # fmt: skip
    # Their password still works, and then they must set up a second factor again.
    response = sign_in(theirs, other_therapist.email)
    assert theirs.get(response.url, follow=True).redirect_chain[-1][0] == reverse(
        "mfa_activate_totp"
    )


def test_resetting_two_factor_nobody_set_up_says_so_and_sends_nothing(
    admin_client, other_therapist
):
    """Opened directly (the page hides the link): no "reset" email, no audit event."""
    Authenticator.objects.filter(user=other_therapist).delete()
    response = admin_client.post(reverse("reset_staff_mfa", args=[other_therapist.pk]))
    assert response.status_code == 200
    assert "has not set up two-factor sign-in yet" in response.content.decode()
    assert not Message.objects.filter(recipient=other_therapist).exists()
    assert not AuditEvent.objects.filter(
        object_type="accounts.TwoFactorSignIn", object_id=str(other_therapist.pk)
    ).exists()


def refused(cursor, sql, args):
    with (
        pytest.raises(IntegrityError, match="last active clinic admin"),
        transaction.atomic(),
    ):
        cursor.execute(sql, args)


def test_the_database_keeps_an_active_clinic_admin_too(clinic_admin, therapist):
    """Whoever writes: a raw UPDATE or DELETE that leaves no active admin fails (at
    commit; here checked at once)."""
    deactivate = "UPDATE accounts_user SET is_active = false WHERE id = %s"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS user_keeps_an_admin IMMEDIATE")
        refused(cursor, deactivate, [clinic_admin.pk])
        refused(
            cursor,
            "UPDATE accounts_user SET role = 'therapist' WHERE id = %s",
            [clinic_admin.pk],
        )
        second = ClinicAdminFactory()
        cursor.execute(deactivate, [clinic_admin.pk])  # another is left: allowed
        refused(cursor, "DELETE FROM accounts_user WHERE id = %s", [second.pk])


def test_a_handed_over_patients_record_leaves_the_former_therapist(
    client, clock, clinic, clinic_admin, course, therapist, other_therapist
):
    """Hazard H18: after a hand-over the former therapist can no longer open the
    patient's record, sessions, notes or risk flag, and the new therapist has them
    all, the open flag at the top of their caseload, so nothing is left unanswered."""
    from questionnaires.models import RiskFlag
    from therapy.notes import services as notes

    from .factories import phq9_answers, send_measure
    from .focus_helpers import begin_session

    send_measure(course.sessions.get(number=1), "phq9", phq9_answers(12, item9=2))
    flag = RiskFlag.objects.get()
    begin_session(clock, course, 1)
    note = notes.start_note(
        course.sessions.get(number=1), by=therapist, relationships="Met her sister."
    )
    admin = Client()
    sign_in_staff(admin, clinic_admin)
    admin.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = admin.post(
        reverse("hand_over", args=[therapist.pk]),
        {"patient": course.patient.public_id, "to_therapist": other_therapist.pk},
    )
    assert response.status_code == 302
    urls = [
        reverse("patient_detail", args=[course.patient.public_id]),
        reverse("course_timeline", args=[course.public_id]),
        reverse("note_detail", args=[note.public_id]),
        reverse("risk_flag", args=[flag.public_id]),
    ]

    client.force_login(therapist)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404, 404]
    assert "Alice Patient" not in client.get(reverse("caseload")).content.decode()

    client.force_login(other_therapist)
    assert [client.get(url).status_code for url in urls] == [200, 200, 200, 200]
    caseload = client.get(reverse("caseload")).content.decode()
    assert "Risk flags to acknowledge" in caseload
    assert reverse("risk_flag", args=[flag.public_id]) in caseload
