"""Patients' sessions (read, calendar, cancel, reschedule, pick an offered time) and
therapists' diary and attendance."""

from django.urls import path

from . import session_views as views

urlpatterns = [
    path("my-therapy/", views.my_therapy, name="my_therapy"),
    path("caseload/", views.caseload, name="caseload"),
]
