"""One form per question group (one page), built from the instrument's definition."""

from django import forms
from django.utils.html import format_html

from .definitions import PREFER_NOT

MAX_TEXT = 5000


def prefer_not_name(item_id):
    return f"{item_id}_prefer_not"


class GroupForm(forms.Form):
    """The questions of one group. `check_required` is off when the patient saves to
    come back later; on when they continue or send."""

    def __init__(self, data=None, *, group, answers, check_required=True, number=1):
        super().__init__(data)
        self.group = group
        self.check_required = check_required
        for offset, item in enumerate(group["items"]):
            label = item["text"]
            value = answers.get(item["id"])
            if item["kind"] == "choice":
                if item.get("scored"):
                    label = f"{number + offset}. {label}"
                question = (
                    f"question {number + offset}"
                    if item.get("scored")
                    else ("this question")
                )
                self.fields[item["id"]] = forms.TypedChoiceField(
                    label=label,
                    choices=[(str(v), text) for v, text in item["options"]],
                    coerce=int,
                    empty_value=None,
                    # Required items are marked required (no "(optional)"), but only
                    # enforced when continuing or sending, not when saving a draft.
                    required=bool(item.get("required")) and check_required,
                    error_messages={"required": f"Select an answer to {question}"},
                    widget=forms.RadioSelect,
                    initial=None if value is None else str(value),
                )
            else:
                self.fields[item["id"]] = forms.CharField(
                    label=label,
                    help_text=item.get("hint", ""),
                    required=False,
                    max_length=MAX_TEXT,
                    widget=forms.Textarea(attrs={"rows": 5}),
                    initial="" if value == PREFER_NOT else value,
                )
                if item.get("prefer_not"):
                    self.fields[prefer_not_name(item["id"])] = forms.BooleanField(
                        # Each box names its question for screen readers.
                        label=format_html(
                            "I'd rather not say"
                            '<span class="nhsuk-u-visually-hidden">: {}</span>',
                            item["text"],
                        ),
                        required=False,
                        initial=value == PREFER_NOT,
                    )

    def clean(self):
        cleaned = super().clean()
        for item in self.group["items"]:
            key = item["id"]
            declined = item["kind"] == "text" and cleaned.get(prefer_not_name(key))
            if declined and (cleaned.get(key) or "").strip():
                self.add_error(
                    key,
                    "You have written an answer and ticked 'I'd rather not say'. "
                    "Delete the answer or untick the box.",
                )
        return cleaned

    def answers(self):
        """The cleaned answers, ready to store: None clears an answer."""
        result = {}
        for item in self.group["items"]:
            key = item["id"]
            value = self.cleaned_data.get(key)
            if item["kind"] == "text":
                if self.cleaned_data.get(prefer_not_name(key)):
                    value = PREFER_NOT
                else:
                    value = (value or "").strip() or None
            result[key] = value
        return result


class AcknowledgeRiskForm(forms.Form):
    note = forms.CharField(
        label="What you have done",
        help_text=(
            "For example: called the patient, agreed a safety plan, or discussed with "
            "your supervisor. Only you and the clinical team can read this."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT,
        error_messages={"required": "Enter what you have done about this risk flag"},
    )
