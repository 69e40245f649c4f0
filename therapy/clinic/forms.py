import unicodedata

from django import forms
from django.core.validators import MaxLengthValidator

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
