"""Patients' sessions (read, calendar, cancel, reschedule, pick an offered time) and
therapists' diary and attendance; the clinical notes (therapy.note_urls) are included here."""

from django.urls import include, path

from . import session_views as views

urlpatterns = [
    path("my-therapy/", views.my_therapy, name="my_therapy"),
    path(
        "my-therapy/sessions/<uuid:public_id>/cancel/",
        views.cancel_session,
        name="cancel_session",
    ),
    path(
        "my-therapy/sessions/<uuid:public_id>/change-time/",
        views.reschedule_session,
        name="reschedule_session",
    ),
    path(
        "calendar/sessions/<uuid:public_id>.ics",
        views.session_calendar,
        name="session_calendar",
    ),
    path(
        "calendar/courses/<uuid:public_id>.ics",
        views.course_calendar,
        name="course_calendar",
    ),
    path("caseload/", views.caseload, name="caseload"),
    path("diary/", views.diary, name="diary"),
    path(
        "diary/sessions/<uuid:public_id>/attendance/",
        views.record_attendance,
        name="record_attendance",
    ),
    path(
        "courses/<uuid:public_id>/timeline/",
        views.course_timeline,
        name="course_timeline",
    ),
    path("", include("therapy.note_urls")),
]
