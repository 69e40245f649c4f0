"""Finding a patient from one box: name, NHS number, date of birth or email."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dit_portal.audit.models import AuditEvent
from patients import nhs_number
from patients.search import Kind, SearchTermInvalid, parse

from .factories import PatientFactory, UserFactory
from .test_query_counts import MAX_QUERIES

URL = reverse("patient_search")


@pytest.mark.parametrize(
    ("typed", "kind", "value"),
    [
        ("ali", Kind.NAME, ("ali",)),
        ("  Patient   ALICE ", Kind.NAME, ("Patient", "ALICE")),
        ("943 476 5919", Kind.NHS_NUMBER, "9434765919"),
        ("9434765919", Kind.NHS_NUMBER, "9434765919"),
        ("943-476-5919", Kind.NHS_NUMBER, "9434765919"),
        ("01/02/1980", Kind.DATE_OF_BIRTH, datetime.date(1980, 2, 1)),
        ("1/2/1980", Kind.DATE_OF_BIRTH, datetime.date(1980, 2, 1)),
        ("01-02-1980", Kind.DATE_OF_BIRTH, datetime.date(1980, 2, 1)),
        ("1.2.1980", Kind.DATE_OF_BIRTH, datetime.date(1980, 2, 1)),
        ("1 2 1980", Kind.DATE_OF_BIRTH, datetime.date(1980, 2, 1)),
        ("1 Feb 1980", Kind.DATE_OF_BIRTH, datetime.date(1980, 2, 1)),
        ("1st February 1980", Kind.DATE_OF_BIRTH, datetime.date(1980, 2, 1)),
        ("1980-02-01", Kind.DATE_OF_BIRTH, datetime.date(1980, 2, 1)),
        ("Alice@Example", Kind.EMAIL, "alice@example"),
    ],
)
def test_what_was_typed_decides_what_is_searched(typed, kind, value):
    query = parse(typed)
    assert (query.kind, query.value) == (kind, value)


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "Enter a name, NHS number, date of birth or email address."),
        ("a", "Enter at least 2 letters"),
        ("943 476 591", "An NHS number has 10 digits"),
        ("31/02/1980", "That is not a real date."),
        ("1/2/80", "Write the year in full"),
    ],
)
def test_what_cannot_be_searched_says_why(typed, error):
    with pytest.raises(SearchTermInvalid, match=error):
        parse(typed)


@pytest.fixture
def people(db, patient, other_patient):
    """Alice (Terry's), Otto (Tess's) and Ålice Øvergaard (nobody's yet)."""
    user = UserFactory(full_name="Ålice Øvergaard", email="a.overgaard@example.test")
    third = PatientFactory(user=user, therapist=None)
    patient.date_of_birth = datetime.date(1980, 2, 1)
    patient.save()
    return patient, other_patient, third


def found(client, typed):
    response = client.post(URL, {"q": typed})
    assert response.status_code == 200
    return response


def names(response):
    results = response.context["results"]
    return [p.full_name for p in results.patients] if results else None


@pytest.mark.django_db
def test_admins_find_anyone_by_any_of_the_four(clinic, clinic_admin_client, people):
    alice, otto, third = people
    assert names(found(clinic_admin_client, "ALI")) == ["Alice Patient"]
    assert names(found(clinic_admin_client, "ålice")) == ["Ålice Øvergaard"]
    assert names(found(clinic_admin_client, "patient alice")) == ["Alice Patient"]
    spaced = nhs_number.formatted(otto.nhs_number)
    assert names(found(clinic_admin_client, spaced)) == ["Otto Outsider"]
    assert names(found(clinic_admin_client, "1 Feb 1980")) == ["Alice Patient"]
    assert names(found(clinic_admin_client, "OVERGAARD@")) == ["Ålice Øvergaard"]
    assert names(found(clinic_admin_client, "nobody here")) == []


@pytest.mark.django_db
def test_therapists_find_only_their_own_caseload(clinic, therapist_client, people):
    alice, otto, third = people
    assert names(found(therapist_client, "li")) == ["Alice Patient"]
    assert names(found(therapist_client, otto.nhs_number)) == []
    assert names(found(therapist_client, "@example.test")) == ["Alice Patient"]


@pytest.mark.django_db
def test_a_term_that_cannot_be_searched_is_a_form_error(clinic, clinic_admin_client):
    response = found(clinic_admin_client, "1/2/80")
    assert names(response) is None
    assert "Write the year in full, like 01/02/1980." in response.content.decode()


@pytest.mark.django_db
def test_an_empty_box_and_the_hint_say_what_to_type(clinic, clinic_admin_client):
    response = found(clinic_admin_client, "   ")
    assert names(response) is None
    assert response.context["form"].errors["q"] == [
        "Enter a name, NHS number, date of birth or email address."
    ]
    # Part of an address without its @ is read as a name, so the hint says so.
    assert "part of an email address with its @" in response.content.decode()


@pytest.mark.django_db
def test_the_term_is_posted_never_put_in_the_address(clinic, clinic_admin_client):
    response = clinic_admin_client.get(URL, {"q": "Alice"})
    assert '<form method="post"' in response.content.decode()
    assert response.context["results"] is None  # a term in the address is ignored


@pytest.mark.django_db
def test_each_patient_shown_is_audited(clinic, clinic_admin_client, people):
    alice, otto, third = people
    found(clinic_admin_client, "@example.test")
    listed = AuditEvent.objects.filter(object_type="patients.PatientSearch")
    assert set(listed.values_list("patient", flat=True)) == {
        None,  # the search itself
        alice.pk,
        otto.pk,
        third.pk,
    }


@pytest.mark.django_db
def test_the_same_queries_for_three_results_or_fifty(clinic, clinic_admin_client):
    PatientFactory.create_batch(3, user__full_name="Sam Smith")

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = found(clinic_admin_client, "smith")
        return len(queries), len(response.context["results"].patients)

    found(clinic_admin_client, "smith")  # the session's first save
    few, shown = count()
    assert shown == 3
    PatientFactory.create_batch(60, user__full_name="Jo Smith")
    many, shown = count()
    assert shown == 50
    assert few == many <= MAX_QUERIES
