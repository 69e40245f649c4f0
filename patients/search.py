"""Finding a patient from one box: part of a name, an NHS number (spaces optional),
a date of birth or an email address. What was typed decides which it is:

- ten digits (spaces or hyphens allowed): an NHS number, matched exactly;
- a date, day first: 1/2/1980, 01-02-1980, 01.02.1980, 1 Feb 1980, 1 February
  1980, or 1980-02-01; the year in full (a two-digit year is refused: 1 2 80
  could be 1880 or 1980);
- anything with an @: part of an email address;
- otherwise: every word must be part of the name, in any case and any order
  ("ali pat" finds Alice Patient).

Results are only patients the user may see (`Patient.objects.visible_to`):
therapists their own caseload. At most MAX_RESULTS, in one query. Names and email
addresses use trigram indexes on PostgreSQL (accounts/0005), the date of birth a
B-tree (patients/0002), the NHS number its unique index."""

import datetime
import re
from dataclasses import dataclass

from django.db import models

from dit_portal.core.errors import ServiceError

from . import nhs_number
from .models import Patient

MAX_RESULTS = 50
MIN_NAME_LETTERS = 2


class Kind(models.TextChoices):
    NAME = "name", "name"
    NHS_NUMBER = "nhs_number", "NHS number"
    DATE_OF_BIRTH = "date_of_birth", "date of birth"
    EMAIL = "email", "email address"


class SearchTermInvalid(ServiceError):
    """What was typed cannot be searched for; the message says why."""


@dataclass(frozen=True)
class Query:
    kind: Kind
    value: object


@dataclass
class Results:
    query: Query
    patients: list
    more: bool  # there were more than MAX_RESULTS


MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
SEPARATOR = r"\s*[/.\-\s]\s*"
YEAR = r"(\d{4}|\d{2})"
DAY_MONTH_YEAR = re.compile(rf"(\d{{1,2}}){SEPARATOR}(\d{{1,2}}){SEPARATOR}{YEAR}")
DAY_WORD_YEAR = re.compile(rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+{YEAR}")
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
BAD_DATE = "That is not a real date. Write a date of birth like 01/02/1980."
SHORT_YEAR = "Write the year in full, like 01/02/1980."


def _date(text):
    """The date `text` names, None if it does not look like a date at all."""
    text = text.lower()
    if match := ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
    elif match := DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = match.groups()
    elif (match := DAY_WORD_YEAR.fullmatch(text)) and match[2] in MONTHS:
        day, month, year = match[1], MONTHS[match[2]], match[3]
    else:
        return None
    if len(year) != 4:
        raise SearchTermInvalid(SHORT_YEAR)
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError as error:
        raise SearchTermInvalid(BAD_DATE) from error


EMPTY = "Enter a name, NHS number, date of birth or email address."


def parse(text):
    text = " ".join((text or "").split())
    if not text:
        raise SearchTermInvalid(EMPTY)
    if (day := _date(text)) is not None:
        return Query(Kind.DATE_OF_BIRTH, day)
    digits = nhs_number.normalise(text)
    if digits.isdigit():
        if len(digits) != 10:
            raise SearchTermInvalid(
                "An NHS number has 10 digits, like 485 777 3456. For a date of "
                "birth, write the day, month and year: 01/02/1980."
            )
        return Query(Kind.NHS_NUMBER, digits)
    if "@" in text:
        return Query(Kind.EMAIL, text.lower())
    if len(text.replace(" ", "")) < MIN_NAME_LETTERS:
        raise SearchTermInvalid(
            f"Enter at least {MIN_NAME_LETTERS} letters of the patient's name."
        )
    return Query(Kind.NAME, tuple(text.split()))


def matching(patients, query):
    if query.kind == Kind.NHS_NUMBER:
        return patients.filter(nhs_number=query.value)
    if query.kind == Kind.DATE_OF_BIRTH:
        return patients.filter(date_of_birth=query.value)
    if query.kind == Kind.EMAIL:
        return patients.filter(user__email__icontains=query.value)
    for word in query.value:
        patients = patients.filter(user__full_name__icontains=word)
    return patients


def search(user, text):
    """Patients `user` may see that match `text` (SearchTermInvalid if it cannot be
    searched for), by name."""
    query = parse(text)
    patients = matching(
        Patient.objects.visible_to(user).select_related("user", "therapist"), query
    )
    found = list(patients.order_by("user__full_name", "pk")[: MAX_RESULTS + 1])
    return Results(query, found[:MAX_RESULTS], more=len(found) > MAX_RESULTS)
