from django import forms
from django.utils import timezone

from dit_portal.accounts import services as accounts
from dit_portal.accounts.models import User
from dit_portal.core.forms import NHSDateField, email_field, full_name_field

from . import nhs_number, search
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


def nhs_number_field():
    return forms.CharField(
        label="NHS number",
        max_length=20,
        help_text="10 digits, for example 485 777 3456.",
        validators=[nhs_number.validate_nhs_number],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def date_of_birth_field():
    return NHSDateField(
        label="Date of birth", past=True, help_text="For example, 15 3 1984."
    )


def unused_email(email, patient=None):
    """The address, lower case, unless another account has it (or was offered it)."""
    email = email.strip().lower()
    if accounts.email_taken(email, exclude=patient.user if patient else None):
        raise forms.ValidationError("Someone already uses this email address.")
    return email


def unused_nhs_number(value, patient=None):
    value = nhs_number.normalise(value)
    others = Patient.objects.filter(nhs_number=value)
    if patient is not None:
        others = others.exclude(pk=patient.pk)
    if others.exists():
        raise forms.ValidationError("A patient with this NHS number already exists.")
    return value


def uk_mobile(phone):
    phone = phone.strip()
    digits = phone.replace(" ", "").replace("+44", "0")
    if phone and not (digits.isdigit() and len(digits) == 11 and digits[:2] == "07"):
        raise forms.ValidationError(
            "Enter a UK mobile number, like 07700 900 982 or +44 7700 900 982."
        )
    return phone


class InvitePatientForm(forms.Form):
    full_name = full_name_field()
    email = email_field("The invitation to set a password goes to this address.")
    nhs_number = nhs_number_field()
    date_of_birth = date_of_birth_field()
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
        return unused_email(self.cleaned_data["email"])

    def clean_nhs_number(self):
        return unused_nhs_number(self.cleaned_data["nhs_number"])


class PatientDetailsForm(forms.Form):
    """A clinic admin corrects a patient's details, checked as on invitation."""

    full_name = full_name_field()
    email = email_field(
        "A new address is used once the patient confirms it from a link "
        "we email there. Until then, sign-in and messages use the old one."
    )
    phone = forms.CharField(
        label="Mobile phone number",
        max_length=30,
        required=False,
        help_text="For example 07700 900 982.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    gp_practice = forms.CharField(label="GP practice", max_length=200, required=False)
    nhs_number = nhs_number_field()
    date_of_birth = date_of_birth_field()

    def __init__(self, data=None, *, patient):
        self.patient = patient
        initial = {
            "full_name": patient.user.full_name,
            "email": patient.user.email,
            "phone": patient.phone,
            "gp_practice": patient.gp_practice,
            "nhs_number": patient.nhs_number_display,
            "date_of_birth": patient.date_of_birth,
        }
        super().__init__(data, initial=initial)

    def clean_email(self):
        return unused_email(self.cleaned_data["email"], self.patient)

    def clean_nhs_number(self):
        return unused_nhs_number(self.cleaned_data["nhs_number"], self.patient)

    def clean_phone(self):
        return uk_mobile(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if self.patient.sms_reminders and "phone" in data and not data["phone"]:
            self.add_error(
                "phone",
                "The patient gets text reminders, so a mobile number is needed. "
                "They can turn text reminders off in their contact preferences.",
            )
        return data


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
        return uk_mobile(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if data.get("sms_reminders") and not data.get("phone"):
            self.add_error("phone", "Enter a mobile number to get text reminders.")
        if data.get("reminders_opt_out"):
            data["email_reminders"] = data["sms_reminders"] = False
        return data


class SearchForm(forms.Form):
    """One box. Sent by POST so that what is typed (often a name or NHS number)
    never appears in a URL, and so never in a server log or browser history."""

    q = forms.CharField(
        label="Name, NHS number, date of birth or email address",
        max_length=200,
        # Without an @, what is typed is taken as a name (patients/search.py).
        help_text="For example Alice Smith, 485 777 3456, 01/02/1980, 1 Feb 1980, "
        "or part of an email address with its @, like @example.com.",
        error_messages={"required": search.EMPTY},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
