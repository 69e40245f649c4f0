"""The admins' audit filter. It travels in the query string (so a filtered page can
be bookmarked, paged and exported), so it carries ids only, never a name."""

from django import forms

from dit_portal.accounts.models import User
from dit_portal.core.forms import NHSDateField
from patients.models import Patient

from . import words


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name or obj.email} ({obj.get_role_display()})"


class AuditFilterForm(forms.Form):
    person = StaffChoice(
        queryset=User.objects.filter(role__in=User.STAFF_ROLES).order_by("full_name"),
        required=False,
        empty_label="Anyone",
        label="Who",
        error_messages={"invalid_choice": "Choose a person from the list."},
    )
    action = forms.ChoiceField(
        # The trail's own verbs ("Looked at", "Downloaded"), so the filter and the
        # rows it finds say the same thing.
        choices=[("", "Any action"), *words.VERB.items()],
        required=False,
        label="What they did",
        error_messages={"invalid_choice": "Choose an action from the list."},
    )
    start = NHSDateField(
        required=False, label="From", help_text="For example, 1 3 2027"
    )
    end = NHSDateField(required=False, label="To", help_text="For example, 31 3 2027")
    # Set by the link on a patient's record, shown as the patient's name.
    patient = forms.ModelChoiceField(
        queryset=Patient.objects.select_related("user"),
        to_field_name="public_id",
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "That patient could not be found."},
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The 'To' date must be the same as or after 'From'.")
        return data

    def filters(self):
        data = self.cleaned_data
        names = ("person", "patient", "start", "end")
        return {"action": data.get("action") or ""} | {
            name: data.get(name) for name in names
        }
