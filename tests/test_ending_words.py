"""What a patient reads when therapy has ended, and while they wait for it to start."""

from django.urls import reverse

from therapy.ending import discharge

from .focus_helpers import begin_session
from .test_clinic_settings import settings_form

URGENT = "If you need help now"
CANCEL_ONLINE = "To cancel or change a session online"


def test_after_discharge_unused_sessions_were_not_needed(patient_client, course, clock):
    begin_session(clock, course, 10)
    course.sessions.filter(number=8).update(
        status="cancelled_clinic", change_reason="Room works"
    )
    discharge.discharge_course(course, by=course.therapist, status="completed")
    html = patient_client.get(reverse("my_therapy")).content.decode()
    assert html.count("Not needed: therapy ended") == 6  # sessions 11 to 16
    assert html.count("Cancelled by the clinic") == 1  # session 8, before the end
    assert CANCEL_ONLINE not in html
    assert "If you cancel or miss a session" not in html
    assert "If you need help again" in html
    assert "Talk to your GP" in html
    assert "refer yourself" in html
    assert URGENT in html


def test_during_therapy_the_page_still_explains_changes_online(patient_client, course):
    html = patient_client.get(reverse("my_therapy")).content.decode()
    assert CANCEL_ONLINE in html
    assert "If you need help again" not in html
    assert "Not needed" not in html


def test_a_waiting_patient_sees_the_typical_wait_and_what_to_do_meanwhile(
    patient_client, clinic
):
    html = patient_client.get(reverse("my_therapy")).content.decode()
    assert "While you wait" in html
    assert "Most people wait" not in html  # blank: not shown
    assert URGENT in html

    clinic.typical_wait_weeks = 6
    clinic.save()
    html = patient_client.get(reverse("my_therapy")).content.decode()
    assert "Most people wait about 6 weeks for their first session." in html


def test_the_clinic_sets_the_typical_wait(client, clinic_admin, clinic):
    client.force_login(clinic_admin)
    url = reverse("clinic_settings")
    client.post(url, settings_form(clinic, typical_wait_weeks="8"))
    clinic.refresh_from_db()
    assert clinic.typical_wait_weeks == 8
    client.post(url, settings_form(clinic, typical_wait_weeks=""))
    clinic.refresh_from_db()
    assert clinic.typical_wait_weeks is None
