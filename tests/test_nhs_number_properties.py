"""NHS numbers for any digits: the modulus 11 check digit makes a valid number or
says none exists, any single mistyped digit or swapped neighbours is caught, and the
forms people type it in come back to one stored string."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from patients.models import Patient
from patients.nhs_number import (
    check_digit,
    formatted,
    is_valid,
    normalise,
    validate_nhs_number,
)

digits = st.text(st.sampled_from("0123456789"), min_size=9, max_size=9)


@st.composite
def valid_numbers(draw):
    first_nine = draw(digits.filter(lambda d: check_digit(d) is not None))
    return first_nine + str(check_digit(first_nine))


@given(digits)
def test_the_check_digit_makes_a_valid_number_or_none_exists(first_nine):
    check = check_digit(first_nine)
    if check is None:  # 11 - (sum % 11) == 10: never issued
        assert not any(is_valid(first_nine + last) for last in "0123456789")
    else:
        assert 0 <= check <= 9
        assert [is_valid(first_nine + last) for last in "0123456789"] == [
            last == str(check) for last in "0123456789"
        ]


@given(valid_numbers(), st.integers(0, 9), st.integers(1, 9))
def test_one_mistyped_digit_is_always_caught(number, position, change):
    typo = str((int(number[position]) + change) % 10)
    mistyped = number[:position] + typo + number[position + 1 :]
    assert not is_valid(mistyped)


@given(valid_numbers(), st.integers(0, 8))
def test_swapping_two_neighbouring_digits_is_always_caught(number, position):
    swapped = (
        number[:position]
        + number[position + 1]
        + number[position]
        + number[position + 2 :]
    )
    if swapped != number:
        assert not is_valid(swapped)


separators = st.text(st.sampled_from([" ", "-", "\t", "\u00a0"]), max_size=2)


@given(valid_numbers(), st.lists(separators, min_size=11, max_size=11))
def test_spaced_hyphenated_and_formatted_forms_come_back_to_one_number(number, between):
    pairs = zip(number, between[1:], strict=True)
    typed = between[0] + "".join(digit + sep for digit, sep in pairs)
    assert normalise(typed) == number
    assert is_valid(typed)
    validate_nhs_number(typed)
    shown = formatted(number)
    assert shown == f"{number[:3]} {number[3:6]} {number[6:]}"
    assert normalise(shown) == number and formatted(shown) == shown


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@given(valid_numbers(), st.sampled_from([FULL_WIDTH, ARABIC_INDIC]))
def test_digits_from_other_keyboards_are_stored_as_0_to_9(number, keyboard):
    assert normalise(number.translate(keyboard)) == number
    assert normalise(normalise(number.translate(keyboard))) == number


@given(st.text(max_size=14))
def test_anything_accepted_is_ten_digits_0_to_9(value):
    if is_valid(value):
        assert len(normalise(value)) == 10 and normalise(value).isascii()
        validate_nhs_number(value)


@pytest.mark.django_db
def test_the_same_number_on_a_full_width_keyboard_is_a_duplicate(
    client, clinic_admin, patient
):
    client.force_login(clinic_admin)
    response = client.post(
        reverse("invite_patient"),
        {
            "full_name": "Beth Newcomer",
            "email": "beth@example.test",
            "nhs_number": patient.nhs_number.translate(FULL_WIDTH),
            "date_of_birth_day": "7",
            "date_of_birth_month": "3",
            "date_of_birth_year": "1990",
            "therapist": "",
        },
    )
    assert response.status_code == 200
    assert "A patient with this NHS number already exists" in response.content.decode()
    assert Patient.objects.count() == 1
