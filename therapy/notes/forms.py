"""Forms for clinical notes: the initial-phase prompts, signing, addenda."""

from django import forms

from therapy.models import ClinicalNote

MAX_LENGTH = 10_000


def _text(label, help_text, rows=6):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": f"Use {MAX_LENGTH:,} characters or fewer"},
    )


class ClinicalNoteForm(forms.ModelForm):
    """The initial phase: building a picture of the patient's relationships."""

    relationships = _text(
        "Relationships explored",
        "Which relationships, past and present, you talked about and what happens "
        "in them.",
    )
    patterns = _text(
        "Patterns emerging",
        "Recurring ways of relating you are starting to see: how they see "
        "themselves and others, the feelings that link them, how they cope. Early "
        "thoughts towards the focus.",
    )
    risk = _text(
        "Risk",
        "Any risk to themselves or others that was raised or asked about, and what "
        "was agreed. Write 'none raised' if there was none.",
        rows=4,
    )
    other = _text(
        "Anything else",
        "Anything else from the session, including how they related to you.",
        rows=4,
    )

    class Meta:
        model = ClinicalNote
        fields = list(ClinicalNote.PROMPT_FIELDS)


class SignNoteForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have checked this note and want to sign it",
        help_text="Once signed, a note cannot be changed. You can add addenda.",
        error_messages={"required": "Confirm that you want to sign this note"},
    )


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Add an addendum",
        help_text="It is added below the signed note, with your name and the time. "
        "It cannot be changed afterwards.",
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter the addendum",
            "max_length": f"Use {MAX_LENGTH:,} characters or fewer",
        },
    )
