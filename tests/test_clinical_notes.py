"""Initial-phase clinical notes: only the course's therapist reads or writes them,
draft then signed (locked), addenda after, every view and change audited, and the
text never reaches a patient's or a clinic admin's page."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from dit_portal.audit.models import AuditEvent
from therapy.models import ClinicalNote, ClinicalNoteAddendum, Session
from therapy.notes import services as notes

pytestmark = pytest.mark.django_db

SECRET = "Talked about her sister; the pattern of giving in and resenting it"


def put_in_the_past(clock, session, days=1):
    """Move the clock to `days` days after the session (notes are for sessions that
    have begun); the next weekly session is still to come."""
    clock.move_to(session.start + datetime.timedelta(days=days))
    session.refresh_from_db()
    assert session.start < timezone.now()
    return session


@pytest.fixture
def held(course, clock):
    """Alice's first session, held yesterday and marked attended."""
    session = put_in_the_past(clock, course.sessions.get(number=1))
    Session.objects.filter(pk=session.pk).update(status=Session.Status.ATTENDED)
    session.refresh_from_db()
    return session


@pytest.fixture
def draft(held, therapist):
    return notes.start_note(
        held, by=therapist, relationships=SECRET, patterns="", risk="None raised"
    )


@pytest.fixture
def signed(draft, therapist):
    return notes.sign_note(draft, by=therapist)


def note_urls(note):
    return [
        reverse("note_detail", args=[note.public_id]),
        reverse("edit_note", args=[note.public_id]),
        reverse("sign_note", args=[note.public_id]),
        reverse("add_addendum", args=[note.public_id]),
    ]


def audited(action, note):
    return AuditEvent.objects.filter(
        action=action, object_id=str(note.public_id), patient=note.session.patient
    )


# Who may open a note -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["patient", "clinic_admin", "other_therapist"])
def test_only_the_course_therapist_gets_a_note(client, request, who, draft, held):
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    for url in note_urls(draft):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"relationships": "forged"}).status_code == 404, url
    write = reverse("write_note", args=[held.public_id])
    assert client.get(write).status_code == 404
    assert client.post(write, {"relationships": "forged"}).status_code == 404
    draft.refresh_from_db()
    assert draft.relationships == SECRET
    assert not draft.addenda.exists()
    assert not audited(AuditEvent.Action.VIEW, draft).exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, draft):
    response = client.get(reverse("note_detail", args=[draft.public_id]))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_the_visibility_rule(draft, therapist, other_therapist, patient, clinic_admin):
    assert list(ClinicalNote.objects.visible_to(therapist)) == [draft]
    for user in (other_therapist, patient.user, clinic_admin):
        assert not ClinicalNote.objects.visible_to(user).exists()


# Writing, signing, addenda -------------------------------------------------------------


def test_write_a_draft_then_sign_it(therapist_client, therapist, held):
    write = reverse("write_note", args=[held.public_id])
    page = therapist_client.get(write)
    assert page.status_code == 200
    html = page.content.decode()
    for label in ("Relationships explored", "Patterns emerging", "Risk"):
        assert f">{label}" in html or label in html
    assert '<textarea name="relationships"' in html
    assert 'method="post" novalidate' in html

    response = therapist_client.post(
        write,
        {"relationships": SECRET, "patterns": "", "risk": "None raised", "other": ""},
    )
    note = ClinicalNote.objects.get(session=held)
    assert response.status_code == 302
    assert response.url == reverse("note_detail", args=[note.public_id])
    assert note.status == ClinicalNote.Status.DRAFT
    assert note.author == therapist and note.signed_by is None
    assert audited(AuditEvent.Action.CREATE, note).count() == 1

    # Writing again goes to the existing note, never a second one.
    assert therapist_client.get(write).url == response.url

    edit = reverse("edit_note", args=[note.public_id])
    therapist_client.post(
        edit, {"relationships": SECRET, "patterns": "Gives in, then resents"}
    )
    note.refresh_from_db()
    assert note.patterns == "Gives in, then resents"
    assert audited(AuditEvent.Action.CHANGE, note).count() == 1

    sign = reverse("sign_note", args=[note.public_id])
    assert "cannot be changed" in therapist_client.get(sign).content.decode()
    unconfirmed = therapist_client.post(sign, {})
    assert unconfirmed.status_code == 200
    assert "Confirm that you want to sign this note" in unconfirmed.content.decode()
    note.refresh_from_db()
    assert note.status == ClinicalNote.Status.DRAFT

    before = timezone.now()
    response = therapist_client.post(sign, {"confirm": "on"}, follow=True)
    note.refresh_from_db()
    assert note.status == ClinicalNote.Status.SIGNED
    assert note.signed_by == therapist
    assert before <= note.signed_at <= timezone.now()
    assert audited(AuditEvent.Action.SIGN, note).count() == 1
    html = response.content.decode()
    assert "Signed by Terry Therapist" in html
    assert "Signed notes cannot be changed" in html
    assert edit not in html


def test_a_signed_note_refuses_edits(therapist_client, signed):
    edit = reverse("edit_note", args=[signed.public_id])
    page = therapist_client.get(edit)
    assert page.status_code == 200
    html = page.content.decode()
    assert "This note is signed, so it cannot be changed" in html
    assert "<textarea" not in html

    forged = therapist_client.post(edit, {"relationships": "rewritten"}, follow=True)
    assert forged.status_code == 200
    assert "This note is signed, so it cannot be changed" in forged.content.decode()
    resign = therapist_client.post(
        reverse("sign_note", args=[signed.public_id]), {"confirm": "on"}, follow=True
    )
    assert "already signed" in resign.content.decode()
    stored = ClinicalNote.objects.get(pk=signed.pk)
    assert stored.relationships == SECRET
    assert stored.signed_at == signed.signed_at
    assert not audited(AuditEvent.Action.CHANGE, signed).exists()


def test_the_services_refuse_to_change_a_signed_note(signed, therapist):
    with pytest.raises(notes.NoteLocked):
        notes.save_draft(signed, by=therapist, relationships="rewritten")
    with pytest.raises(notes.NoteLocked):
        notes.sign_note(signed, by=therapist)


def test_the_database_refuses_to_change_a_signed_note(signed):
    with pytest.raises(Exception, match="signed clinical note"), transaction.atomic():
        ClinicalNote.objects.filter(pk=signed.pk).update(relationships="rewritten")
    with pytest.raises(Exception, match="signed clinical note"), transaction.atomic():
        ClinicalNote.objects.filter(pk=signed.pk).delete()


def test_a_signed_note_accepts_an_addendum(therapist_client, therapist, signed):
    url = reverse("add_addendum", args=[signed.public_id])
    empty = therapist_client.post(url, {"text": "  "})
    assert empty.status_code == 200
    assert "Enter the addendum" in empty.content.decode()

    response = therapist_client.post(
        url, {"text": "Later: she mentioned her father too."}, follow=True
    )
    addendum = ClinicalNoteAddendum.objects.get(note=signed)
    assert addendum.author == therapist
    html = response.content.decode()
    assert "Later: she mentioned her father too." in html
    assert "Added by Terry Therapist" in html
    assert AuditEvent.objects.filter(
        action="create",
        object_type="therapy.ClinicalNoteAddendum",
        patient=signed.session.patient,
    ).exists()
    with pytest.raises(TypeError):
        addendum.save()
    with pytest.raises(TypeError):
        addendum.delete()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        ClinicalNoteAddendum.objects.filter(pk=addendum.pk).update(text="rewritten")


def test_a_draft_takes_no_addendum(therapist_client, draft):
    url = reverse("add_addendum", args=[draft.public_id])
    response = therapist_client.post(url, {"text": "An addendum"}, follow=True)
    assert "still a draft" in response.content.decode()
    assert not draft.addenda.exists()


def test_an_empty_note_cannot_be_signed(therapist, held):
    note = notes.start_note(held, by=therapist)
    with pytest.raises(notes.NoteError, match="Write something"):
        notes.sign_note(note, by=therapist)


def test_a_signed_note_needs_a_signer_and_time(draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClinicalNote.objects.filter(pk=draft.pk).update(status="signed")


# When a note can be written ----------------------------------------------------------


def test_no_note_before_the_session_starts(therapist_client, therapist, course):
    future = course.sessions.get(number=2)
    url = reverse("write_note", args=[future.public_id])
    page = therapist_client.get(url).content.decode()
    assert "once it has started" in page
    assert "<textarea" not in page
    therapist_client.post(url, {"relationships": "too early"})
    assert not ClinicalNote.objects.exists()
    with pytest.raises(notes.NoteError):
        notes.start_note(future, by=therapist, relationships="too early")


def test_no_note_on_a_cancelled_session(therapist, held):
    Session.objects.filter(pk=held.pk).update(status=Session.Status.CANCELLED_BY_CLINIC)
    held.refresh_from_db()
    with pytest.raises(notes.NoteError, match="cancelled"):
        notes.start_note(held, by=therapist, relationships="x")


def test_another_therapist_cannot_write_through_the_service(other_therapist, held):
    with pytest.raises(notes.NoteError):
        notes.start_note(held, by=other_therapist, relationships="x")


# Audit ------------------------------------------------------------------------------


def test_each_read_writes_an_audit_event(therapist_client, therapist, draft):
    url = reverse("note_detail", args=[draft.public_id])
    for expected in (1, 2, 3):
        response = therapist_client.get(url)
        assert response.status_code == 200
        assert SECRET in response.content.decode()
        events = audited(AuditEvent.Action.VIEW, draft)
        assert events.count() == expected
    event = events.first()
    assert event.actor == therapist
    assert event.object_type == "therapy.ClinicalNote"


# Links and where the text never appears ------------------------------------------------


def test_timeline_and_diary_link_to_notes(therapist_client, course, held, therapist):
    timeline = reverse("course_timeline", args=[course.public_id])
    html = therapist_client.get(timeline).content.decode()
    write = reverse("write_note", args=[held.public_id])
    assert write in html
    future = course.sessions.get(number=2)
    assert reverse("write_note", args=[future.public_id]) not in html

    note = notes.start_note(held, by=therapist, relationships=SECRET)
    html = therapist_client.get(timeline).content.decode()
    assert reverse("note_detail", args=[note.public_id]) in html
    assert "(draft)" in html
    assert SECRET not in html

    monday = held.start.date() - datetime.timedelta(days=held.start.weekday())
    diary = therapist_client.get(f"{reverse('diary')}?week={monday.isoformat()}")
    assert reverse("note_detail", args=[note.public_id]) in diary.content.decode()


def test_note_text_never_reaches_patients_or_clinic_admins(
    client, patient, clinic_admin, course, signed, therapist
):
    notes.add_addendum(signed, by=therapist, text="Addendum words ZQX")
    client.force_login(patient.user)
    patient_pages = [
        reverse("my_therapy"),
        reverse("home"),
        reverse("course_calendar", args=[course.public_id]),
    ]
    for url in patient_pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert SECRET not in body and "ZQX" not in body, url
        assert str(signed.public_id) not in body, url

    client.force_login(clinic_admin)
    admin_pages = [
        reverse("course_timeline", args=[course.public_id]),
        reverse("patient_detail", args=[patient.public_id]),
        reverse("schedule"),
        reverse("patient_list"),
    ]
    for url in admin_pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert SECRET not in body and "ZQX" not in body, url
        assert reverse("note_detail", args=[signed.public_id]) not in body, url
    timeline = client.get(admin_pages[0]).content.decode()
    assert ">Note<" not in timeline


def test_timeline_queries_stay_flat_with_notes(
    therapist_client, therapist, course, clock
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("course_timeline", args=[course.public_id])
    put_in_the_past(clock, course.sessions.get(number=8))  # 1 to 8 have been held
    therapist_client.get(url)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert therapist_client.get(url).status_code == 200
        return len(queries)

    few = count()
    for number in range(1, 9):
        session = course.sessions.get(number=number)
        notes.start_note(session, by=therapist, relationships=f"Session {number}")
    many = count()
    assert few == many


def test_a_refused_signing_still_audits_the_note_it_shows(therapist_client, draft):
    views = AuditEvent.objects.filter(action="view", object_id=str(draft.public_id))
    before = views.count()
    page = therapist_client.post(reverse("sign_note", args=[draft.public_id]), {})
    assert SECRET in page.content.decode()  # shown again with the error
    draft.refresh_from_db()
    assert not draft.is_signed
    assert views.count() == before + 1
