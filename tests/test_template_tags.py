"""The portal's {% url %}, |date and |time (dit_portal/core/template_tags.py) give
what Django's give, in UK time, on either side of the clock changes; and what they do
not handle goes to Django's own."""

import datetime
import uuid

import pytest
from django.template import engines
from django.urls import NoReverseMatch

UTC = datetime.UTC


def render(source, **context):
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # 29 March 2026: clocks go forward at 01:00 UTC.
        (datetime.datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "Sunday 29 March 2026, 00:30"),
        (datetime.datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "Sunday 29 March 2026, 02:30"),
        # 25 October 2026: back at 01:00 UTC (02:00 BST).
        (datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "Sunday 25 October 2026, 01:30"),
        (datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "Sunday 25 October 2026, 01:30"),
        # Late evening UTC in summer is the next day in London.
        (datetime.datetime(2026, 6, 30, 23, 15, tzinfo=UTC), "Wednesday 1 July 2026, 00:15"),
    ],
)  # fmt: skip
def test_dates_are_shown_in_uk_time(moment, expected):
    assert render('{{ at|date:"l j F Y, H:i" }}', at=moment) == expected


def test_the_formats_the_pages_use():
    at = datetime.datetime(2027, 1, 4, 9, 5, tzinfo=UTC)  # a Monday, GMT
    assert render('{{ at|date:"D j M Y, H:i" }}', at=at) == "Mon 4 Jan 2027, 09:05"
    assert render('{{ at|date:"Y-m-d" }}', at=at) == "2027-01-04"
    assert render('{{ at|date:"d/m/Y" }}', at=at) == "04/01/2027"
    assert render('{{ at|time:"H:i" }}', at=at) == "09:05"
    assert render('{{ at|time:"G:i" }}', at=at) == "9:05"
    assert render('{{ day|date:"l j F" }}', day=at.date()) == "Monday 4 January"
    assert render('{{ t|time:"H:i" }}', t=datetime.time(14, 0)) == "14:00"
    assert (
        render('{{ at|date:"j F Y \\a\\t H:i" }}', at=at) == "4 January 2027 at 09:05"
    )


def test_what_the_portal_does_not_handle_goes_to_django():
    at = datetime.datetime(2027, 1, 4, 9, 5, tzinfo=UTC)
    assert render('{{ at|date:"P" }}', at=at) == "9:05 a.m."  # not one of ours
    assert render('{{ at|date:"jS F" }}', at=at) == "4th January"
    assert render("{{ nothing|date:'j M' }}", nothing=None) == ""
    with pytest.raises(TypeError):  # a date has no time: Django refuses it too
        render('{{ day|date:"H:i" }}', day=at.date())


def test_links_are_what_django_reverses():
    public_id = uuid.UUID("6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b")
    assert (
        render("{% url 'course_timeline' id %}", id=public_id)
        == "/courses/6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b/timeline/"
    )
    assert render("{% url 'edit_room' 7 %}", id=public_id) == "/schedule/rooms/7/"
    assert render("{% url 'diary' %}") == "/diary/"
    assert render("{% url 'diary' as href %}[{{ href }}]") == "[/diary/]"
    # A keyword argument, or a string, is Django's to reverse.
    assert render("{% url 'edit_room' pk=7 %}") == "/schedule/rooms/7/"
    assert render("{% url 'information' 'risks' %}") == "/information/risks/"  # a slug


def test_a_link_that_cannot_be_made_is_an_error_as_in_django():
    with pytest.raises(NoReverseMatch):
        render("{% url 'edit_room' -1 %}")
    with pytest.raises(NoReverseMatch):
        render("{% url 'no_such_page' 1 %}")
    assert render("{% url 'no_such_page' as href %}[{{ href }}]") == "[]"
