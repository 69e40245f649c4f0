"""Patients' sessions end after PATIENT_IDLE_TIMEOUT_MINUTES without a request, like
staff's; the notice before it and its "Stay signed in" keep-alive."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def expiry_left(client):
    session = Session.objects.get(session_key=client.session.session_key)
    return session.expire_date - timezone.now()


def test_a_patient_session_ends_after_30_idle_minutes(client, patient, clock):
    client.force_login(patient.user)
    assert client.get(reverse("my_therapy")).status_code == 200
    left = expiry_left(client)
    assert datetime.timedelta(minutes=29) < left <= datetime.timedelta(minutes=30)

    clock.move_to(timezone.now() + datetime.timedelta(minutes=31), sign_in_again=False)
    response = client.get(reverse("my_therapy"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_stay_signed_in_pushes_the_expiry_on(client, patient, clock):
    client.force_login(patient.user)
    client.get(reverse("my_therapy"))
    clock.move_to(timezone.now() + datetime.timedelta(minutes=27), sign_in_again=False)
    assert client.post(reverse("keep_alive")).status_code == 204
    assert expiry_left(client) > datetime.timedelta(minutes=29)

    clock.move_to(timezone.now() + datetime.timedelta(minutes=20), sign_in_again=False)
    assert client.get(reverse("my_therapy")).status_code == 200  # 47 min after sign-in


def test_keep_alive_after_the_time_out_does_not_sign_anyone_in(client, patient, clock):
    client.force_login(patient.user)
    client.get(reverse("my_therapy"))
    clock.move_to(timezone.now() + datetime.timedelta(minutes=31), sign_in_again=False)
    assert client.post(reverse("keep_alive")).status_code == 401
    assert client.get(reverse("my_therapy")).status_code == 302
    assert client.get(reverse("keep_alive")).status_code == 405


def test_the_notice_is_on_signed_in_pages_only(client, patient, settings):
    settings.PATIENT_IDLE_TIMEOUT_SECONDS = 20 * 60
    assert b'id="idle-notice"' not in client.get(reverse("account_login")).content
    client.force_login(patient.user)
    page = client.get(reverse("my_therapy")).content.decode()
    assert 'data-idle-timeout="1200"' in page
    assert 'data-idle-left="1200"' in page
    assert 'data-idle-warning="300"' in page
    assert "Stay signed in" in page
    assert "<script>" not in page  # the module is a file (CSP: 'self' scripts only)


def test_the_sign_in_page_says_why_after_a_time_out(client):
    page = client.get(reverse("account_login") + "?timed_out=1")
    assert b"You were signed out because you had not used the portal" in page.content
