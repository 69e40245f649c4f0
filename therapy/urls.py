from django.urls import include, path

from . import views

urlpatterns = [
    path("", include("therapy.schedule_urls")),
    path("", include("therapy.session_urls")),
    path("", include("therapy.focus_urls")),
    path("", include("therapy.message_urls")),
    path("clinic/settings/", views.clinic_settings, name="clinic_settings"),
    path("information/", views.information, name="information_index"),
    path("information/<slug:slug>/", views.information, name="information"),
    path(
        "questions-or-worries/",
        views.questions_or_worries,
        name="questions_or_worries",
    ),
]
