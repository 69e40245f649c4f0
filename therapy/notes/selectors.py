"""What the note pages show: the session, its phase, and the note's sections."""

from dataclasses import dataclass, field

from therapy.models import ClinicalNote, ClinicalNoteAddendum, Session
from therapy.phases import label_text

from .forms import ClinicalNoteForm


@dataclass
class NotePage:
    session: Session
    phase_label: str
    note: ClinicalNote | None = None
    # (prompt label, text) in the order the form asks them.
    sections: list[tuple[str, str]] = field(default_factory=list)
    addenda: list[ClinicalNoteAddendum] = field(default_factory=list)


def for_session(session):
    """The page for writing a session's first note."""
    return NotePage(session=session, phase_label=label_text(session.course, session))


def for_note(note, *, with_addenda=False):
    labels = ClinicalNoteForm.base_fields
    page = for_session(note.session)
    page.note = note
    page.sections = [
        (labels[name].label, getattr(note, name)) for name in ClinicalNote.PROMPT_FIELDS
    ]
    if with_addenda:
        page.addenda = list(note.addenda.select_related("author"))
    return page
