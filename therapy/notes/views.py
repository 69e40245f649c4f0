"""The therapist's clinical notes: write, read, edit a draft, sign, add an addendum.

Notes and sessions are fetched only through therapy.permissions (a patient, a clinic
admin or another therapist gets 404: a note's existence is not revealed); every
change goes through therapy.notes.services, which audits it; views audit what they
show."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from dit_portal.audit import services as audit
from dit_portal.core.errors import NoteError, NoteLocked
from dit_portal.core.forms import posted
from therapy.permissions import get_note_for, get_session_for_note

from . import selectors
from . import services as notes
from .forms import AddendumForm, ClinicalNoteForm, SignNoteForm


def _fields(form):
    return {name: form.cleaned_data[name] for name in form.Meta.fields}


def _shown(request, note):
    """Audit the note the page is about to show."""
    audit.record(request, audit.Action.VIEW, note, patient=note.session.patient)


@login_required
def write_note(request, public_id):
    session = get_session_for_note(request.user, public_id)
    if hasattr(session, "note"):
        return redirect("note_detail", session.note.public_id)
    refusal = notes.why_no_note(session)
    form = ClinicalNoteForm(posted(request))
    if refusal is None and request.method == "POST" and form.is_valid():
        try:
            note = notes.start_note(
                session, by=request.user, ip=audit.client_ip(request), **_fields(form)
            )
        except NoteError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Your draft note is saved.")
            return redirect("note_detail", note.public_id)
    audit.record(request, audit.Action.VIEW, session, patient=session.patient)
    page = selectors.for_session(session)
    return render(
        request,
        "therapy/notes/edit.html",
        {"page": page, "form": form, "refusal": refusal},
    )


def _detail(request, note, addendum_form=None):
    _shown(request, note)
    return render(
        request,
        "therapy/notes/detail.html",
        {
            "page": selectors.for_note(note, with_addenda=True),
            "addendum_form": addendum_form or AddendumForm(),
        },
    )


@login_required
def note_detail(request, public_id):
    return _detail(request, get_note_for(request.user, public_id))


@login_required
def edit_note(request, public_id):
    note = get_note_for(request.user, public_id)
    form, refusal = None, None
    if note.is_signed:
        if request.method == "POST":
            messages.error(request, NoteLocked().message)
            return redirect("note_detail", note.public_id)
        refusal = NoteLocked().message
    else:
        form = ClinicalNoteForm(posted(request), instance=note)
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            notes.save_draft(
                note, by=request.user, ip=audit.client_ip(request), **_fields(form)
            )
        except NoteError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Your draft note is saved.")
        return redirect("note_detail", note.public_id)
    _shown(request, note)  # shown again, with or without form errors
    return render(
        request,
        "therapy/notes/edit.html",
        {"page": selectors.for_note(note), "form": form, "refusal": refusal},
    )


@login_required
def sign_note(request, public_id):
    note = get_note_for(request.user, public_id)
    if note.is_signed:
        messages.error(request, "This note is already signed.")
        return redirect("note_detail", note.public_id)
    form = SignNoteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            notes.sign_note(note, by=request.user, ip=audit.client_ip(request))
        except NoteError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, "The note is signed. It can no longer be changed."
            )
            return redirect("note_detail", note.public_id)
    _shown(request, note)  # shown again
    return render(
        request,
        "therapy/notes/sign.html",
        {"page": selectors.for_note(note), "form": form},
    )


@login_required
def add_addendum(request, public_id):
    note = get_note_for(request.user, public_id)
    if request.method != "POST":
        return redirect("note_detail", note.public_id)
    form = AddendumForm(posted(request))
    if not form.is_valid():
        return _detail(request, note, addendum_form=form)
    try:
        notes.add_addendum(
            note,
            by=request.user,
            text=form.cleaned_data["text"],
            ip=audit.client_ip(request),
        )
    except NoteError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Your addendum is added.")
    return redirect("note_detail", note.public_id)
