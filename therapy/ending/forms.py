"""Forms for the focus agreement, the goodbye letter and discharge. Every bad input is
a form error with a message that says what to do."""

from django import forms

from dit_portal.core.timefmt import when
from therapy.models import Course, FocusAgreement, GoodbyeLetter

LONG_TEXT = 4000


def _text(
    label, help_text="", rows=4, required=False, max_length=LONG_TEXT, needed_to=""
):
    """A long answer. `needed_to`: the step that needs it (its help text says so),
    so the label does not call it optional although a draft may leave it empty."""
    field = forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "max_length": f"Use {max_length} characters or fewer",
            "required": f"Enter {label[0].lower()}{label[1:]}",
        },
    )
    field.needed_to = needed_to
    return field


class FocusForm(forms.Form):
    self_in_relation = _text(
        "How the patient sees themselves in relation to others",
        "The self representation, in your words.",
    )
    other = _text(
        "How the patient sees the other person",
        "The other representation: how others are experienced in the pattern.",
    )
    linking_feeling = _text(
        "The feeling that links them",
        "The affect that comes up when the pattern is active.",
    )
    way_of_coping = _text(
        "The way of coping with that feeling",
        "The defence: what the patient does to manage the feeling.",
    )
    connection = _text(
        "How the pattern connects to what brought them",
        "The link to their current difficulties and symptoms.",
    )
    patient_summary = _text(
        "Summary for the patient",
        "The patient reads only this, so write it in plain words, to them. "
        "It is needed before the focus can be shared.",
        rows=8,
        needed_to="share the focus",
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not any(
            (data.get(name) or "").strip() for name in self.fields
        ):
            raise forms.ValidationError("Write at least one part of the focus")
        return data

    @staticmethod
    def initial_from(focus):
        if focus is None:
            return {}
        names = (*FocusAgreement.WORKING_FIELDS, "patient_summary")
        return {name: getattr(focus, name) for name in names}


class FocusResponseForm(forms.Form):
    AGREE = "agree"
    TALK = "talk"

    answer = forms.ChoiceField(
        choices=[
            (AGREE, "I agree with this focus"),
            (TALK, "I would like to talk about it with my therapist first"),
        ],
        widget=forms.RadioSelect,
        label="What do you think of this focus?",
        error_messages={
            "required": "Choose whether you agree or want to talk about it",
            "invalid_choice": "Choose whether you agree or want to talk about it",
        },
    )
    comment = _text(
        "Anything you would like your therapist to know",
        "Only your therapist reads this.",
        max_length=1000,
    )

    @property
    def agrees(self):
        return self.cleaned_data["answer"] == self.AGREE


class LetterForm(forms.Form):
    focus = _text(
        "The focus you worked on",
        "Remind the patient of the pattern you agreed to work on. "
        "Needed before the letter is shared.",
        rows=6,
        needed_to="share the letter",
    )
    changes = _text(
        "What has changed",
        "What you have noticed change during therapy. "
        "Needed before the letter is shared.",
        rows=6,
        needed_to="share the letter",
    )
    still_to_work_on = _text(
        "What is left to work on",
        "What the patient may want to keep noticing after therapy ends. "
        "Needed before the letter is shared.",
        rows=6,
        needed_to="share the letter",
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not any(
            (data.get(name) or "").strip() for name in self.fields
        ):
            raise forms.ValidationError("Write at least one part of the letter")
        return data

    @staticmethod
    def initial_from(letter):
        if letter is None:
            return {}
        return {name: getattr(letter, name) for name in GoodbyeLetter.SECTIONS}


class ShareLetterForm(forms.Form):
    session = forms.ModelChoiceField(
        queryset=None,
        widget=forms.RadioSelect,
        label="At which session will you give the patient the letter?",
        help_text="The patient can read it in the portal from the start of that "
        "session, and is told then that something is waiting for them.",
        empty_label=None,
        to_field_name="public_id",
        error_messages={
            "required": "Choose the session at which you will share the letter",
            "invalid_choice": "Choose one of the ending sessions listed",
        },
    )

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = lambda s: (
            f"Session {s.number}, {when(s.start)}"
        )


class DischargeForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Course.Status.COMPLETED, "Completed: therapy ended as planned"),
            (Course.Status.DROPPED_OUT, "Dropped out: therapy ended early"),
        ],
        widget=forms.RadioSelect,
        label="How did the course end?",
        error_messages={
            "required": "Choose how the course ended",
            "invalid_choice": "Choose how the course ended",
        },
    )
    reason = _text(
        "Reason for ending early",
        "Needed if the patient dropped out. The patient does not see this.",
        rows=3,
        max_length=300,
        needed_to="end early",
    )

    def clean(self):
        data = super().clean()
        data["reason"] = (data.get("reason") or "").strip()
        if data.get("status") == Course.Status.DROPPED_OUT and not data["reason"]:
            self.add_error("reason", "Give the reason the patient dropped out")
        return data
