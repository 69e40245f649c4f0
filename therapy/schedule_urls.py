"""Clinic admins' scheduling pages (rooms, hours, closures, waiting list, courses,
week views, moving and cancelling sessions)."""

from django.urls import path

from . import schedule_views as views

urlpatterns = [
    path("schedule/", views.schedule, name="schedule"),
]
