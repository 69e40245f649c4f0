"""The therapist's clinical notes: write, read, edit a draft, sign, add an addendum.

Notes and sessions are fetched only through therapy.permissions (a patient, a clinic
admin or another therapist gets 404: a note's existence is not revealed); every
change goes through therapy.notes; every view and change writes an audit event."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from dit_portal.audit import services as audit
from dit_portal.core.errors import NoteError, NoteLocked
from dit_portal.core.forms import posted
from therapy.models import ClinicalNote
from therapy.permissions import get_note_for, get_session_for_note
from therapy.phases import phase_for

from . import services as notes
from .forms import AddendumForm, ClinicalNoteForm, SignNoteForm


def _context(note_or_session, **extra):
    session = getattr(note_or_session, "session", note_or_session)
    context = {
        "session": session,
        "phase_label": phase_for(session.course, session.number).label,
    }
    if note_or_session is not session:
        fields = ClinicalNoteForm.base_fields
        context["note_sections"] = [
            (fields[name].label, getattr(note_or_session, name))
            for name in ClinicalNote.PROMPT_FIELDS
        ]
    return context | extra


def _fields(form):
    return {name: form.cleaned_data[name] for name in form.Meta.fields}


@login_required
def write_note(request, public_id):
    session = get_session_for_note(request.user, public_id)
    if hasattr(session, "note"):
        return redirect("note_detail", session.note.public_id)
    refusal = notes.why_no_note(session)
    form = ClinicalNoteForm(posted(request))
    if refusal is None and request.method == "POST" and form.is_valid():
        try:
            note = notes.start_note(session, by=request.user, **_fields(form))
        except NoteError as error:
            form.add_error(None, error.message)
        else:
            audit.record(request, audit.Action.CREATE, note, patient=session.patient)
            messages.success(request, "Your draft note is saved.")
            return redirect("note_detail", note.public_id)
    audit.record(request, audit.Action.VIEW, session, patient=session.patient)
    return render(
        request,
        "therapy/notes/edit.html",
        _context(session, form=form, refusal=refusal, note=None),
    )


def _detail(request, note, addendum_form=None):
    return render(
        request,
        "therapy/notes/detail.html",
        _context(
            note,
            note=note,
            addenda=note.addenda.select_related("author"),
            addendum_form=addendum_form or AddendumForm(),
        ),
    )


@login_required
def note_detail(request, public_id):
    note = get_note_for(request.user, public_id)
    audit.record(request, audit.Action.VIEW, note, patient=note.session.patient)
    return _detail(request, note)


@login_required
def edit_note(request, public_id):
    note = get_note_for(request.user, public_id)
    patient = note.session.patient
    if note.is_signed:
        if request.method == "POST":
            messages.error(request, NoteLocked().message)
            return redirect("note_detail", note.public_id)
        audit.record(request, audit.Action.VIEW, note, patient=patient)
        return render(
            request,
            "therapy/notes/edit.html",
            _context(note, note=note, form=None, refusal=NoteLocked().message),
        )
    form = ClinicalNoteForm(posted(request), instance=note)
    if request.method == "POST" and form.is_valid():
        try:
            note = notes.save_draft(note, by=request.user, **_fields(form))
        except NoteError as error:
            messages.error(request, error.message)
            return redirect("note_detail", note.public_id)
        audit.record(request, audit.Action.CHANGE, note, patient=patient)
        messages.success(request, "Your draft note is saved.")
        return redirect("note_detail", note.public_id)
    audit.record(request, audit.Action.VIEW, note, patient=patient)  # shown again
    return render(
        request,
        "therapy/notes/edit.html",
        _context(note, note=note, form=form, refusal=None),
    )


@login_required
def sign_note(request, public_id):
    note = get_note_for(request.user, public_id)
    patient = note.session.patient
    if note.is_signed:
        messages.error(request, "This note is already signed.")
        return redirect("note_detail", note.public_id)
    form = SignNoteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            note = notes.sign_note(note, by=request.user)
        except NoteError as error:
            form.add_error(None, error.message)
        else:
            audit.record(request, audit.Action.SIGN, note, patient=patient)
            messages.success(
                request, "The note is signed. It can no longer be changed."
            )
            return redirect("note_detail", note.public_id)
    audit.record(request, audit.Action.VIEW, note, patient=patient)  # shown again
    return render(
        request, "therapy/notes/sign.html", _context(note, note=note, form=form)
    )


@login_required
def add_addendum(request, public_id):
    note = get_note_for(request.user, public_id)
    if request.method != "POST":
        return redirect("note_detail", note.public_id)
    patient = note.session.patient
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            addendum = notes.add_addendum(
                note, by=request.user, text=form.cleaned_data["text"]
            )
        except NoteError as error:
            messages.error(request, error.message)
            return redirect("note_detail", note.public_id)
        audit.record(request, audit.Action.CREATE, addendum, patient=patient)
        messages.success(request, "Your addendum is added.")
        return redirect("note_detail", note.public_id)
    audit.record(request, audit.Action.VIEW, note, patient=patient)
    return _detail(request, note, addendum_form=form)
