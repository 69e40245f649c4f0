"""A clinic admin corrects a patient's details, checked as on invitation; a new
email address is used only once the patient confirms it."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from dit_portal.accounts.models import EmailChange
from dit_portal.audit.models import AuditEvent
from patients import nhs_number

from .factories import PASSWORD, PatientFactory, valid_nhs_number
from .helpers import sign_in

pytestmark = pytest.mark.django_db


def details(patient, **overrides):
    born = patient.date_of_birth
    data = {
        "full_name": patient.user.full_name,
        "email": patient.user.email,
        "phone": patient.phone,
        "gp_practice": patient.gp_practice,
        "nhs_number": patient.nhs_number,
        "date_of_birth_day": str(born.day),
        "date_of_birth_month": str(born.month),
        "date_of_birth_year": str(born.year),
    }
    return data | overrides


def edit(client, patient, **overrides):
    url = reverse("edit_patient", args=[patient.public_id])
    return client.post(url, details(patient, **overrides))


def test_details_are_saved_and_each_change_audited(
    clinic, clinic_admin_client, clinic_admin, patient
):
    old_nhs = patient.nhs_number
    new_nhs = valid_nhs_number()
    spaced = nhs_number.formatted(new_nhs)
    response = edit(
        clinic_admin_client,
        patient,
        full_name="Alice Patient-Jones",
        phone="07700 900 982",
        gp_practice="Mill Lane Surgery",
        nhs_number=spaced,
        date_of_birth_day="2",
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    patient.user.refresh_from_db()
    assert patient.user.full_name == "Alice Patient-Jones"
    assert patient.phone == "07700 900 982"
    assert patient.gp_practice == "Mill Lane Surgery"
    assert patient.nhs_number == new_nhs
    assert patient.date_of_birth == datetime.date(1985, 6, 2)
    event = AuditEvent.objects.get(patient=patient, action="change")
    assert event.actor == clinic_admin
    assert event.object_type == "patients.Patient"
    assert event.changes == {
        "full_name": ["Alice Patient", "Alice Patient-Jones"],
        "phone": ["", "07700 900 982"],
        "gp_practice": ["", "Mill Lane Surgery"],
        "nhs_number": [old_nhs, new_nhs],
        "date_of_birth": ["1985-06-14", "1985-06-02"],
    }
    assert mail.outbox == []  # the address did not change


def test_saving_unchanged_details_writes_no_change_event(
    clinic, clinic_admin_client, patient
):
    assert edit(clinic_admin_client, patient).status_code == 302
    assert not AuditEvent.objects.filter(patient=patient, action="change").exists()


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("nhs_number", "9434765918", "This is not a valid NHS number."),
        ("nhs_number", "12345", "Enter an NHS number of 10 digits"),
        (
            "date_of_birth_year",
            str(datetime.date.today().year + 1),
            "The date must be in the past.",
        ),
        ("date_of_birth_month", "13", "Enter a real date"),
        ("phone", "020 7946 0000", "Enter a UK mobile number"),
        (
            "email",
            "not-an-address",
            "Enter an email address in the correct format, like name@example.com.",
        ),
        ("full_name", "", "Enter their full name."),
    ],
)
def test_bad_details_are_refused_with_a_clear_error(
    clinic, clinic_admin_client, patient, field, value, error
):
    before = (patient.nhs_number, patient.date_of_birth, patient.phone)
    response = edit(clinic_admin_client, patient, **{field: value})
    assert response.status_code == 200
    assert error in response.content.decode()
    patient.refresh_from_db()
    assert (patient.nhs_number, patient.date_of_birth, patient.phone) == before


def test_another_patients_nhs_number_or_email_is_refused(
    clinic, clinic_admin_client, patient, other_patient
):
    response = edit(clinic_admin_client, patient, nhs_number=other_patient.nhs_number)
    assert "A patient with this NHS number already exists." in response.content.decode()
    response = edit(clinic_admin_client, patient, email="OTTO@example.test")
    assert "Someone already uses this email address." in response.content.decode()


def confirmation_path(message):
    match = re.search(
        r"https?://[^/\s]+(/accounts/email-change/[^/\s]+/)", message.body
    )
    assert match, message.body
    return match[1]


def test_a_new_email_is_used_only_once_the_patient_confirms_it(
    clinic, clinic_admin_client, clinic_admin, patient
):
    response = edit(clinic_admin_client, patient, email="Alice.New@Example.test")
    assert response.status_code == 302
    patient.user.refresh_from_db()
    assert patient.user.email == "alice@example.test"  # still the old one
    notice, message = mail.outbox
    assert message.to == ["alice.new@example.test"]
    # The address in use hears of it (without the new one), in case it is unwanted.
    assert notice.to == ["alice@example.test"]
    assert "If you did not ask for this, call us" in notice.body
    assert "alice.new" not in notice.body
    event = AuditEvent.objects.get(patient=patient, action="change")
    assert event.changes == {
        "email_requested": ["alice@example.test", "alice.new@example.test"]
    }
    # Until then, the old address signs in and the new one does not.
    assert sign_in(Client(), "alice.new@example.test").status_code == 200
    assert sign_in(Client(), "alice@example.test").status_code == 302
    # The edit page says a change is waiting.
    page = clinic_admin_client.get(reverse("edit_patient", args=[patient.public_id]))
    assert "alice.new@example.test" in page.content.decode()

    path = confirmation_path(message)
    browser = Client()
    asked = browser.get(path)  # a mail scanner opening the link changes nothing
    assert "alice.new@example.test" in asked.content.decode()
    patient.user.refresh_from_db()
    assert patient.user.email == "alice@example.test"

    assert browser.post(path).status_code == 302
    patient.user.refresh_from_db()
    assert patient.user.email == "alice.new@example.test"
    assert sign_in(Client(), "alice.new@example.test", PASSWORD).status_code == 302
    assert sign_in(Client(), "alice@example.test").status_code == 200
    confirmed = AuditEvent.objects.get(object_type="accounts.SignInEmail")
    assert confirmed.patient == patient
    assert confirmed.changes == {
        "email": ["alice@example.test", "alice.new@example.test"]
    }
    # The link works once.
    assert browser.post(path).status_code == 404


def test_the_patient_sees_the_change_waiting_on_their_account_page(
    clinic, clinic_admin_client, patient
):
    mine = Client()
    mine.force_login(patient.user)
    page = mine.get(reverse("account_email")).content.decode()
    assert 'data-testid="pending-email"' not in page
    edit(clinic_admin_client, patient, email="alice.new@example.test")
    page = mine.get(reverse("account_email")).content.decode()
    notice = page.split('data-testid="pending-email">')[1].split("</div>")[0]
    assert "alice.new@example.test" in notice
    assert "you sign in and get emails at alice@example.test" in notice


def test_a_newer_address_cancels_the_older_link(clinic, clinic_admin_client, patient):
    edit(clinic_admin_client, patient, email="first@example.test")
    patient.user.refresh_from_db()
    edit(clinic_admin_client, patient, email="second@example.test")
    first, second = mail.outbox[1], mail.outbox[3]  # each after its notice
    assert Client().post(confirmation_path(first)).status_code == 404
    assert Client().post(confirmation_path(second)).status_code == 302
    patient.user.refresh_from_db()
    assert patient.user.email == "second@example.test"


def test_an_expired_link_does_not_work(clinic, clinic_admin_client, patient):
    edit(clinic_admin_client, patient, email="late@example.test")
    EmailChange.objects.update(
        expires_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    assert Client().post(confirmation_path(mail.outbox[1])).status_code == 404
    patient.user.refresh_from_db()
    assert patient.user.email == "alice@example.test"


def test_an_address_waiting_for_one_patient_is_not_offered_to_another(
    clinic, clinic_admin_client, patient
):
    edit(clinic_admin_client, patient, email="wanted@example.test")
    other = PatientFactory()
    response = edit(clinic_admin_client, other, email="wanted@example.test")
    assert "Someone already uses this email address." in response.content.decode()


def test_therapists_cannot_change_details(clinic, therapist_client, patient):
    response = edit(therapist_client, patient, full_name="Someone Else")
    assert response.status_code == 403
    patient.user.refresh_from_db()
    assert patient.user.full_name == "Alice Patient"


def test_the_confirmation_token_is_kept_out_of_logs():
    from dit_portal.accounts.logredact import redact

    line = '"GET /accounts/email-change/abcDEF123-_x/ HTTP/1.1" 200'
    assert redact(line) == '"GET /accounts/email-change/[redacted]/ HTTP/1.1" 200'


def test_a_patient_who_gets_texts_keeps_a_mobile_number(
    clinic, clinic_admin_client, patient
):
    patient.phone, patient.sms_reminders = "07700 900 982", True
    patient.save()
    response = edit(clinic_admin_client, patient, phone="")
    assert "The patient gets text reminders" in response.content.decode()
    patient.refresh_from_db()
    assert patient.phone == "07700 900 982"
