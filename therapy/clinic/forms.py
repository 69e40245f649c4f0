import unicodedata

from django import forms
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
)

from therapy.models import Clinic

# Shown in subjects, headers and every page: one line each.
ONE_LINE = ("name", "portal_name", "phone", "pals_phone", "pals_email", "pals_hours")
# Shown on every page or in every message, so kept short enough to read there.
SEVERAL_LINES = {"address": 500, "urgent_help_text": 1000}


def control_characters(value, *, line_breaks):
    """Characters that break an email header or a page (tabs, escapes, NULs; line
    breaks too where one line is expected)."""
    allowed = {"\n", "\r"} if line_breaks else set()
    return [
        ch for ch in value if unicodedata.category(ch) == "Cc" and ch not in allowed
    ]


# What each number is, for its error: Django's own ("Ensure this value is greater than
# or equal to 0.") names neither the setting nor what it may be.
NUMBERS = {
    "session_minutes": ("the session length", "minutes"),
    "course_sessions": ("the number of sessions in a course", "sessions"),
    "cancellation_notice_hours": ("the cancellation notice", "hours"),
    "booking_window_days": ("how far ahead patients can move a session", "days"),
}


def _limits(model_field):
    low, high = 0, None
    for validator in model_field.validators:
        if isinstance(validator, MinValueValidator):
            low = validator.limit_value
        elif isinstance(validator, MaxValueValidator):
            high = validator.limit_value
    return low, high


class ClinicSettingsForm(forms.ModelForm):
    class Meta:
        model = Clinic
        fields = [
            "name",
            "portal_name",
            "address",
            "phone",
            "pals_phone",
            "pals_email",
            "pals_hours",
            "urgent_help_text",
            "typical_wait_weeks",
            "session_minutes",
            "course_sessions",
            "cancellation_notice_hours",
            "booking_window_days",
            "missed_session_policy",
            "reminder_lead_hours",
            "subjects_name_service",
        ]
        widgets = {
            "missed_session_policy": forms.RadioSelect,
            "address": forms.Textarea(attrs={"rows": 3}),
            "urgent_help_text": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, most in SEVERAL_LINES.items():
            field = self.fields[name]
            field.max_length = most
            field.validators.append(
                MaxLengthValidator(
                    most, message=f"Keep this to {most} characters or fewer."
                )
            )
        for name, (what, unit) in NUMBERS.items():
            field = self.fields[name]
            low, high = _limits(Clinic._meta.get_field(name))
            # Checked here, with these words, so the model's own checks never fail.
            field.validators = [
                v
                for v in field.validators
                if not isinstance(v, MinValueValidator | MaxValueValidator)
            ] + [MinValueValidator(low), MaxValueValidator(high)]
            field.widget.attrs.update(min=low, max=high)
            words = f"Enter {what}: a whole number of {unit} from {low} to {high}."
            for code in ("required", "invalid", "min_value", "max_value"):
                field.error_messages[code] = words

    def clean(self):
        data = super().clean()
        for name in (*ONE_LINE, *SEVERAL_LINES):
            value = data.get(name)
            if not isinstance(value, str):
                continue
            several = name in SEVERAL_LINES
            if control_characters(value, line_breaks=several):
                self.add_error(
                    name,
                    "Use letters, numbers and punctuation only"
                    + ("." if several else ", on one line."),
                )
        return data
