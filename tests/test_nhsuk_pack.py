"""The `nhsuk` crispy-forms template pack and the allauth pages rendered through it.

Forms are rendered the way pages render them ({{ form|crispy }} and {% crispy %}) and
the tests look at what a user (or their screen reader) gets: labels tied to inputs,
hints and errors announced with the input, an error summary whose links land on the
right box, and "(optional)" on the fields that are optional.
"""

import datetime
import re

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout, Submit
from django import forms
from django.template import Context, Template
from django.test.html import Element, parse_html
from django.urls import reverse

from dit_portal.core.forms import NHSDateField

from .factories import PASSWORD


class ExampleForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        help_text="As it appears on letters from your GP.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(label="Email address", required=False)
    password = forms.CharField(
        label="Password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    notes = forms.CharField(
        label="Anything else", widget=forms.Textarea, required=False
    )
    contact = forms.ChoiceField(
        label="How should we contact you?",
        choices=[("email", "Email"), ("phone", "Phone")],
        widget=forms.RadioSelect,
        help_text="Choose one.",
    )
    days = forms.MultipleChoiceField(
        label="Days you can attend",
        choices=[("mon", "Monday"), ("tue", "Tuesday")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    clinic = forms.ChoiceField(label="Clinic", choices=[("", "Choose"), ("a", "North")])
    consent = forms.BooleanField(label="I agree to the terms")
    date_of_birth = NHSDateField(
        label="Date of birth", past=True, help_text="For example, 15 3 1984."
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        super().clean()
        if self.data.get("full_name") == "Nobody":
            raise forms.ValidationError("We could not find that person.")


VALID = {
    "full_name": "Alice Patient",
    "password": "secret-password",
    "contact": "email",
    "clinic": "a",
    "consent": "on",
    "date_of_birth_day": "14",
    "date_of_birth_month": "6",
    "date_of_birth_year": "1985",
}


# A few helpers over django.test.html's parsed tree.


def render(template, **context):
    return Template("{% load crispy_forms_tags %}" + template).render(Context(context))


def elements(node):
    """The element itself (parse_html returns a lone root as-is) and all below it."""
    if node.name:
        yield node
    for child in node.children:
        if isinstance(child, Element):
            yield from elements(child)


def attrs(element):
    return {
        name: ("" if value is None else value) for name, value in element.attributes
    }


def classes(element):
    return attrs(element).get("class", "").split()


def text(element):
    parts = []
    for child in element.children:
        parts.append(text(child) if isinstance(child, Element) else str(child))
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


def find_all(node, tag=None, cls=None, **wanted):
    found = []
    for element in elements(node):
        if tag and element.name != tag:
            continue
        if cls and cls not in classes(element):
            continue
        element_attrs = attrs(element)
        if all(
            element_attrs.get(k.rstrip("_").replace("_", "-")) == v
            for k, v in wanted.items()
        ):
            found.append(element)
    return found


def find(node, tag=None, cls=None, **wanted):
    found = find_all(node, tag, cls, **wanted)
    assert found, f"no <{tag} class={cls} {wanted}> in the rendered HTML"
    return found[0]


def form_group_of(tree, input_id):
    """The nhsuk-form-group whose subtree holds the element with input_id."""
    groups = [
        group
        for group in find_all(tree, "div", cls="nhsuk-form-group")
        if find_all(group, id=input_id)
    ]
    return groups[0]  # outermost first


def crispy(form):
    return parse_html(render("{{ form|crispy }}", form=form))


def summary_links(tree):
    summary = find(tree, "div", cls="nhsuk-error-summary")
    return {text(link): attrs(link)["href"] for link in find_all(summary, "a")}


# Fields without errors.


def test_text_input_has_label_hint_and_autocomplete():
    tree = crispy(ExampleForm())
    label = find(tree, "label", for_="id_full_name")
    assert text(label) == "Full name"
    assert "nhsuk-label" in classes(label)
    box = find(tree, "input", id="id_full_name")
    assert "nhsuk-input" in classes(box)
    assert attrs(box)["autocomplete"] == "name"
    hint = find(tree, "div", cls="nhsuk-hint", id="id_full_name_helptext")
    assert text(hint) == "As it appears on letters from your GP."
    assert attrs(box)["aria-describedby"] == "id_full_name_helptext"
    assert "nhsuk-form-group" in classes(form_group_of(tree, "id_full_name"))


def test_optional_fields_say_so_and_required_ones_do_not():
    tree = crispy(ExampleForm())
    assert text(find(tree, "label", for_="id_email")) == "Email address (optional)"
    assert text(find(tree, "label", for_="id_notes")) == "Anything else (optional)"
    assert text(find(tree, "label", for_="id_full_name")) == "Full name"
    legends = [text(legend) for legend in find_all(tree, "legend")]
    assert "Days you can attend (optional)" in legends
    assert "How should we contact you?" in legends


def test_textarea_select_password_and_checkbox_use_nhsuk_classes():
    tree = crispy(ExampleForm())
    assert "nhsuk-textarea" in classes(find(tree, "textarea", id="id_notes"))
    assert "nhsuk-select" in classes(find(tree, "select", id="id_clinic"))
    password = find(tree, "input", id="id_password")
    assert "nhsuk-password-input__input" in classes(password)
    assert attrs(password)["autocomplete"] == "current-password"
    assert find(tree, "div", cls="nhsuk-password-input")
    consent = find(tree, "input", id="id_consent")
    assert "nhsuk-checkboxes__input" in classes(consent)
    label = find(tree, "label", for_="id_consent")
    assert text(label) == "I agree to the terms"  # a lone checkbox: no "(optional)"
    assert "nhsuk-checkboxes__label" in classes(label)


def test_radios_are_a_fieldset_with_legend_and_labelled_options():
    tree = crispy(ExampleForm())
    radios = find(tree, "div", cls="nhsuk-radios")
    fieldset = next(
        f for f in find_all(tree, "fieldset") if find_all(f, "div", cls="nhsuk-radios")
    )
    assert text(find(fieldset, "legend")) == "How should we contact you?"
    assert attrs(fieldset)["aria-describedby"] == "id_contact_helptext"
    options = find_all(radios, "input", type="radio")
    assert [attrs(o)["id"] for o in options] == ["id_contact_0", "id_contact_1"]
    assert all("nhsuk-radios__input" in classes(o) for o in options)
    assert text(find(radios, "label", for_="id_contact_1")) == "Phone"
    assert not find_all(tree, "label", for_="id_contact")


def test_checkbox_list_is_a_fieldset_of_nhsuk_checkboxes():
    tree = crispy(ExampleForm(initial={"days": ["tue"]}))
    fieldset = next(
        f for f in find_all(tree, "fieldset") if find_all(f, "input", name="days")
    )
    assert text(find(fieldset, "legend")) == "Days you can attend (optional)"
    boxes = find_all(fieldset, "input", cls="nhsuk-checkboxes__input")
    assert [attrs(b)["value"] for b in boxes] == ["mon", "tue"]
    assert "checked" in attrs(boxes[1]) and "checked" not in attrs(boxes[0])


def test_date_input_is_a_fieldset_with_day_month_year_labels():
    tree = crispy(ExampleForm())
    date = find(tree, "div", cls="nhsuk-date-input")
    fieldset = next(f for f in find_all(tree, "fieldset") if date in list(elements(f)))
    assert text(find(fieldset, "legend")) == "Date of birth"
    assert attrs(fieldset)["aria-describedby"] == "id_date_of_birth_helptext"
    assert not find_all(tree, "label", for_="id_date_of_birth")
    for index, name in enumerate(["Day", "Month", "Year"]):
        box_id = f"id_date_of_birth_{index}"
        assert text(find(date, "label", for_=box_id)) == name
        box = find(date, "input", id=box_id)
        assert "nhsuk-date-input__input" in classes(box)
        assert "nhsuk-input--error" not in classes(box)
        assert attrs(box)["inputmode"] == "numeric"


def test_no_error_summary_on_an_unbound_form():
    assert "nhsuk-error-summary" not in render("{{ form|crispy }}", form=ExampleForm())


# Errors.


def test_error_message_is_announced_with_the_input():
    form = ExampleForm(data={**VALID, "full_name": ""})
    tree = crispy(form)
    group = form_group_of(tree, "id_full_name")
    assert "nhsuk-form-group--error" in classes(group)
    message = find(group, "span", cls="nhsuk-error-message", id="id_full_name_error")
    assert text(message) == "Error: This field is required."
    assert text(find(message, "span", cls="nhsuk-u-visually-hidden")) == "Error:"
    box = find(group, "input", id="id_full_name")
    assert "nhsuk-input--error" in classes(box)
    assert attrs(box)["aria-describedby"].split() == [
        "id_full_name_helptext",
        "id_full_name_error",
    ]


def test_error_summary_links_to_each_fields_input():
    data = {
        "full_name": "Nobody",
        "date_of_birth_day": "31",
        "date_of_birth_month": "2",
        "date_of_birth_year": "2020",
    }
    form = ExampleForm(data=data)
    tree = crispy(form)
    summary = find(tree, "div", cls="nhsuk-error-summary")
    assert attrs(summary)["tabindex"] == "-1"
    assert attrs(summary)["data-module"] == "nhsuk-error-summary"
    assert find(summary, "div", role="alert")
    assert text(find(summary, "h2")) == "There is a problem"
    hrefs = [attrs(a)["href"] for a in find_all(summary, "a")]
    assert hrefs == [
        "#id_password",
        "#id_contact_0",  # radios: the first option
        "#id_clinic",
        "#id_consent",
        "#id_date_of_birth_0",  # date: the day box
    ]
    # The summary links go to elements that exist on the page.
    for href in hrefs:
        assert find_all(tree, id=href[1:])
    # Non-field errors are listed too, as text.
    items = [text(li) for li in find_all(summary, "li")]
    assert items[0] == "We could not find that person."


def test_radio_errors_mark_the_fieldset():
    tree = crispy(ExampleForm(data={**VALID, "contact": ""}))
    group = form_group_of(tree, "id_contact_0")
    assert "nhsuk-form-group--error" in classes(group)
    fieldset = find(group, "fieldset")
    assert attrs(fieldset)["aria-describedby"].split() == [
        "id_contact_helptext",
        "id_contact_error",
    ]
    assert text(find(group, "span", id="id_contact_error")).endswith("required.")


def date_errors(day, month, year):
    form = ExampleForm(
        data={
            **VALID,
            "date_of_birth_day": day,
            "date_of_birth_month": month,
            "date_of_birth_year": year,
        }
    )
    assert not form.is_valid()
    tree = crispy(form)
    message = text(find(tree, "span", id="id_date_of_birth_error"))
    assert summary_links(tree)[message.removeprefix("Error: ")] == "#id_date_of_birth_0"
    boxes = find_all(find(tree, "div", cls="nhsuk-date-input"), "input")
    assert all("nhsuk-input--error" in classes(box) for box in boxes)
    fieldset = next(
        f for f in find_all(tree, "fieldset") if boxes[0] in list(elements(f))
    )
    assert "id_date_of_birth_error" in attrs(fieldset)["aria-describedby"].split()
    return message.removeprefix("Error: ")


def test_date_that_does_not_exist():
    assert date_errors("31", "2", "2020") == "Enter a real date, for example 27 3 2007."


def test_date_with_letters():
    assert (
        date_errors("1st", "2", "2020") == "Enter a real date, for example 27 3 2007."
    )


def test_date_left_empty():
    assert date_errors("", "", "") == "Enter a date."


def test_date_with_a_part_missing():
    assert date_errors("3", "", "2020") == "Enter a day, a month and a year."


def test_date_in_the_future_when_it_must_be_past():
    next_year = str(datetime.date.today().year + 1)
    assert date_errors("1", "1", next_year) == "The date must be in the past."


def test_valid_date_is_redisplayed_without_errors():
    form = ExampleForm(data=VALID)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == datetime.date(1985, 6, 14)
    tree = crispy(form)
    assert not find_all(tree, "div", cls="nhsuk-error-summary")
    assert attrs(find(tree, "input", id="id_date_of_birth_2"))["value"] == "1985"


# {% crispy %} with and without a FormHelper.


def test_crispy_tag_without_helper_wraps_a_form_with_csrf():
    html = render("{% crispy form %}", form=ExampleForm(), csrf_token="t0ken")
    tree = parse_html(html)
    form = find(tree, "form")
    assert attrs(form)["method"] == "post"
    assert "novalidate" in attrs(form)
    assert find(form, "input", name="csrfmiddlewaretoken", value="t0ken")
    assert find(form, "label", for_="id_full_name")


def test_crispy_tag_with_layout_and_submit_button():
    class LayoutForm(forms.Form):
        name = forms.CharField(label="Name")
        phone = forms.CharField(label="Phone number", required=False)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.helper = FormHelper()
            self.helper.form_id = "contact-form"
            self.helper.layout = Layout(
                Fieldset("Your details", "name", Field("phone", autocomplete="tel")),
                HTML('<p class="nhsuk-body">We only call in office hours.</p>'),
                Div(css_class="app-extra"),
                Submit("save", "Save and continue"),
            )

    tree = parse_html(render("{% crispy form %}", form=LayoutForm(data={})))
    form = find(tree, "form", id="contact-form")
    fieldset = find(form, "fieldset", cls="nhsuk-fieldset")
    assert text(find(fieldset, "legend")) == "Your details"
    assert attrs(find(fieldset, "input", id="id_phone"))["autocomplete"] == "tel"
    assert text(find(fieldset, "label", for_="id_phone")) == "Phone number (optional)"
    assert find(form, "p", cls="nhsuk-body")
    assert find(form, "div", cls="app-extra")
    button = find(form, "button", type="submit")
    assert "nhsuk-button" in classes(button) and text(button) == "Save and continue"
    assert summary_links(tree) == {"This field is required.": "#id_name"}


def test_crispy_tag_without_form_tag_and_with_helper_inputs():
    helper = FormHelper()
    helper.form_tag = False
    helper.add_input(Submit("go", "Continue"))
    html = render("{% crispy form helper %}", form=ExampleForm(), helper=helper)
    tree = parse_html(html)
    assert not find_all(tree, "form")
    assert text(find(tree, "button", type="submit")) == "Continue"


def test_no_inline_script_or_style_in_rendered_forms():
    html = render("{{ form|crispy }}", form=ExampleForm(data={"full_name": ""}))
    assert "<script" not in html
    assert "style=" not in html


# allauth pages through the element templates.


def assert_no_inline_script(html):
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["account_login", "account_reset_password"])
def test_allauth_pages_use_nhsuk_markup(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="nhsuk-heading-l"' in html
    assert len(re.findall(r"<h1\b", html)) == 1
    assert re.search(r'<input[^>]*class="[^"]*\bnhsuk-input\b', html)
    assert re.search(r'<button[^>]*class="nhsuk-button"', html)
    assert_no_inline_script(html)
    assert "style=" not in html
    tree = parse_html(html)
    assert text(
        find(tree, "label", for_="id_login" if "login" in url_name else "id_email")
    )


@pytest.mark.django_db
def test_failed_sign_in_shows_the_error_summary(client, patient):
    response = client.post(
        reverse("account_login"), {"login": patient.user.email, "password": "wrong"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    tree = parse_html(html)
    summary = find(tree, "div", cls="nhsuk-error-summary")
    assert text(find(summary, "h2")) == "There is a problem"
    assert "not correct" in text(summary)
    assert re.search(r"<title>\s*Error:", html)


@pytest.mark.django_db
def test_sign_in_with_empty_fields_links_the_summary_to_each_box(client):
    tree = parse_html(client.post(reverse("account_login"), {}).content.decode())
    summary = find(tree, "div", cls="nhsuk-error-summary")
    hrefs = [attrs(link)["href"] for link in find_all(summary, "a")]
    assert hrefs == ["#id_login", "#id_password"]


@pytest.mark.django_db
def test_correct_sign_in_still_works(client, patient):
    response = client.post(
        reverse("account_login"), {"login": patient.user.email, "password": PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_sign_up_is_closed_with_the_portals_words(client):
    response = client.get(reverse("account_signup"))
    html = response.content.decode()
    assert "invitation" in html
    assert "clinic admin" in html
    assert reverse("questions_or_worries") in html
    assert "<form" not in html.split('id="maincontent"')[1].split("</main>")[0]
    assert 'name="password1"' not in html
    assert len(re.findall(r"<h1\b", html)) == 1
