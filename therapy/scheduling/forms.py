"""Forms for patients' sessions (pick an offered time, cancel, reschedule) and the
therapist's diary (week, attendance). Times are chosen with radios; every bad input
is a form error."""

import datetime

from django import forms

from dit_portal.core.forms import NHSDateField
from dit_portal.core.timefmt import local, monday_of, when
from therapy.models import Session


def alternatives_text(error):
    """A BookingError's message with its nearest free times, in words."""
    if not error.alternatives:
        return error.message
    times = "; ".join(when(moment) for moment in error.alternatives)
    return f"{error.message} Nearest free times: {times}."


def replacement_text(replacement):
    """The sentence a confirmation adds when the clinic's policy booked a
    replacement session ("" when it did not)."""
    if replacement is None:
        return ""
    return (
        f" Session {replacement.number} has been added on {when(replacement.start)} "
        f"to replace it."
    )


class OfferForm(forms.Form):
    offer = forms.ModelChoiceField(
        queryset=None,
        widget=forms.RadioSelect,
        label="Choose a time for your first session",
        help_text="Your later sessions will be at the same time each week.",
        empty_label=None,
        error_messages={
            "required": "Choose a time for your first session",
            "invalid_choice": "That time is no longer available. Choose another time.",
        },
    )

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers
        self.fields["offer"].label_from_instance = lambda offer: when(offer.start)


class CancelSessionForm(forms.Form):
    OTHER = "other"
    REASONS = [
        ("unwell", "I am unwell"),
        ("commitment", "I have a work, study or caring commitment"),
        ("away", "I am away"),
        ("transport", "I cannot get to the clinic"),
        (OTHER, "Another reason"),
    ]

    reason = forms.ChoiceField(
        choices=REASONS,
        widget=forms.RadioSelect,
        label="Why do you need to cancel?",
        error_messages={"required": "Choose why you need to cancel"},
    )
    details = forms.CharField(
        label="If you chose another reason, tell us what it is",
        help_text="Do not include anything you would not want the clinic staff to read.",
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Use 200 characters or fewer"},
    )

    def clean(self):
        data = super().clean()
        details = (data.get("details") or "").strip()
        if data.get("reason") == self.OTHER and not details:
            self.add_error("details", "Tell us the reason for cancelling")
        data["details"] = details
        return data

    @property
    def reason_text(self):
        data = self.cleaned_data
        label = dict(self.REASONS)[data["reason"]]
        if data["details"]:
            return f"{label}: {data['details']}"
        return label


class DayForm(forms.Form):
    """Change time, step 1: a day with free times (sent by GET, so the address of
    step 2 names the day and the browser's Back button works)."""

    day = forms.TypedChoiceField(
        widget=forms.RadioSelect,
        label="Choose a day",
        help_text="The days nearest your session's date are first.",
        coerce=datetime.date.fromisoformat,
        error_messages={
            "required": "Choose a day",
            "invalid_choice": (
                "There are no free times on that day now. Choose another day."
            ),
        },
    )

    def __init__(self, *args, days, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [
            (choice.day.isoformat(), choice.label) for choice in days
        ]


class RescheduleForm(forms.Form):
    """Change time, step 2: a time on the chosen day."""

    start = forms.TypedChoiceField(
        widget=forms.RadioSelect,
        label="Choose a new time",
        help_text="The times nearest your session's time are first.",
        coerce=datetime.datetime.fromisoformat,
        error_messages={
            "required": "Choose a new time",
            "invalid_choice": (
                "That time is no longer free. Choose one of the times shown."
            ),
        },
    )

    def __init__(self, *args, day=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["start"]
        times = day.times if day is not None else ()
        if day is not None:
            field.label = f"Choose a time on {day.day:%A} {day.day.day} {day.day:%B}"
        field.choices = [
            (slot.astimezone(datetime.UTC).isoformat(), f"{local(slot):%H:%M}")
            for slot in times
        ]


class AttendanceForm(forms.Form):
    LABELS = {
        Session.Status.ATTENDED: "Attended",
        Session.Status.LATE_SEEN: "Arrived late – seen",
        Session.Status.LATE_NOT_SEEN: "Arrived late – not seen",
        Session.Status.CANCELLED_BY_PATIENT: "Cancelled by patient",
        Session.Status.CANCELLED_BY_CLINIC: "Cancelled by clinic",
        Session.Status.DID_NOT_ATTEND: "Did not attend",
    }

    status = forms.ChoiceField(
        choices=[(status.value, label) for status, label in LABELS.items()],
        widget=forms.RadioSelect,
        label="What happened?",
        error_messages={
            "required": "Choose what happened at the session",
            "invalid_choice": "Choose what happened at the session",
        },
    )


class WeekForm(forms.Form):
    """Which week the diary shows: `week` comes from the previous and next links (an
    ISO date, hidden), `go` is a date the therapist types as day, month and year."""

    week = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.HiddenInput,
        error_messages={"invalid": "The week in the link could not be read."},
    )
    go = NHSDateField(
        required=False,
        label="Go to the week of",
        help_text="For example, 7 12 2026",
    )

    def _in_range(self, day):
        if day and not 2000 <= day.year <= 2100:
            raise forms.ValidationError("Enter a date between 2000 and 2100.")
        return day

    def clean_week(self):
        return self._in_range(self.cleaned_data["week"])

    def clean_go(self):
        return self._in_range(self.cleaned_data["go"])

    def monday(self, today):
        """The Monday of the typed date, else of the linked week, else this week's;
        a date that cannot be read is a form error, never silently this week."""
        data = self.cleaned_data if self.is_bound and self.errors is not None else {}
        return monday_of(data.get("go") or data.get("week") or today)
