"""Clinical notes: every change to a note, once, each in one transaction.

A therapist writes one note per session of their own course: a draft they may
change, then a signed note that is locked for good (signer and time kept). After
signing, anything more is an addendum. The rules here hold whoever calls them; who
may open a note at all is therapy.permissions.get_note_for(). Each change writes its
audit event in its own transaction (`ip` is the client's address, when a view
knows it)."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from dit_portal.audit import services as audit
from dit_portal.core.errors import NoteError, NoteLocked
from therapy.models import ClinicalNote, ClinicalNoteAddendum, Session


def why_no_note(session, now=None):
    """Why a note cannot be started for this session now, or None if it can.

    A note records a session that has happened: so not before it starts, and not
    for a session that was cancelled (a did-not-attend may still need a note)."""
    if session.is_cancelled:
        return "This session was cancelled, so there is nothing to write a note on."
    if session.start > (now or timezone.now()):
        return "You can write a note on this session once it has started."
    return None


def _check_author(session, by):
    if session.course.therapist_id != by.pk:
        raise NoteError("Only the therapist on this course can write its notes.")


def _clean(fields):
    unknown = set(fields) - set(ClinicalNote.PROMPT_FIELDS)
    if unknown:
        raise TypeError(f"Not note fields: {sorted(unknown)}")
    return {name: (value or "").strip() for name, value in fields.items()}


def start_note(session, *, by, ip=None, **fields):
    """Create the session's note as a draft."""
    fields = _clean(fields)
    with transaction.atomic():
        session = (
            Session.objects.select_for_update(of=("self",))
            .select_related("course", "patient")
            .get(pk=session.pk)
        )
        _check_author(session, by)
        refusal = why_no_note(session)
        if refusal:
            raise NoteError(refusal)
        try:
            with transaction.atomic():
                note = ClinicalNote.objects.create(session=session, author=by, **fields)
        except IntegrityError as error:
            raise NoteError(
                "A note on this session has just been started. Open it from the "
                "course timeline."
            ) from error
        audit.record_change(
            by, audit.Action.CREATE, note, patient=session.patient, ip=ip
        )
        return note


def _locked(note, by):
    note = (
        ClinicalNote.objects.select_for_update(of=("self",))
        .select_related("session__course", "session__patient")
        .get(pk=note.pk)
    )
    _check_author(note.session, by)
    return note


def save_draft(note, *, by, ip=None, **fields):
    """Change a draft note; a signed one raises NoteLocked."""
    fields = _clean(fields)
    with transaction.atomic():
        note = _locked(note, by)
        if note.is_signed:
            raise NoteLocked
        for name, value in fields.items():
            setattr(note, name, value)
        note.save(update_fields=[*fields, "updated_at"])
        audit.record_change(
            by, audit.Action.CHANGE, note, patient=note.session.patient, ip=ip
        )
        return note


def sign_note(note, *, by, ip=None):
    """Sign a draft: from now on it cannot be changed, only added to."""
    with transaction.atomic():
        note = _locked(note, by)
        if note.is_signed:
            raise NoteLocked("This note is already signed.")
        if note.is_empty:
            raise NoteError("Write something in the note before signing it.")
        note.status = ClinicalNote.Status.SIGNED
        note.signed_by = by
        note.signed_at = timezone.now()
        note.save(update_fields=["status", "signed_by", "signed_at", "updated_at"])
        audit.record_change(
            by, audit.Action.SIGN, note, patient=note.session.patient, ip=ip
        )
        return note


def add_addendum(note, *, by, text, ip=None):
    """Add to a signed note (a draft is simply edited)."""
    text = (text or "").strip()
    if not text:
        raise NoteError("Enter the addendum")
    with transaction.atomic():
        note = _locked(note, by)
        if not note.is_signed:
            raise NoteError(
                "This note is still a draft: change the draft instead of adding "
                "an addendum."
            )
        addendum = ClinicalNoteAddendum.objects.create(note=note, author=by, text=text)
        audit.record_change(
            by, audit.Action.CREATE, addendum, patient=note.session.patient, ip=ip
        )
        return addendum
