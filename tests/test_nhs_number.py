import pytest
from django.core.exceptions import ValidationError

from patients.nhs_number import formatted, is_valid, validate_nhs_number


@pytest.mark.parametrize("value", ["9434765919", "943 476 5919", "943-476-5919"])
def test_valid_numbers_in_the_forms_people_type(value):
    assert is_valid(value)
    validate_nhs_number(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("9434765918", "check_digit"),  # last digit wrong
        ("1234567890", "check_digit"),  # check digit would be 10: never issued
        ("943476591", "format"),  # nine digits
        ("94347659190", "format"),
        ("94347A5919", "format"),
        ("", "format"),
    ],
)
def test_invalid_numbers_say_why(value, code):
    with pytest.raises(ValidationError) as error:
        validate_nhs_number(value)
    assert error.value.code == code


def test_check_digit_zero_case():
    # 11 - (sum % 11) == 11 means a check digit of 0.
    assert is_valid("1000000060")
    assert not is_valid("1000000061")


def test_formatting():
    assert formatted("9434765919") == "943 476 5919"
