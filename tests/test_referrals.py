"""Referrals: the admin records the date and source when adding a patient; a
discharged patient can be referred again, their earlier course kept with the earlier
referral; bad dates and the wrong patient are form errors."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from dit_portal.audit.models import AuditEvent
from patients.models import Patient, Referral
from therapy.models import Course

from .factories import PatientFactory, book_course, valid_nhs_number, working_week
from .test_invitations import invite_form

pytestmark = pytest.mark.django_db


def date_fields(name, day):
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def test_adding_a_patient_records_the_referral(client, clinic, clinic_admin):
    client.force_login(clinic_admin)
    day = timezone.localdate() - datetime.timedelta(days=10)
    form = invite_form(
        nhs_number=valid_nhs_number(), source="self", **date_fields("referred_on", day)
    )
    assert client.post(reverse("invite_patient"), form).status_code == 302
    patient = Patient.objects.get(user__email="beth@example.test")
    referral = patient.referrals.get()
    assert (referral.referred_on, referral.source) == (day, Referral.Source.SELF)
    assert patient.referral_date == day


def test_referral_date_left_empty_is_today_from_the_gp(client, clinic, clinic_admin):
    client.force_login(clinic_admin)
    client.post(reverse("invite_patient"), invite_form(nhs_number=valid_nhs_number()))
    referral = Referral.objects.get(patient__user__email="beth@example.test")
    assert (referral.referred_on, referral.source) == (
        timezone.localdate(),
        Referral.Source.GP,
    )


def test_a_future_referral_date_is_a_form_error(client, clinic, clinic_admin):
    client.force_login(clinic_admin)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = client.post(
        reverse("invite_patient"),
        invite_form(
            nhs_number=valid_nhs_number(), **date_fields("referred_on", tomorrow)
        ),
    )
    assert page.status_code == 200
    assert "The referral date must be today or in the past." in page.content.decode()
    assert not Patient.objects.exists()


@pytest.fixture
def discharged(course):
    """Alice's course completed last week: she is discharged."""
    Course.objects.filter(pk=course.pk).update(
        status=Course.Status.COMPLETED,
        ended_at=timezone.now() - datetime.timedelta(days=7),
    )
    patient = course.patient
    patient.status = Patient.Status.DISCHARGED
    patient.save()
    return course


def test_refer_again_starts_a_new_wait_and_keeps_the_old_course(
    client, clinic, clinic_admin, discharged, therapist
):
    patient = discharged.patient
    first = patient.referrals.get()
    assert discharged.referral == first  # booking linked the course to it
    client.force_login(clinic_admin)
    url = reverse("refer_again", args=[patient.public_id])
    today = timezone.localdate()
    response = client.post(
        url, {"source": "other", **date_fields("referred_on", today)}
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert (patient.status, patient.referral_date) == (Patient.Status.REFERRED, today)
    second = patient.referrals.latest_first().first()
    assert (second.referred_on, second.source) == (today, Referral.Source.OTHER)
    discharged.refresh_from_db()
    assert (discharged.referral, discharged.status) == (first, Course.Status.COMPLETED)
    assert AuditEvent.objects.filter(
        action="create", object_type="patients.Referral", patient=patient
    ).exists()
    # The next course answers the new referral.
    working_week(therapist)
    later = book_course(patient, therapist, weekday=2)
    assert later.referral == second


def test_the_record_offers_refer_again_only_when_discharged(
    client, clinic, clinic_admin, course
):
    client.force_login(clinic_admin)
    url = reverse("patient_detail", args=[course.patient.public_id])
    assert "Refer this patient again" not in client.get(url).content.decode()
    Patient.objects.filter(pk=course.patient.pk).update(
        status=Patient.Status.DROPPED_OUT
    )
    assert "Refer this patient again" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"source": "gp"}, "Enter a date."),
        (
            {"source": "gp", "referred_on_day": "30", "referred_on_month": "2",
             "referred_on_year": "2026"},
            "Enter a real date, for example 27 3 2007.",
        ),
        ({"source": "gp", "future": 1}, "The referral date must be today or in the past."),
        ({"source": "gp", "before_last": 1}, "on or after the last referral"),
        ({"source": "email", "today": 1}, "Select a valid choice."),
    ],
)  # fmt: skip
def test_refer_again_errors(client, clinic, clinic_admin, discharged, fields, error):
    patient = discharged.patient
    today = timezone.localdate()
    fields = dict(fields)
    if fields.pop("future", None):
        fields.update(date_fields("referred_on", today + datetime.timedelta(days=1)))
    if fields.pop("before_last", None):
        before = patient.referral_date - datetime.timedelta(days=1)
        fields.update(date_fields("referred_on", before))
    if fields.pop("today", None):
        fields.update(date_fields("referred_on", today))
    client.force_login(clinic_admin)
    page = client.post(reverse("refer_again", args=[patient.public_id]), fields)
    assert page.status_code == 200
    assert error in page.content.decode()
    assert patient.referrals.count() == 1


def test_a_patient_in_therapy_cannot_be_referred_again(
    client, clinic, clinic_admin, course
):
    client.force_login(clinic_admin)
    page = client.post(
        reverse("refer_again", args=[course.patient.public_id]),
        {"source": "gp", **date_fields("referred_on", timezone.localdate())},
    )
    assert page.status_code == 200
    assert (
        "Only a patient who has been discharged or dropped out can be referred again. "
        "This patient is in therapy."
    ) in page.content.decode()
    assert course.patient.referrals.count() == 1


@pytest.mark.django_db(transaction=True)
def test_migration_gives_each_patient_one_referral_with_its_courses():
    before = [
        ("patients", "0003_subject_access_request"),
        ("therapy", "0009_clinic_typical_wait"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    try:
        from dit_portal.accounts.models import User  # accounts is not migrated back

        OldPatient = old.get_model("patients", "Patient")
        OldCourse = old.get_model("therapy", "Course")
        staff = User.objects.create(email="t@example.test", role="therapist")
        person = User.objects.create(email="p@example.test", role="patient")
        patient = OldPatient.objects.create(
            user_id=person.pk,
            nhs_number=valid_nhs_number(),
            date_of_birth=datetime.date(1980, 1, 1),
            referral_date=datetime.date(2025, 3, 4),
        )
        course = OldCourse.objects.create(patient=patient, therapist_id=staff.pk)
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        referral = Referral.objects.get(patient_id=patient.pk)
        assert (referral.referred_on, referral.source) == (
            datetime.date(2025, 3, 4),
            Referral.Source.OTHER,
        )
        assert Course.objects.get(pk=course.pk).referral == referral
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_factory_patients_are_referred_on_their_date():
    patient = PatientFactory()
    assert patient.referrals.get().referred_on == patient.referral_date


def test_the_record_lists_referrals_latest_first(
    client, clinic, clinic_admin, discharged
):
    patient = discharged.patient
    first = patient.referrals.get()
    Referral.objects.filter(pk=first.pk).update(referred_on=datetime.date(2025, 1, 6))
    Referral.objects.create(
        patient=patient,
        referred_on=datetime.date(2026, 2, 3),
        source=Referral.Source.SELF,
    )
    client.force_login(clinic_admin)
    page = client.get(reverse("patient_detail", args=[patient.public_id]))
    assert (
        "3 February 2026 (Self-referral)<br>Earlier: 6 January 2025 (GP)"
        in page.content.decode()
    )
