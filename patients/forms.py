from allauth.account.models import EmailAddress
from django import forms
from django.utils import timezone

from dit_portal.accounts.models import User
from dit_portal.core.forms import NHSDateField

from . import nhs_number
from .models import Patient, Referral


def referral_date_field(required=True):
    return NHSDateField(
        label="Referral date",
        required=required,
        help_text="The day the referral reached the service, for example 3 11 2026."
        + ("" if required else " Left empty, today."),
    )


def referral_source_field(required=True):
    return forms.ChoiceField(
        label="Referred by",
        choices=Referral.Source.choices,
        initial=Referral.Source.GP,
        required=required,
        widget=forms.RadioSelect,
    )


class InvitePatientForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(
        label="Email address",
        help_text="The invitation to set a password goes to this address.",
    )
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=20,
        help_text="10 digits, for example 485 777 3456.",
        validators=[nhs_number.validate_nhs_number],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = NHSDateField(
        label="Date of birth", past=True, help_text="For example, 15 3 1984."
    )
    # Optional, so a form posted without them (an older page) still adds the patient,
    # referred today by their GP.
    referred_on = referral_date_field(required=False)
    source = referral_source_field(required=False)
    therapist = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="Not assigned yet",
        help_text="You can assign a therapist later from the waiting list.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"referred_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = User.objects.therapists()

    def clean_referred_on(self):
        day = self.cleaned_data["referred_on"] or timezone.localdate()
        return checked_referral_date(day)

    def clean_source(self):
        return self.cleaned_data["source"] or Referral.Source.GP

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        taken = (
            User.objects.filter(email=email).exists()
            or EmailAddress.objects.filter(email__iexact=email).exists()
        )
        if taken:
            raise forms.ValidationError("Someone already uses this email address.")
        return email

    def clean_nhs_number(self):
        value = nhs_number.normalise(self.cleaned_data["nhs_number"])
        if Patient.objects.filter(nhs_number=value).exists():
            raise forms.ValidationError(
                "A patient with this NHS number already exists."
            )
        return value


def checked_referral_date(day):
    if day > timezone.localdate():
        raise forms.ValidationError("The referral date must be today or in the past.")
    return day


class ReReferForm(forms.Form):
    """A discharged patient referred again (the service checks the rules again)."""

    referred_on = referral_date_field()
    source = referral_source_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"referred_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_referred_on(self):
        return checked_referral_date(self.cleaned_data["referred_on"])


class ContactPreferencesForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["phone", "email_reminders", "sms_reminders", "reminders_opt_out"]
        labels = {
            "phone": "Mobile phone number",
            "email_reminders": "Email me reminders before my sessions",
            "sms_reminders": "Text me reminders before my sessions",
            "reminders_opt_out": "I do not want any reminders",
        }
        help_texts = {
            "phone": "Used for text message reminders, for example 07700 900 982.",
        }

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        digits = phone.replace(" ", "").replace("+44", "0")
        if phone and not (
            digits.isdigit() and len(digits) == 11 and digits[:2] == "07"
        ):
            raise forms.ValidationError(
                "Enter a UK mobile number, like 07700 900 982 or +44 7700 900 982."
            )
        return phone

    def clean(self):
        data = super().clean()
        if data.get("sms_reminders") and not data.get("phone"):
            self.add_error("phone", "Enter a mobile number to get text reminders.")
        if data.get("reminders_opt_out"):
            data["email_reminders"] = data["sms_reminders"] = False
        return data
