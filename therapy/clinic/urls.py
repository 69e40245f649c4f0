"""Clinic settings and the information pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("clinic/settings/", views.clinic_settings, name="clinic_settings"),
    path("clinic/risk-flags/", views.open_risk_flags, name="open_risk_flags"),
    path("information/", views.information, name="information_index"),
    path("information/<slug:slug>/", views.information, name="information"),
    path(
        "questions-or-worries/",
        views.questions_or_worries,
        name="questions_or_worries",
    ),
]
