"""NHS numbers: ten digits, the last a modulus 11 check digit."""

import re
import unicodedata

from django.core.exceptions import ValidationError


def normalise(value):
    """Drop the spaces and hyphens people type: '943 476 5919' -> '9434765919'.

    Digits typed on a full-width or another script's keyboard ('９４３…') become 0-9:
    they are the same number, and one number must be one stored string, or the
    duplicate check lets a second record in."""
    text = re.sub(r"[\s-]", "", str(value or ""))
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def check_digit(first_nine):
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def is_valid(value):
    digits = normalise(value)
    if not re.fullmatch(r"[0-9]{10}", digits):
        return False
    return check_digit(digits[:9]) == int(digits[9])


def validate_nhs_number(value):
    digits = normalise(value)
    if not re.fullmatch(r"[0-9]{10}", digits):
        raise ValidationError(
            "Enter an NHS number of 10 digits, like 485 777 3456.", code="format"
        )
    if check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(
            "This is not a valid NHS number. Check the digits and try again.",
            code="check_digit",
        )


def formatted(value):
    digits = normalise(value)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == 10 else value
