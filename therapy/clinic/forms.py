from django import forms

from therapy.models import Clinic


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
