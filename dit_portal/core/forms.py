"""Form fields shared across the apps, shaped for NHS.UK frontend's patterns."""

import datetime

from django import forms


class DateInputWidget(forms.MultiWidget):
    """Day, month and year as three text boxes (the NHS.UK date input pattern)."""

    template_name = "nhsuk/widgets/date_input.html"

    def __init__(self, attrs=None):
        box = {"inputmode": "numeric", "class": "nhsuk-input nhsuk-date-input__input"}
        widgets = {
            "day": forms.TextInput(
                {**box, "class": box["class"] + " nhsuk-input--width-2"}
            ),
            "month": forms.TextInput(
                {**box, "class": box["class"] + " nhsuk-input--width-2"}
            ),
            "year": forms.TextInput(
                {**box, "class": box["class"] + " nhsuk-input--width-4"}
            ),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        labels = ["Day", "Month", "Year"]
        for subwidget, label in zip(
            context["widget"]["subwidgets"], labels, strict=True
        ):
            subwidget["label"] = label
        return context


class NHSDateField(forms.MultiValueField):
    """A date typed as day, month and year, with errors that say what to fix."""

    widget = DateInputWidget
    default_error_messages = {
        "required": "Enter a date.",
        "incomplete": "Enter a day, a month and a year.",
        "invalid": "Enter a real date, for example 27 3 2007.",
        "past": "The date must be in the past.",
    }

    def __init__(self, *, past=False, **kwargs):
        self.past = past
        number = {"error_messages": {"invalid": "Use numbers only."}}
        fields = (
            forms.IntegerField(min_value=1, max_value=31, **number),
            forms.IntegerField(min_value=1, max_value=12, **number),
            forms.IntegerField(min_value=1900, max_value=2200, **number),
        )
        super().__init__(fields, require_all_fields=True, **kwargs)

    def clean(self, value):
        if value and not self.disabled:
            empty = [part in self.empty_values for part in value]
            if any(empty) and not all(empty):
                raise forms.ValidationError(
                    self.error_messages["incomplete"], code="incomplete"
                )
        try:
            return super().clean(value)
        except forms.ValidationError as error:
            if getattr(error, "code", None) in {"required", "incomplete", "past"}:
                raise
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid"
            ) from error

    def compress(self, data_list):
        if not data_list:
            return None
        day, month, year = data_list
        try:
            value = datetime.date(year, month, day)
        except (TypeError, ValueError) as error:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid"
            ) from error
        if self.past and value >= datetime.date.today():
            raise forms.ValidationError(self.error_messages["past"], code="past")
        return value


def posted(request):
    """The POST data, even when empty (an empty POST must still show its errors);
    None for a GET, so a form is shown unbound."""
    return request.POST if request.method == "POST" else None


def full_name_field():
    """A person's name, as staff type it for a patient or a colleague."""
    return forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={
            "required": "Enter their full name.",
            "max_length": "Enter a name of 200 characters or fewer.",
        },
    )


def email_field(help_text):
    """An email address someone else will use to sign in."""
    return forms.EmailField(
        label="Email address",
        help_text=help_text,
        error_messages={
            "required": "Enter their email address.",
            "invalid": "Enter an email address in the correct format, "
            "like name@example.com.",
        },
    )
