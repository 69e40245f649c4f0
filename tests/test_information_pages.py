"""The public pages: information about DIT, questions or worries, and the home page.

They are read by anonymous visitors, so they must work without signing in, and every
number or contact detail on them comes from the clinic settings."""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from therapy.clinic.information import INFORMATION_PAGES

SLUGS = list(INFORMATION_PAGES)


class PageParser(HTMLParser):
    """Collects what the tests look at inside <main>: headings, links and text."""

    def __init__(self):
        super().__init__()
        self.in_main = False
        self.headings = []  # [(level, text)]
        self.links = []  # [(href, text)]
        self.attributes = []  # every tag's attributes inside <main>
        self.scripts = 0  # inside <main>
        self.text = []
        self._heading = None
        self._link = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        if not self.in_main:
            return
        if tag == "script":
            self.scripts += 1
        self.attributes.append((tag, attrs))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = (int(tag[1]), [])
        if tag == "a":
            self._link = (attrs.get("href"), [])

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        if re.fullmatch(r"h[1-6]", tag) and self._heading:
            level, parts = self._heading
            self.headings.append((level, " ".join("".join(parts).split())))
            self._heading = None
        if tag == "a" and self._link:
            href, parts = self._link
            self.links.append((href, " ".join("".join(parts).split())))
            self._link = None

    def handle_data(self, data):
        if not self.in_main:
            return
        self.text.append(data)
        if self._heading:
            self._heading[1].append(data)
        if self._link:
            self._link[1].append(data)

    @property
    def main_text(self):
        return " ".join(" ".join(self.text).split())

    @property
    def hrefs(self):
        return [href for href, _ in self.links]


def parse(response):
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, parse(response)


def assert_heading_order(page):
    """One h1, first; no heading level skipped on the way down (h1 > h2 > h3)."""
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1
    assert levels[0] == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, page.headings


@pytest.mark.parametrize("slug", SLUGS)
def test_information_page_is_public_with_one_h1(client, clinic, slug):
    response, page = get(client, reverse("information", args=[slug]))
    assert_heading_order(page)
    assert page.headings[0] == (1, INFORMATION_PAGES[slug])
    assert page.scripts == 0  # CSP: no scripts or style attributes in the page
    assert not [tag for tag, attrs in page.attributes if "style" in attrs]


@pytest.mark.parametrize("slug", SLUGS)
def test_information_page_links_to_the_other_pages(client, clinic, slug):
    response, page = get(client, reverse("information", args=[slug]))
    for other in SLUGS:
        url = reverse("information", args=[other])
        if other == slug:
            assert url not in page.hrefs
        else:
            assert (url, INFORMATION_PAGES[other]) in page.links
    # The current page is in the contents list, marked as the current one.
    current = re.findall(
        r'<li class="nhsuk-contents-list__item" aria-current="page">\s*'
        r'<span class="nhsuk-contents-list__current">([^<]+)</span>',
        response.content.decode(),
    )
    assert [unescape(title) for title in current] == [INFORMATION_PAGES[slug]]


def test_pagination_goes_through_the_pages_in_order(client, clinic):
    for index, slug in enumerate(SLUGS):
        response, page = get(client, reverse("information", args=[slug]))
        html = response.content.decode()
        previous_link = re.search(r'href="([^"]+)" rel="prev"', html)
        next_link = re.search(r'href="([^"]+)" rel="next"', html)
        if index == 0:
            assert previous_link is None
        else:
            assert previous_link[1] == reverse("information", args=[SLUGS[index - 1]])
        if index == len(SLUGS) - 1:
            assert next_link is None
        else:
            assert next_link[1] == reverse("information", args=[SLUGS[index + 1]])


def test_information_index_shows_the_first_page(client, clinic):
    response, page = get(client, reverse("information_index"))
    assert page.headings[0] == (1, INFORMATION_PAGES[SLUGS[0]])


def test_unknown_information_page_is_404(client, clinic):
    response = client.get("/information/not-a-page/")
    assert response.status_code == 404


def test_treatment_page_uses_the_clinic_defaults(client, clinic):
    response, page = get(client, reverse("information", args=["treatment"]))
    text = page.main_text
    assert "16 sessions" in text
    assert "50 minutes" in text
    assert "24 hours" in text
    assert "tel:02079460000" in page.hrefs
    assert "020 7946 0000" in text


def test_treatment_page_numbers_come_from_the_clinic_settings(client, clinic):
    clinic.course_sessions = 12
    clinic.session_minutes = 30
    clinic.cancellation_notice_hours = 48
    clinic.phone = "01632 960 123"
    clinic.save()
    response, page = get(client, reverse("information", args=["treatment"]))
    text = page.main_text
    assert "12 sessions" in text
    assert "30 minutes" in text
    assert "48 hours" in text
    assert "01632 960 123" in text
    assert not re.search(r"\b16\b", text)
    assert "50 minutes" not in text
    assert "24 hours" not in text
    assert "020 7946 0000" not in text


def test_about_page_course_length_comes_from_the_clinic(client, clinic):
    clinic.course_sessions = 8
    clinic.save()
    response, page = get(client, reverse("information", args=["about-dit"]))
    assert "8 weekly sessions" in page.main_text
    assert not re.search(r"\b16\b", page.main_text)


def test_risks_page_points_to_urgent_help(client, clinic):
    response, page = get(client, reverse("information", args=["risks"]))
    assert reverse("questions_or_worries") in page.hrefs
    assert {"tel:111", "tel:999", "tel:116123"} <= set(page.hrefs)
    assert clinic.urgent_help_text in page.main_text


def test_questions_page_is_public_and_shows_the_contacts(client, clinic):
    clinic.address = "Riverside Centre\n1 River Road\nLondon SE1 1AA"
    clinic.pals_hours = "Monday to Thursday, 10am to 4pm"
    clinic.save()
    response, page = get(client, reverse("questions_or_worries"))
    assert_heading_order(page)
    assert page.headings[0] == (1, "Questions or worries")
    text = page.main_text
    html = response.content.decode()
    # Urgent help first: the warning callout comes before anything else.
    assert page.headings[1][1].endswith("If you need help now")
    assert "NHS 111" in text
    assert "116 123" in text
    assert {"tel:111", "tel:999", "tel:116123"} <= set(page.hrefs)
    # The clinic.
    assert "Riverside Psychological Therapies" in text
    assert "tel:02079460000" in page.hrefs
    assert "Riverside Centre<br>1 River Road<br>London SE1 1AA" in html
    # PALS.
    assert "0800 123 4567" in text
    assert "tel:08001234567" in page.hrefs
    assert ("mailto:pals@riverside.example.test", "pals@riverside.example.test") in (
        page.links
    )
    assert "Monday to Thursday, 10am to 4pm" in text


def test_questions_page_hides_a_blank_pals_email(client, clinic):
    clinic.pals_email = ""
    clinic.save()
    response, page = get(client, reverse("questions_or_worries"))
    assert "mailto:" not in response.content.decode()
    assert "Email:" not in page.main_text
    assert "0800 123 4567" in page.main_text


def test_questions_page_without_any_pals_details(client, clinic):
    clinic.pals_phone = ""
    clinic.pals_email = ""
    clinic.pals_hours = ""
    clinic.address = ""
    clinic.save()
    response, page = get(client, reverse("questions_or_worries"))
    text = page.main_text
    assert "Telephone: 0800" not in text
    assert "Opening hours" not in text
    assert "Address" not in text
    assert "Ask the clinic for PALS contact details." in text


def test_home_page_for_visitors(client, clinic):
    response, page = get(client, reverse("home"))
    assert_heading_order(page)
    assert page.headings[0] == (1, "Riverside Psychological Therapies")
    assert (reverse("account_login"), "Sign in") in page.links
    assert "You cannot create an account yourself" in page.main_text
    assert not [href for href in page.hrefs if "signup" in href]
    for slug in SLUGS:
        assert reverse("information", args=[slug]) in page.hrefs
    assert reverse("questions_or_worries") in page.hrefs


def test_home_page_sends_signed_in_people_to_their_own_home(patient_client):
    response = patient_client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("my_therapy")
