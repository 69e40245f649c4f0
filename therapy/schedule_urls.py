"""Clinic admins' scheduling pages (rooms, hours, closures, waiting list, courses,
week views, moving and cancelling sessions)."""

from django.urls import path

from . import schedule_views as views

urlpatterns = [
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/waiting-list/", views.waiting_list, name="waiting_list"),
    path(
        "schedule/patients/<uuid:public_id>/therapist/",
        views.assign_therapist,
        name="assign_therapist",
    ),
    path(
        "schedule/patients/<uuid:public_id>/plan/",
        views.plan_course,
        name="plan_course",
    ),
    path(
        "schedule/patients/<uuid:public_id>/offer/",
        views.offer_slots,
        name="offer_slots",
    ),
    path(
        "schedule/sessions/<uuid:public_id>/move/",
        views.move_session,
        name="admin_move_session",
    ),
    path(
        "schedule/sessions/<uuid:public_id>/cancel/",
        views.cancel_session,
        name="admin_cancel_session",
    ),
    path("schedule/resources/", views.resources, name="resources"),
    path("schedule/rooms/", views.rooms, name="rooms"),
    path("schedule/rooms/<int:pk>/", views.edit_room, name="edit_room"),
    path("schedule/hours/", views.working_hours, name="working_hours"),
    path("schedule/hours/<int:pk>/", views.therapist_hours, name="therapist_hours"),
    path(
        "schedule/hours/block/<int:pk>/remove/",
        views.remove_hours,
        name="remove_hours",
    ),
    path("schedule/closures/", views.closures, name="closures"),
    path("schedule/closures/<int:pk>/", views.closure_detail, name="closure_detail"),
    path(
        "schedule/closures/<int:pk>/delete/",
        views.delete_closure,
        name="delete_closure",
    ),
]
