"""The clinical lead's list of every open risk flag across the clinic (hazard H01 in
docs/clinical-safety.md): a flag on the caseload of a therapist who is away must not
wait unseen. Clinic admins who are not the lead see the numbers only; patients and
other therapists find no such page (tests/test_permission_matrix.py)."""

import datetime

import pytest
from django.urls import reverse

from dit_portal.audit.models import AuditEvent
from questionnaires import services as questionnaires
from questionnaires.models import RiskFlag
from therapy import risk

from .clock import LONDON
from .factories import (
    ClinicAdminFactory,
    TherapistFactory,
    book_course,
    phq9_answers,
    send_measure,
    working_week,
)
from .test_query_counts import assert_flat

URL = "/clinic/risk-flags/"


def _at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def raise_flag(course, number):
    send_measure(course.sessions.get(number=number), "phq9", phq9_answers(12, item9=1))
    return RiskFlag.objects.get(response__assignment__session__number=number,
                                course=course)  # fmt: skip


@pytest.fixture
def other_course(other_patient, other_therapist):
    working_week(other_therapist)
    return book_course(other_patient, other_therapist, weekday=1)


@pytest.fixture
def lead(db):
    return TherapistFactory(full_name="Dr Lee Lead", clinical_lead=True)


@pytest.fixture
def two_open_one_acknowledged(clock, course, other_course, clinic_admin):
    """Tuesday 8 December 2026: a flag on the first therapist's caseload, and one
    acknowledged; Friday: overdue, so escalated, and a new flag on the other's."""
    clock.move_to(_at(2026, 12, 8, 10, 0))
    old = raise_flag(course, 1)
    done = raise_flag(course, 2)
    questionnaires.acknowledge_risk(done, by=course.therapist, note="Called; safe.")
    clock.move_to(_at(2026, 12, 11, 10, 0))
    assert risk.escalate_overdue() == 1
    new = raise_flag(other_course, 1)
    clock.move_to(_at(2026, 12, 11, 10, 30))
    return old, new


def rows_of(html):
    body = html.split('<tbody class="nhsuk-table__body" role="rowgroup">')[1]
    return body.split("</tbody>")[0].split('<tr class="nhsuk-table__row"')[1:]


@pytest.mark.django_db
def test_the_lead_sees_every_open_flag_across_the_clinic_oldest_first(
    client, lead, two_open_one_acknowledged, course, other_course
):
    client.force_login(lead)
    html = client.get(URL).content.decode()
    assert "2 open risk flags, 1 escalated to the clinic admins." in html
    old, new = rows_of(html)
    assert course.patient.user.full_name in old
    assert course.patient.nhs_number_display in old
    assert course.therapist.full_name in old
    assert "Tuesday 8 December 2026, 10:00" in old
    assert "3 days" in old
    assert "Escalated</strong> Clinic admins told Friday 11 December 2026, 10:00" in old
    assert other_course.patient.user.full_name in new
    assert other_course.therapist.full_name in new
    assert "less than an hour" in new
    # Friday's flag: the next working day is Monday, so it escalates at its end.
    assert "Escalates Tuesday 15 December 2026, 00:00 if not acknowledged" in new
    # Nothing of the answer itself: the flag page is its therapist's.
    assert "better off dead" not in html
    assert reverse("risk_flag", args=[old_flag_id(course)]) not in html
    # A therapist lead cannot open another therapist's patient's record: no link.
    assert reverse("patient_detail", args=[course.patient.public_id]) not in html


def old_flag_id(course):
    return (
        RiskFlag.objects.filter(course=course).order_by("raised_at").first().public_id
    )


@pytest.mark.django_db
def test_a_flag_past_its_time_that_beat_has_not_reached_says_so(
    client, lead, clock, course
):
    clock.move_to(_at(2026, 12, 8, 10, 0))
    raise_flag(course, 1)
    clock.move_to(_at(2026, 12, 10, 0, 5))  # due at midnight; beat not yet run
    client.force_login(lead)
    (row,) = rows_of(client.get(URL).content.decode())
    assert "Overdue: the clinic admins are being told" in row


@pytest.mark.django_db
def test_an_admin_without_the_lead_flag_sees_only_the_numbers(
    client, clinic_admin, two_open_one_acknowledged, course, other_course
):
    client.force_login(clinic_admin)
    html = client.get(URL).content.decode()
    assert "2 open risk flags, 1 escalated to the clinic admins." in html
    for person in (course.patient, other_course.patient):
        assert person.user.full_name not in html
        assert person.nhs_number_display not in html
    assert "<table" not in html
    # Whom to chase about the escalated flag: its therapist, as the escalation email
    # says; not the therapist whose flag is not yet escalated.
    chase = html.split('data-testid="chase">')[1].split("</ul>")[0]
    assert f"{course.therapist.full_name}: 1 flag, escalated" in chase
    assert other_course.therapist.full_name not in chase
    event = AuditEvent.objects.filter(object_type="therapy.OpenRiskFlags").get()
    assert event.actor == clinic_admin and event.patient is None


@pytest.mark.django_db
def test_an_admin_who_is_the_lead_sees_the_list_and_each_patient_is_audited(
    client, two_open_one_acknowledged, course, other_course
):
    lead_admin = ClinicAdminFactory(clinical_lead=True)
    client.force_login(lead_admin)
    html = client.get(URL).content.decode()
    assert len(rows_of(html)) == 2
    # An admin can open the patient's record (contact details, therapist) from here.
    for person in (course.patient, other_course.patient):
        assert reverse("patient_detail", args=[person.public_id]) in html
    events = AuditEvent.objects.filter(object_type="therapy.OpenRiskFlags")
    assert {event.patient for event in events} == {course.patient, other_course.patient}
    assert {event.actor for event in events} == {lead_admin}


@pytest.mark.django_db
def test_the_flag_on_a_patient_grants_nothing(client, patient):
    patient.user.clinical_lead = True
    patient.user.save()
    client.force_login(patient.user)
    assert client.get(URL).status_code == 404


@pytest.mark.django_db
def test_only_the_lead_and_admins_have_it_in_the_menu(client, lead, therapist):
    client.force_login(lead)
    assert f'href="{URL}"' in client.get(reverse("caseload")).content.decode()
    client.force_login(therapist)
    assert f'href="{URL}"' not in client.get(reverse("caseload")).content.decode()


@pytest.mark.django_db
def test_the_list_runs_a_fixed_number_of_queries(
    client, lead, clinic_admin, course, other_course
):
    raise_flag(course, 1)
    numbers = iter(range(2, 8))

    def add():
        for number in (next(numbers), next(numbers), next(numbers)):
            raise_flag(course, number)
            raise_flag(other_course, number)

    client.force_login(lead)
    assert_flat(client, URL, add)
    client.force_login(clinic_admin)
    assert_flat(client, URL, add)


@pytest.mark.django_db
def test_a_patient_with_two_open_flags_is_audited_once_per_visit(client, lead, course):
    raise_flag(course, 1)
    raise_flag(course, 2)
    client.force_login(lead)
    assert len(rows_of(client.get(URL).content.decode())) == 2
    events = AuditEvent.objects.filter(object_type="therapy.OpenRiskFlags")
    assert [(event.patient, event.actor) for event in events] == [
        (course.patient, lead)
    ]
