"""The goodbye letter (ending phase, shared at a chosen session, PDF for its patient
only, kept in the record) and discharge (completed or dropped out, sessions to come
cancelled, the end-of-therapy message, the outcome summary)."""

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from dit_portal.audit.models import AuditEvent
from dit_portal.core import errors
from messaging.models import Message
from patients.models import Patient
from therapy.ending import discharge, focus, selectors
from therapy.ending import letter as letters
from therapy.models import Course, FocusAgreement, GoodbyeLetter, Session
from therapy.notes import services as notes
from therapy.scheduling import services

from .factories import gad7_answers, phq9_answers, send_measure
from .focus_helpers import begin_session, focus_data
from .test_query_counts import count_queries

pytestmark = pytest.mark.django_db

LETTER = {
    "focus": "We worked on how you step back when you fear being “too much”.",
    "changes": "You have started to say what you need — at work and at home.",
    "still_to_work_on": "Noticing the pull to withdraw when you feel ashamed.",
}


@pytest.fixture
def ending(course, clock):
    begin_session(clock, course, 13)
    return course


@pytest.fixture
def letter(ending):
    letter = letters.save_letter(ending, by=ending.therapist, data=LETTER)
    return letters.share_letter(
        letter, by=ending.therapist, session=ending.sessions.get(number=13)
    )


# The letter --------------------------------------------------------------------------


def test_the_letter_is_written_in_the_ending_phase(therapist_client, course, clock):
    url = reverse("letter_edit", args=[course.public_id])
    begin_session(clock, course, 12)
    response = therapist_client.post(url, LETTER)
    assert response.status_code == 200
    assert "which starts at session 13" in response.content.decode()
    assert not GoodbyeLetter.objects.exists()

    begin_session(clock, course, 13)
    response = therapist_client.post(url, LETTER)
    letter = GoodbyeLetter.objects.get()
    assert response.url == reverse("letter_detail", args=[letter.public_id])
    assert letter.is_draft and letter.focus == LETTER["focus"]
    assert AuditEvent.objects.filter(
        action="create", object_id=str(letter.public_id)
    ).exists()


def test_sharing_the_letter_at_a_chosen_ending_session(therapist_client, ending):
    letter = letters.save_letter(ending, by=ending.therapist, data=LETTER)
    url = reverse("share_letter", args=[letter.public_id])
    html = therapist_client.get(url).content.decode()
    assert "Session 13," in html and "Session 16," in html and "Session 12," not in html

    session_12 = ending.sessions.get(number=12)
    response = therapist_client.post(url, {"session": session_12.public_id})
    assert response.status_code == 200
    assert "Choose one of the ending sessions listed" in response.content.decode()
    response = therapist_client.post(url, {})
    assert "Choose the session at which you will share" in response.content.decode()
    response = therapist_client.post(url, {"session": "not-a-session"})
    assert "Choose one of the ending sessions listed" in response.content.decode()

    session_15 = ending.sessions.get(number=15)
    therapist_client.post(url, {"session": session_15.public_id})
    letter.refresh_from_db()
    assert letter.status == GoodbyeLetter.Status.SHARED
    assert letter.shared_session == session_15
    message = Message.objects.filter(kind=Message.Kind.WAITING).latest("pk")
    assert message.recipient == ending.patient.user
    assert message.due_at == session_15.start
    assert AuditEvent.objects.filter(
        action="share", object_id=str(letter.public_id)
    ).exists()


def test_an_unfinished_letter_cannot_be_shared(therapist_client, ending):
    letter = letters.save_letter(
        ending, by=ending.therapist, data={**LETTER, "changes": ""}
    )
    url = reverse("share_letter", args=[letter.public_id])
    session = ending.sessions.get(number=14)
    response = therapist_client.post(url, {"session": session.public_id})
    assert "Write each part of the letter" in response.content.decode()
    letter.refresh_from_db()
    assert letter.is_draft


def test_a_shared_letter_is_fixed(therapist_client, letter):
    url = reverse("letter_edit", args=[letter.course.public_id])
    response = therapist_client.get(url)
    assert response.url == reverse("letter_detail", args=[letter.public_id])
    with pytest.raises(errors.FocusError):
        letters.save_letter(letter.course, by=letter.course.therapist, data=LETTER)


def test_the_patient_reads_the_letter_and_downloads_it(patient_client, letter):
    html = patient_client.get(reverse("my_therapy")).content.decode()
    detail = reverse("letter_detail", args=[letter.public_id])
    assert detail in html
    html = patient_client.get(detail).content.decode()
    assert "You have started to say what you need" in html

    response = patient_client.get(reverse("letter_pdf", args=[letter.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action="export",
        object_id=str(letter.public_id),
        actor=letter.course.patient.user,
    ).exists()


def test_the_pdf_is_for_its_patient_and_therapist_only(
    client, letter, other_patient, other_therapist, clinic_admin
):
    url = reverse("letter_pdf", args=[letter.public_id])
    client.force_login(letter.course.therapist)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    for outsider in [other_patient.user, other_therapist, clinic_admin]:
        client.force_login(outsider)
        assert client.get(url).status_code == 404, outsider.role
    client.logout()
    assert client.get(url).status_code == 302  # to sign in


def test_the_letter_stays_in_the_record_after_discharge(patient_client, letter):
    discharge.discharge_course(
        letter.course, by=letter.course.therapist, status=Course.Status.COMPLETED
    )
    html = patient_client.get(reverse("my_therapy")).content.decode()
    assert reverse("letter_detail", args=[letter.public_id]) in html
    assert "Your course of therapy has ended" in html
    response = patient_client.get(reverse("letter_pdf", args=[letter.public_id]))
    assert response.status_code == 200


# Discharge ---------------------------------------------------------------------------


def test_completing_a_course(therapist_client, course, patient, clock):
    begin_session(clock, course, 14)
    url = reverse("discharge_course", args=[course.public_id])
    assert therapist_client.get(url).status_code == 200
    future = list(course.sessions.filter(number__gt=14))
    reminders = Message.objects.filter(
        session__in=future, kind=Message.Kind.REMINDER, status=Message.Status.PENDING
    )
    assert reminders.exists()

    response = therapist_client.post(url, {"status": "completed"})
    assert response.url == url
    course.refresh_from_db()
    patient.refresh_from_db()
    assert course.status == Course.Status.COMPLETED
    assert course.ended_by == course.therapist and course.ended_at
    assert patient.status == Patient.Status.DISCHARGED
    statuses = dict(course.sessions.values_list("number", "status"))
    assert statuses[14] == Session.Status.BOOKED  # already begun: left to record
    assert all(statuses[n] == Session.Status.CANCELLED_BY_CLINIC for n in (15, 16))
    assert course.sessions.count() == 16  # nothing is replaced
    assert not reminders.exists()
    ended = Message.objects.get(kind=Message.Kind.END_OF_THERAPY)
    assert ended.recipient == patient.user and ended.course == course
    assert not Message.objects.filter(kind=Message.Kind.SESSION_CANCELLED).exists()
    assert AuditEvent.objects.filter(
        action="change", object_id=str(course.public_id)
    ).exists()
    html = therapist_client.get(url).content.decode()
    assert "Course ended" in html and "Completed" in html


def test_a_clinic_admin_records_a_drop_out_with_a_reason(
    clinic_admin_client, course, patient, clock
):
    begin_session(clock, course, 3)
    url = reverse("discharge_course", args=[course.public_id])
    response = clinic_admin_client.post(url, {"status": "dropped_out", "reason": " "})
    assert response.status_code == 200
    assert "Give the reason the patient dropped out" in response.content.decode()
    response = clinic_admin_client.post(url, {})
    assert "Choose how the course ended" in response.content.decode()
    course.refresh_from_db()
    assert course.status == Course.Status.ACTIVE

    clinic_admin_client.post(
        url, {"status": "dropped_out", "reason": "Moved out of the area"}
    )
    course.refresh_from_db()
    patient.refresh_from_db()
    assert course.status == Course.Status.DROPPED_OUT
    assert course.end_reason == "Moved out of the area"
    assert patient.status == Patient.Status.DROPPED_OUT
    assert not course.sessions.filter(number__gt=3, status="booked").exists()


def test_a_course_is_closed_once(therapist_client, course):
    url = reverse("discharge_course", args=[course.public_id])
    therapist_client.post(url, {"status": "completed"})
    response = therapist_client.post(url, {"status": "dropped_out", "reason": "x"})
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.status == Course.Status.COMPLETED
    assert Message.objects.filter(kind=Message.Kind.END_OF_THERAPY).count() == 1
    with pytest.raises(errors.FocusError):
        discharge.discharge_course(course, by=course.therapist, status="completed")


def test_a_closed_course_takes_no_more_focus_changes(therapist_client, course):
    discharge.discharge_course(course, by=course.therapist, status="completed")
    url = reverse("focus_draft", args=[course.public_id])
    response = therapist_client.post(url, focus_data())
    assert response.status_code == 200
    assert "This course has ended" in response.content.decode()
    assert not FocusAgreement.objects.exists()


def test_the_outcome_page_counts_attended_sessions(therapist_client, course, clock):
    begin_session(clock, course, 3)
    for number, status in [(1, "attended"), (2, "late_seen"), (3, "dna")]:
        Session.objects.filter(course=course, number=number).update(status=status)
    url = reverse("discharge_course", args=[course.public_id])
    html = therapist_client.get(url).content.decode()
    assert selectors.attended_count(course) == 2
    assert "Finished treatment (2 or more attended)" in html


def test_outcome_comes_from_the_patients_sent_measures(therapist_client, course, clock):
    """End to end: PHQ-9 and GAD-7 sent before sessions 1 and 6, six sessions
    attended; the discharge page reports recovery from those scores."""
    send_measure(course.sessions.get(number=1), "phq9", phq9_answers(15))
    send_measure(course.sessions.get(number=1), "gad7", gad7_answers(11))
    send_measure(course.sessions.get(number=6), "phq9", phq9_answers(7))
    send_measure(course.sessions.get(number=6), "gad7", gad7_answers(5))
    begin_session(clock, course, 7)
    for session in course.sessions.filter(number__lte=6):
        services.record_attendance(
            session, Session.Status.ATTENDED, by=course.therapist
        )
    outcome = selectors.for_course(course)
    assert (outcome.phq9_first, outcome.phq9_last) == (15, 7)
    assert (outcome.gad7_first, outcome.gad7_last) == (11, 5)
    assert outcome.attended == 6 and outcome.finished_treatment
    assert outcome.case_at_start and outcome.recovered
    assert outcome.reliable_improvement and not outcome.reliable_deterioration
    page = therapist_client.get(reverse("discharge_course", args=[course.public_id]))
    html = " ".join(page.content.decode().split())
    assert (
        '<dt class="nhsuk-summary-list__key">Recovered</dt> '
        '<dd class="nhsuk-summary-list__value">Yes</dd>'
    ) in html


# Queries -----------------------------------------------------------------------------


def test_focus_history_runs_a_fixed_number_of_queries(therapist_client, course):
    url = reverse("focus_history", args=[course.public_id])
    focus.save_focus_draft(course, by=course.therapist, data=focus_data())
    therapist_client.get(url)
    few = count_queries(therapist_client, url)
    for _ in range(8):
        draft = focus.save_focus_draft(course, by=course.therapist, data=focus_data())
        focus.share_focus(draft, by=course.therapist)
    assert course.focus_agreements.count() == 8
    many = count_queries(therapist_client, url)
    assert few == many
    assert many <= 10


def test_course_pages_stay_within_their_query_bounds(client, letter, course):
    v1 = focus.save_focus_draft(course, by=course.therapist, data=focus_data())
    focus.share_focus(v1, by=course.therapist)
    client.force_login(course.patient.user)
    client.get(reverse("my_therapy"))
    assert count_queries(client, reverse("my_therapy")) <= 10
    client.force_login(course.therapist)
    url = reverse("course_timeline", args=[course.public_id])
    client.get(url)
    assert count_queries(client, url) <= 12  # notes, focus and letter: one query each


def test_course_timeline_runs_a_fixed_number_of_queries(client, letter, course):
    """The timeline with its focus and letter, before and after notes on twelve
    sessions and two cancellations with their replacements."""
    v1 = focus.save_focus_draft(course, by=course.therapist, data=focus_data())
    focus.share_focus(v1, by=course.therapist)
    client.force_login(course.therapist)
    url = reverse("course_timeline", args=[course.public_id])
    client.get(url)  # the first request of a session also saves the session
    few = count_queries(client, url)
    for number in (14, 15):
        services.cancel_session(
            course.sessions.get(number=number), by=course.therapist, reason="Closed"
        )
    for session in course.sessions.filter(number__lte=12):
        notes.start_note(session, by=course.therapist, relationships="Work.")
    page = client.get(url).content.decode()
    assert page.count("Read note") == 12
    assert page.count("Replaced by session") == 2
    many = count_queries(client, url)
    assert few == many, f"{few} queries before the notes and replacements, {many} after"
    assert many <= 12


def test_a_clinic_admin_sees_attendance_but_no_scores_at_discharge(
    clinic_admin_client, course
):
    send_measure(course.sessions.get(number=1), "phq9", phq9_answers(17))
    send_measure(course.sessions.get(number=2), "phq9", phq9_answers(4))
    url = reverse("discharge_course", args=[course.public_id])
    html = clinic_admin_client.get(url).content.decode()
    assert "Attended sessions" in html
    assert "17 and 4" not in html and "PHQ-9, first and last" not in html
    assert "Recovered" not in html


def test_one_score_is_not_enough_to_judge_change(course):
    send_measure(course.sessions.get(number=1), "phq9", phq9_answers(17))
    send_measure(course.sessions.get(number=1), "gad7", gad7_answers(12))
    outcome = selectors.for_course(course)
    assert (outcome.phq9_first, outcome.phq9_last) == (17, None)
    assert outcome.case_at_start is True
    assert outcome.recovered is None and outcome.reliable_improvement is None


def test_a_letter_shared_at_a_session_cut_by_early_discharge_is_readable_at_once(
    therapist_client, client, course, clock
):
    begin_session(clock, course, 13)
    letter = letters.save_letter(
        course,
        by=course.therapist,
        data={"focus": "F", "changes": "C", "still_to_work_on": "S"},
    )
    letters.share_letter(
        letter, by=course.therapist, session=course.sessions.get(number=16)
    )
    client.force_login(course.patient.user)
    url = reverse("letter_detail", args=[letter.public_id])
    assert client.get(url).status_code == 404  # session 16 is weeks away
    discharge.discharge_course(
        course, by=course.therapist, status=Course.Status.COMPLETED
    )
    assert client.get(url).status_code == 200
    waiting = Message.objects.filter(kind=Message.Kind.WAITING).latest("pk")
    ended = Message.objects.get(kind=Message.Kind.END_OF_THERAPY)
    assert waiting.due_at <= ended.due_at  # the notice goes now, not in three weeks


# The PDF --------------------------------------------------------------------------


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def test_the_pdf_prints_every_name_as_written_under_the_clinics_letterhead(
    patient_client, letter, clinic
):
    user = letter.course.patient.user
    user.full_name = "Łukasz Nguyễn-Ó Súilleabháin"
    user.save()
    clinic.address = "Riverside House\n1 High Street"
    clinic.save()
    response = patient_client.get(reverse("letter_pdf", args=[letter.public_id]))
    text = pdf_text(response.content)
    assert "Dear Łukasz Nguyễn-Ó Súilleabháin," in text
    assert "?ukasz" not in text
    for line in (clinic.name, "Riverside House", "1 High Street", clinic.phone):
        assert line in text
    assert "PALS" in text and clinic.pals_phone in text
    assert text.count("Dear ") == 1 and text.count("With best wishes") == 1
