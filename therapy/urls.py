from django.urls import include, path

urlpatterns = [
    path("", include("therapy.scheduling.urls")),
    path("", include("therapy.notes.urls")),
    path("", include("therapy.ending.urls")),
    path("", include("therapy.clinic.urls")),
    path("", include("therapy.reports.urls")),
]
