from django import forms
from django.utils import timezone

from dit_portal.core.forms import NHSDateField

from . import figures

LONGEST_YEARS = 5


def default_range(today=None):
    """The last twelve months, this one included."""
    today = today or timezone.localdate()
    first = figures.months(today.replace(year=today.year - 1), today)[1]
    return first, today


class DateRangeForm(forms.Form):
    """The range a report covers (sent with GET, so a report's address can be kept).
    With no dates given, the last twelve months."""

    start = NHSDateField(label="From", help_text="For example, 1 4 2026.")
    end = NHSDateField(label="To", help_text="For example, 31 3 2027.")

    def __init__(self, data=None):
        given = data is not None and any(
            key.startswith(("start_", "end_")) for key in data
        )
        start, end = default_range()
        super().__init__(data if given else None, initial={"start": start, "end": end})
        self.range = (start, end) if not given else None

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error(
                    "end", "The end date must be the same as or after the start date."
                )
            elif (end - start).days > 366 * LONGEST_YEARS:
                self.add_error(
                    "end", f"Choose a range of {LONGEST_YEARS} years or less."
                )
            else:
                self.range = (start, end)
        return data

    def chosen(self):
        """(first day, last day), or None while the form has errors."""
        if self.is_bound:
            self.is_valid()
        return self.range

    def query(self):
        """The range as GET parameters, for the CSV link."""
        start, end = self.range
        return "&".join(
            f"{name}_{part}={getattr(day, part)}"
            for name, day in (("start", start), ("end", end))
            for part in ("day", "month", "year")
        )
