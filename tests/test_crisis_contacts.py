"""A patient can always find urgent help (hazard H11 in docs/clinical-safety.md): every
page a patient can open, the error pages and the signed-out pages carry the clinic's
urgent-help words, its phone and PALS in the footer, so nobody has to hunt for them
in a crisis or when the portal is failing."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from .permission_world import build
from .test_permission_matrix import EXPECTED, ROLES

pytestmark = pytest.mark.django_db


def footer(html):
    assert html.count("<footer") == 1
    return html.split("<footer", 1)[1]


def assert_contacts(html, clinic):
    bottom = footer(html)
    assert escape(clinic.urgent_help_text) in bottom
    assert clinic.phone in bottom
    assert clinic.pals_phone in bottom
    assert reverse("questions_or_worries") in bottom


def test_every_page_a_patient_can_open_shows_urgent_help_and_the_clinic(
    clock, course, patient, other_patient, other_therapist, room, clinic
):
    clinic.urgent_help_text = "Call the crisis line on 0800 000 1111 at any time."
    clinic.save()
    world = build(clock, course, other_patient, other_therapist, room)
    args = world.args(None)
    client = Client()
    client.force_login(patient.user)
    pages = []
    for name, (kind, get, _post) in sorted(EXPECTED.items()):
        if get[ROLES.index("patient_a")] != 200:
            continue
        url = reverse(name, args=args[kind] if kind else [])
        # The matrix posts before it gets; here a page not reached yet (the "sent"
        # page of a questionnaire still a draft) sends the patient where they belong.
        response = client.get(url, follow=True)
        assert response.status_code == 200, name
        if response["Content-Type"].startswith("text/html"):
            assert_contacts(response.content.decode(), clinic)
            pages.append(name)
    # My therapy, its sessions, questionnaires, focus, letter, information pages...
    assert {"my_therapy", "questionnaire_page", "questions_or_worries"} <= set(pages)
    assert len(pages) >= 12


@pytest.mark.parametrize("signed_in", [True, False])
def test_error_and_sign_in_pages_show_urgent_help_too(
    client, patient, clinic, signed_in
):
    if signed_in:
        client.force_login(patient.user)
        forbidden = client.get(reverse("caseload"))
        assert forbidden.status_code == 403
        assert_contacts(forbidden.content.decode(), clinic)
    else:
        assert_contacts(client.get(reverse("account_login")).content.decode(), clinic)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert_contacts(missing.content.decode(), clinic)
