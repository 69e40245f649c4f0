from django import forms

from dit_portal.core.forms import email_field, full_name_field

from .. import services as accounts
from ..models import User

ROLE_CHOICES = [(role.value, role.label) for role in User.STAFF_ROLES]
CLINICAL_LEAD_HELP = (
    "May read the service's outcome reports, which are built from scores."
)


class StaffDetailsForm(forms.Form):
    full_name = full_name_field()
    role = forms.ChoiceField(
        label="Role",
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose their role."},
    )
    clinical_lead = forms.BooleanField(
        label="Clinical lead", required=False, help_text=CLINICAL_LEAD_HELP
    )


class InviteStaffForm(StaffDetailsForm):
    email = email_field("The invitation to set a password goes to this address.")
    field_order = ["full_name", "email", "role", "clinical_lead"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if accounts.email_taken(email):
            raise forms.ValidationError("Someone already uses this email address.")
        return email


class HandOverForm(forms.Form):
    """One patient of the caseload, and the therapist who takes them over."""

    patient = forms.UUIDField(widget=forms.HiddenInput)
    to_therapist = forms.ModelChoiceField(
        label="Hand over to", queryset=User.objects.none(), empty_label="Choose"
    )

    def __init__(self, data=None, *, therapists, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["to_therapist"].queryset = therapists
