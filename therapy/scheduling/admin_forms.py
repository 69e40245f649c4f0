"""Forms for the clinic admins' scheduling pages. Every bad input is a form error."""

import datetime

from django import forms
from django.utils import timezone

from dit_portal.accounts.models import User
from dit_portal.core.forms import NHSDateField
from dit_portal.core.timefmt import at_wall_time, when
from therapy.models import Closure, Room, TherapistAvailability

TIME_HELP = "Use the 24-hour clock, for example 10:00 or 14:30."
TIME_ERRORS = {
    "required": "Enter a time.",
    "invalid": "Enter a time like 10:00 or 14:30.",
}


def time_field(label, **kwargs):
    return forms.TimeField(
        label=label,
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        help_text=kwargs.pop("help_text", TIME_HELP),
        error_messages=TIME_ERRORS,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5"}),
        **kwargs,
    )


def therapist_field(**kwargs):
    return forms.ModelChoiceField(
        queryset=User.objects.therapists(),
        label="Therapist",
        empty_label="Choose a therapist",
        error_messages={
            "required": "Choose a therapist.",
            "invalid_choice": "Choose a therapist from the list.",
        },
        **kwargs,
    )


# Resources --------------------------------------------------------------------------


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["name", "is_active"]
        labels = {"name": "Room name", "is_active": "In use for bookings"}
        help_texts = {
            "is_active": "Untick to stop new bookings in this room. "
            "Sessions already booked there stay."
        }
        error_messages = {
            "name": {
                "required": "Enter the room's name.",
                "unique": "There is already a room with this name.",
            }
        }


class NewRoomForm(RoomForm):
    class Meta(RoomForm.Meta):
        fields = ["name"]


class AvailabilityForm(forms.ModelForm):
    start_time = time_field("Starts at")
    end_time = time_field("Ends at")

    class Meta:
        model = TherapistAvailability
        fields = ["weekday", "start_time", "end_time"]
        labels = {"weekday": "Day"}
        error_messages = {"weekday": {"required": "Choose a day."}}

    def __init__(self, *args, therapist, **kwargs):
        self.therapist = therapist
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        weekday = data.get("weekday")
        if start and end and end <= start:
            self.add_error("end_time", "The end time must be after the start time.")
        elif start and end and weekday is not None:
            overlapping = TherapistAvailability.objects.filter(
                therapist=self.therapist,
                weekday=weekday,
                start_time__lt=end,
                end_time__gt=start,
            ).first()
            if overlapping:
                self.add_error(
                    "start_time",
                    f"This overlaps the hours already set: {overlapping}.",
                )
        return data

    def save(self, commit=True):
        self.instance.therapist = self.therapist
        return super().save(commit)

    def _post_clean(self):
        self.instance.therapist = self.therapist
        super()._post_clean()


class ClosureForm(forms.ModelForm):
    therapist = forms.ModelChoiceField(
        queryset=User.objects.therapists(),
        required=False,
        label="Therapist on leave",
        empty_label="Nobody: the whole clinic is closed",
        help_text="Choose a therapist for their leave, or leave it for a clinic closure.",
    )
    start_date = NHSDateField(label="First day")
    end_date = NHSDateField(label="Last day", help_text="The same day for one day.")

    class Meta:
        model = Closure
        fields = ["therapist", "start_date", "end_date", "reason"]
        labels = {"reason": "Reason"}
        help_texts = {"reason": "For example: Staff training, or Annual leave."}
        error_messages = {"reason": {"required": "Enter a reason."}}

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date", "The last day must be on or after the first day."
            )
        return data


# Waiting list -------------------------------------------------------------------------


class AssignTherapistForm(forms.Form):
    therapist = therapist_field()


# Planning a course ----------------------------------------------------------------------


class PlaceMixin:
    """Room or video link: exactly one."""

    def clean_place(self, data):
        room, video = data.get("room"), data.get("video_link")
        if room and video:
            self.add_error(
                "video_link", "Choose a room or give a video link, not both."
            )
        elif not room and not video and "video_link" not in self.errors:
            self.add_error("room", "Choose a room, or give a video link.")


def room_field():
    return forms.ModelChoiceField(
        queryset=Room.objects.filter(is_active=True),
        required=False,
        label="Room",
        empty_label="No room: the sessions are by video",
        error_messages={"invalid_choice": "Choose a room from the list."},
    )


def video_field():
    return forms.URLField(
        required=False,
        label="Video link",
        help_text="Only for sessions by video. Starts with https://",
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address, like https://example.com/"},
    )


class PlanCourseForm(PlaceMixin, forms.Form):
    therapist = therapist_field()
    weekday = forms.TypedChoiceField(
        label="Day of the week",
        choices=[("", "Choose a day")] + TherapistAvailability.Weekday.choices,
        coerce=int,
        error_messages={"required": "Choose a day of the week."},
    )
    start_time = time_field("Start time (UK time)")
    start_date = NHSDateField(
        label="Start from",
        help_text="The first session is on the first chosen day on or after this "
        "date. For example, 7 6 2027.",
    )
    room = room_field()
    video_link = video_field()

    def clean_start_date(self):
        day = self.cleaned_data["start_date"]
        if day < timezone.localdate():
            raise forms.ValidationError("The start date must be today or later.")
        return day

    def clean(self):
        data = super().clean()
        self.clean_place(data)
        return data


class OfferSlotsForm(PlaceMixin, forms.Form):
    therapist = therapist_field()
    room = room_field()
    video_link = video_field()
    first_date = NHSDateField(label="First time offered: date")
    first_time = time_field("First time offered: time (UK time)")
    second_date = NHSDateField(label="Second time: date", required=False)
    second_time = time_field("Second time: time", required=False)
    third_date = NHSDateField(label="Third time: date", required=False)
    third_time = time_field("Third time: time", required=False)

    def clean(self):
        data = super().clean()
        self.clean_place(data)
        starts = []
        for name in ("first", "second", "third"):
            day, time = data.get(f"{name}_date"), data.get(f"{name}_time")
            if f"{name}_date" in self.errors or f"{name}_time" in self.errors:
                continue
            if day and not time:
                self.add_error(f"{name}_time", "Enter a time for this date.")
            elif time and not day:
                self.add_error(f"{name}_date", "Enter a date for this time.")
            elif day and time:
                start = at_wall_time(day, time)
                if start <= timezone.now():
                    self.add_error(f"{name}_date", "This time has already passed.")
                elif start in starts:
                    self.add_error(f"{name}_date", "This time is offered twice.")
                else:
                    starts.append(start)
        data["starts"] = starts
        return data


# Moving and cancelling a session ----------------------------------------------------------


class MoveSessionForm(forms.Form):
    alternative = forms.ChoiceField(
        label="Nearest free times",
        required=False,
        widget=forms.RadioSelect,
        help_text="Choose one of these, or enter another date and time below.",
    )
    new_date = NHSDateField(label="New date", required=False)
    new_time = time_field("New time (UK time)", required=False)
    room = forms.ModelChoiceField(
        queryset=Room.objects.filter(is_active=True),
        required=False,
        label="Room",
        empty_label="Keep the same place",
        error_messages={"invalid_choice": "Choose a room from the list."},
    )
    reason = forms.CharField(
        label="Reason for the move",
        max_length=300,
        help_text="The patient and the therapist are told the session has moved.",
        error_messages={"required": "Enter a reason for the move."},
    )

    def __init__(self, *args, alternatives=(), **kwargs):
        super().__init__(*args, **kwargs)
        values = [dt.isoformat() for dt in alternatives]
        posted = self.data.get("alternative") if self.is_bound else None
        if posted and posted not in values and _plausible_start(posted):
            values.append(posted)  # chosen from the list shown with the last answer
        choices = []
        for value in values:
            try:
                choices.append((value, when(datetime.datetime.fromisoformat(value))))
            except (ValueError, OverflowError):
                continue
        self.fields["alternative"].choices = choices
        if not choices:
            del self.fields["alternative"]

    def clean(self):
        data = super().clean()
        chosen = data.get("alternative")
        if chosen:
            start = datetime.datetime.fromisoformat(chosen)
            if start.tzinfo is None:
                self.add_error("alternative", "Choose one of the times shown.")
            else:
                data["new_start"] = start
            return data
        day, time = data.get("new_date"), data.get("new_time")
        if "new_date" in self.errors or "new_time" in self.errors:
            return data
        if not day:
            self.add_error("new_date", "Enter the new date.")
        if not time:
            self.add_error("new_time", "Enter the new time.")
        if day and time:
            data["new_start"] = at_wall_time(day, time)
        return data


def _plausible_start(value):
    """A posted time the service could have offered: timezone-aware, from now to a
    year ahead. Anything else is not added to the choices (so it is a form error)."""
    try:
        start = datetime.datetime.fromisoformat(value)
    except (ValueError, OverflowError):
        return False
    if start.tzinfo is None:
        return False
    now = timezone.now()
    try:
        return now < start < now + datetime.timedelta(days=366)
    except OverflowError:
        return False


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label="Reason for cancelling",
        max_length=300,
        help_text="The patient and the therapist are told the session is cancelled.",
        error_messages={"required": "Enter a reason for cancelling."},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter a reason for cancelling.")
        return reason
