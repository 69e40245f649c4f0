"""Labels say "(optional)" once, and never on a field a later step needs."""

import re

import pytest
from crispy_forms.utils import render_crispy_form
from django.urls import reverse

from therapy.ending.forms import FocusResponseForm, LetterForm

pytestmark = pytest.mark.django_db


def labels(html):
    return [
        re.sub(r"<[^>]+>|\s+", " ", label).strip()
        for label in re.findall(
            r"<(?:label|legend)[^>]*>(.*?)</(?:label|legend)>", html, re.S
        )
    ]


def test_offered_times_say_optional_once(clinic_admin_client, patient):
    html = clinic_admin_client.get(
        reverse("offer_slots", args=[patient.public_id])
    ).content.decode()
    assert "(optional) (optional)" not in html
    assert "Second time: date (optional)" in labels(html)


def test_the_patients_comment_on_the_focus_says_optional_once():
    html = render_crispy_form(FocusResponseForm())
    assert "(optional) (optional)" not in html
    assert "Anything you would like your therapist to know (optional)" in labels(html)


def test_fields_needed_to_share_or_to_end_early_are_not_called_optional(
    therapist_client, course
):
    focus = therapist_client.get(
        reverse("focus_draft", args=[course.public_id])
    ).content.decode()
    assert "Summary for the patient" in labels(focus)
    letter = render_crispy_form(LetterForm())
    assert "What has changed" in labels(letter)
    assert "Needed before the letter is shared." in letter
    discharge = therapist_client.get(
        reverse("discharge_course", args=[course.public_id])
    ).content.decode()
    assert "Reason for ending early" in labels(discharge)
