"""The focus agreement (IPAF) and the phases, on one course from first draft to
discharge; and who may see what (the permission matrix)."""

import pytest
from django.urls import reverse

from dit_portal.audit.models import AuditEvent
from messaging.models import Message
from therapy import phases as phase_rules
from therapy.ending import focus
from therapy.ending import letter as letters
from therapy.models import Course, FocusAgreement, GoodbyeLetter, Session

from .focus_helpers import SUMMARY, WORKING, begin_session, focus_data

pytestmark = pytest.mark.django_db


def audited(action, obj):
    return AuditEvent.objects.filter(action=action, object_id=str(obj.public_id))


def phases(course):
    course.refresh_from_db()
    sessions = list(course.sessions.all())
    return phase_rules.phase_of_sessions(course, sessions)


def test_the_whole_arc_on_one_course(client, course, therapist, patient, clock):
    client.force_login(therapist)
    draft_url = reverse("focus_draft", args=[course.public_id])

    # Therapist drafts version 1.
    assert client.get(draft_url).status_code == 200
    response = client.post(draft_url, focus_data())
    v1 = FocusAgreement.objects.get(course=course)
    assert response.url == reverse("focus_detail", args=[v1.public_id])
    assert (v1.version, v1.status) == (1, FocusAgreement.Status.DRAFT)
    assert audited("create", v1).exists()

    # The patient cannot see a draft.
    client.force_login(patient.user)
    patient_url = reverse("patient_focus", args=[v1.public_id])
    assert client.get(patient_url).status_code == 404
    assert SUMMARY not in client.get(reverse("my_therapy")).content.decode()

    # Shared: the patient is told something is waiting, never what.
    client.force_login(therapist)
    waiting_before = Message.objects.filter(kind=Message.Kind.WAITING).count()
    client.post(reverse("share_focus", args=[v1.public_id]))
    v1.refresh_from_db()
    assert v1.status == FocusAgreement.Status.SHARED
    waiting = Message.objects.filter(kind=Message.Kind.WAITING)
    assert waiting.count() == waiting_before + 1
    assert waiting.latest("pk").recipient == patient.user
    assert audited("share", v1).exists()

    # Session 3 has begun; the patient reads the summary and asks to talk.
    begin_session(clock, course, 3)
    assert phases(course) == "initial"
    client.force_login(patient.user)
    html = client.get(reverse("my_therapy")).content.decode()
    assert patient_url in html and "Initial phase".lower() in html.lower()
    html = client.get(patient_url).content.decode()
    assert SUMMARY in html
    assert not any(text in html for text in WORKING.values())
    response = client.post(
        patient_url, {"answer": "talk", "comment": "Not sure about 'nuisance'"}
    )
    assert response.status_code == 302
    v1.refresh_from_db()
    assert v1.status == FocusAgreement.Status.TALK
    assert v1.patient_comment == "Not sure about 'nuisance'"
    assert audited("change", v1).filter(actor=patient.user).exists()
    assert phases(course) == "initial"

    # Revised: a new version, starting from the words of version 1.
    client.force_login(therapist)
    assert "WORKING-SELF" in client.get(draft_url).content.decode()
    revised = "When you fear being too much for people, you step back first."
    client.post(draft_url, focus_data(patient_summary=revised))
    v2 = FocusAgreement.objects.get(course=course, version=2)
    assert v2.is_draft
    client.post(reverse("share_focus", args=[v2.public_id]))
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v2.status == FocusAgreement.Status.SHARED
    assert v1.status == FocusAgreement.Status.SUPERSEDED
    # Earlier versions stay readable to the therapist, as they were.
    html = client.get(reverse("focus_detail", args=[v1.public_id])).content.decode()
    assert SUMMARY in html and "Not sure about" in html

    # Session 5 has begun; the patient agrees: the middle phase starts at the next.
    begin_session(clock, course, 5)
    client.force_login(patient.user)
    client.post(reverse("patient_focus", args=[v2.public_id]), {"answer": "agree"})
    v2.refresh_from_db()
    course.refresh_from_db()
    assert v2.status == FocusAgreement.Status.AGREED
    assert v2.agreed_at_session == 5
    assert course.focus_agreed_session == 5
    assert audited("agree", v2).filter(actor=patient.user).exists()
    assert phase_rules.phase_for(course, 4) == "initial"
    # The agreeing session stays initial (it was held before the answer).
    assert phase_rules.phase_for(course, 5) == "initial"
    assert phase_rules.phase_for(course, 6) == "middle"
    assert phase_rules.phase_for(course, 12) == "middle"
    assert phases(course) == "initial"
    html = client.get(reverse("my_therapy")).content.decode()
    assert "agreed your focus at session 5" in html
    assert "The middle phase starts at your next session." in html
    assert "Middle phase" not in html  # session 6 has not happened yet

    # Session 6 has begun: the middle phase.
    begin_session(clock, course, 6)
    assert phases(course) == "middle"
    html = client.get(reverse("my_therapy")).content.decode()
    assert "middle phase" in html

    # The course page shows the session at which it was agreed.
    client.force_login(therapist)
    html = client.get(
        reverse("course_timeline", args=[course.public_id])
    ).content.decode()
    assert "Focus agreed at session 5" in html and "Middle phase — session 6" in html

    # The ending phase starts at session 13 of 16.
    begin_session(clock, course, 12)
    assert phases(course) == "middle"
    begin_session(clock, course, 13)
    assert phase_rules.phase_for(course, 13) == "ending"
    assert phases(course) == "ending"

    # Discharge: completed.
    client.force_login(therapist)
    client.post(
        reverse("discharge_course", args=[course.public_id]), {"status": "completed"}
    )
    course.refresh_from_db()
    assert course.status == Course.Status.COMPLETED
    assert phases(course) == "completed"
    # Each session keeps the phase it was held in, for the timeline and the charts.
    assert [phase_rules.phase_for(course, n) for n in (4, 5, 6, 13)] == [
        "initial",
        "initial",
        "middle",
        "ending",
    ]


def test_sharing_needs_the_patient_summary(therapist_client, course):
    draft = focus.save_focus_draft(
        course, by=course.therapist, data=focus_data(patient_summary="")
    )
    waiting = Message.objects.filter(kind=Message.Kind.WAITING)
    before = waiting.count()  # the intake questionnaire's, from booking
    response = therapist_client.post(reverse("share_focus", args=[draft.public_id]))
    assert response.status_code == 200
    assert "Write the summary for the patient" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft
    assert waiting.count() == before


def test_an_empty_focus_form_is_a_form_error(therapist_client, course):
    url = reverse("focus_draft", args=[course.public_id])
    response = therapist_client.post(url, {})
    assert response.status_code == 200
    assert "Write at least one part of the focus" in response.content.decode()
    assert not FocusAgreement.objects.exists()


def test_an_unanswered_response_is_a_form_error(patient_client, course):
    v1 = focus.save_focus_draft(course, by=course.therapist, data=focus_data())
    focus.share_focus(v1, by=course.therapist)
    url = reverse("patient_focus", args=[v1.public_id])
    for data in [{}, {"answer": "maybe"}]:
        response = patient_client.post(url, data)
        assert response.status_code == 200
        assert "Choose whether you agree" in response.content.decode()
    response = patient_client.post(url, {"answer": "talk", "comment": "x" * 1001})
    assert "Use 1000 characters or fewer" in response.content.decode()
    v1.refresh_from_db()
    assert v1.status == FocusAgreement.Status.SHARED


def test_agreeing_before_the_first_session_is_refused_clearly(patient_client, course):
    v1 = focus.save_focus_draft(course, by=course.therapist, data=focus_data())
    focus.share_focus(v1, by=course.therapist)
    url = reverse("patient_focus", args=[v1.public_id])
    response = patient_client.post(url, {"answer": "agree"})
    assert response.status_code == 200
    assert "once your sessions have started" in response.content.decode()
    v1.refresh_from_db()
    assert v1.status == FocusAgreement.Status.SHARED


def test_agreeing_twice_keeps_the_first_agreeing_session(course, clock):
    begin_session(clock, course, 4)
    v1 = focus.save_focus_draft(course, by=course.therapist, data=focus_data())
    focus.share_focus(v1, by=course.therapist)
    focus.respond_to_focus(v1, agree=True)
    begin_session(clock, course, 7)
    v2 = focus.save_focus_draft(course, by=course.therapist, data=focus_data())
    focus.share_focus(v2, by=course.therapist)
    v2 = focus.respond_to_focus(v2, agree=True)
    course.refresh_from_db()
    v1.refresh_from_db()
    assert course.focus_agreed_session == 4
    assert (v1.status, v2.agreed_at_session) == ("superseded", 7)


# Permissions ------------------------------------------------------------------------


@pytest.fixture
def shared(course, clock):
    """Alice's course with a shared focus and, in the ending phase, a shared letter."""
    v1 = focus.save_focus_draft(course, by=course.therapist, data=focus_data())
    focus.share_focus(v1, by=course.therapist)
    begin_session(clock, course, 13)
    letter = letters.save_letter(
        course,
        by=course.therapist,
        data={"focus": "F", "changes": "C", "still_to_work_on": "S"},
    )
    letters.share_letter(
        letter, by=course.therapist, session=course.sessions.get(number=13)
    )
    return v1, letter


def test_permission_matrix(
    client,
    course,
    shared,
    patient,
    other_patient,
    therapist,
    other_therapist,
    clinic_admin,
):
    v1, letter = shared
    draft = focus.save_focus_draft(
        course, by=therapist, data=focus_data(patient_summary="DRAFT-TWO")
    )
    urls = {
        "history": reverse("focus_history", args=[course.public_id]),
        "write": reverse("focus_draft", args=[course.public_id]),
        "detail": reverse("focus_detail", args=[v1.public_id]),
        "draft_detail": reverse("focus_detail", args=[draft.public_id]),
        "patient": reverse("patient_focus", args=[v1.public_id]),
        "patient_draft": reverse("patient_focus", args=[draft.public_id]),
        "letter_write": reverse("letter_edit", args=[course.public_id]),
        "letter": reverse("letter_detail", args=[letter.public_id]),
        "pdf": reverse("letter_pdf", args=[letter.public_id]),
        "discharge": reverse("discharge_course", args=[course.public_id]),
    }
    allowed = {
        patient.user: {"patient", "letter", "pdf"},
        therapist: {"history", "write", "detail", "draft_detail", "letter", "pdf",
                    "discharge", "letter_write"},
        clinic_admin: {"discharge"},
        other_patient.user: set(),
        other_therapist: set(),
    }  # fmt: skip
    for user, may in allowed.items():
        client.force_login(user)
        for name, url in urls.items():
            status = client.get(url).status_code
            if name == "letter_write" and user == therapist:
                assert status == 302  # shared: goes to the letter
                continue
            expected = 200 if name in may else 404
            assert status == expected, f"{user.role} {user.email} {name}: {status}"

    # Posting is refused the same way.
    client.force_login(other_therapist)
    assert client.post(urls["write"], focus_data()).status_code == 404
    assert (
        client.post(reverse("share_focus", args=[draft.public_id])).status_code == 404
    )
    client.force_login(clinic_admin)
    assert client.post(urls["write"], focus_data()).status_code == 404
    assert (
        client.post(reverse("share_focus", args=[draft.public_id])).status_code == 404
    )
    client.force_login(patient.user)
    assert (
        client.post(reverse("share_focus", args=[draft.public_id])).status_code == 404
    )
    assert client.post(urls["discharge"], {"status": "completed"}).status_code == 404
    draft.refresh_from_db()
    assert draft.is_draft
    course.refresh_from_db()
    assert course.status == Course.Status.ACTIVE


def test_patient_never_sees_the_working_fields(patient_client, shared):
    v1, _letter = shared
    for url in [reverse("patient_focus", args=[v1.public_id]), reverse("my_therapy")]:
        html = patient_client.get(url).content.decode()
        assert not any(text in html for text in WORKING.values()), url


def test_every_view_of_a_focus_is_audited(client, shared, therapist, patient):
    v1, _letter = shared
    client.force_login(patient.user)
    client.get(reverse("patient_focus", args=[v1.public_id]))
    client.force_login(therapist)
    client.get(reverse("focus_detail", args=[v1.public_id]))
    views = audited("view", v1)
    assert {e.actor for e in views} == {patient.user, therapist}
    assert all(e.patient == patient for e in views)


def test_admin_timeline_shows_phase_but_not_the_focus(
    clinic_admin_client, shared, course
):
    html = clinic_admin_client.get(
        reverse("course_timeline", args=[course.public_id])
    ).content.decode()
    assert "Ending phase" in html
    assert reverse("focus_history", args=[course.public_id]) not in html
    assert SUMMARY not in html


def test_a_patient_does_not_see_the_letter_before_its_session(
    patient_client, course, clock
):
    begin_session(clock, course, 13)
    letter = letters.save_letter(
        course,
        by=course.therapist,
        data={"focus": "F", "changes": "C", "still_to_work_on": "S"},
    )
    url = reverse("letter_detail", args=[letter.public_id])
    assert patient_client.get(url).status_code == 404  # a draft
    letters.share_letter(
        letter, by=course.therapist, session=course.sessions.get(number=14)
    )
    assert patient_client.get(url).status_code == 404  # session 14 is next week
    message = Message.objects.filter(kind=Message.Kind.WAITING).latest("pk")
    assert message.due_at == course.sessions.get(number=14).start
    begin_session(clock, course, 14)
    assert patient_client.get(url).status_code == 200
    assert GoodbyeLetter.objects.get().shared_session.number == 14
    assert Session.objects.filter(course=course).count() == 16


def test_a_refused_share_still_audits_the_page_it_shows(therapist_client, course):
    draft = focus.save_focus_draft(course, by=course.therapist, data=focus_data())
    focus.share_focus(draft, by=course.therapist)
    before = AuditEvent.objects.filter(object_id=str(draft.public_id)).count()
    page = therapist_client.post(reverse("share_focus", args=[draft.public_id]))
    assert WORKING["self_in_relation"] in page.content.decode()
    assert AuditEvent.objects.filter(object_id=str(draft.public_id)).count() == (
        before + 1
    )
