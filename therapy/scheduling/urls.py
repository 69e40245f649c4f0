"""Scheduling pages: clinic admins' (rooms, hours, closures, waiting list, courses,
week views, moving and cancelling sessions), patients' (My therapy, cancel, move,
calendar files) and therapists' (caseload, diary, attendance, course timeline)."""

from django.urls import path

from .views import admin, patient, resources, therapist

urlpatterns = [
    path("schedule/", admin.schedule, name="schedule"),
    path("schedule/waiting-list/", admin.waiting_list, name="waiting_list"),
    path(
        "schedule/patients/<uuid:public_id>/therapist/",
        admin.assign_therapist,
        name="assign_therapist",
    ),
    path(
        "schedule/patients/<uuid:public_id>/plan/",
        admin.plan_course,
        name="plan_course",
    ),
    path(
        "schedule/patients/<uuid:public_id>/offer/",
        admin.offer_slots,
        name="offer_slots",
    ),
    path(
        "schedule/sessions/<uuid:public_id>/move/",
        admin.move_session,
        name="admin_move_session",
    ),
    path(
        "schedule/sessions/<uuid:public_id>/cancel/",
        admin.cancel_session,
        name="admin_cancel_session",
    ),
    path("schedule/resources/", resources.resources, name="resources"),
    path("schedule/rooms/", resources.rooms, name="rooms"),
    path("schedule/rooms/<int:pk>/", resources.edit_room, name="edit_room"),
    path("schedule/hours/", resources.working_hours, name="working_hours"),
    path("schedule/hours/<int:pk>/", resources.therapist_hours, name="therapist_hours"),
    path(
        "schedule/hours/block/<int:pk>/remove/",
        resources.remove_hours,
        name="remove_hours",
    ),
    path("schedule/closures/", resources.closures, name="closures"),
    path(
        "schedule/closures/<int:pk>/", resources.closure_detail, name="closure_detail"
    ),
    path(
        "schedule/closures/<int:pk>/delete/",
        resources.delete_closure,
        name="delete_closure",
    ),
    # Patients' sessions and therapists' diary.
    path("my-therapy/", patient.my_therapy, name="my_therapy"),
    path(
        "my-therapy/sessions/<uuid:public_id>/cancel/",
        patient.cancel_session,
        name="cancel_session",
    ),
    path(
        "my-therapy/sessions/<uuid:public_id>/change-time/",
        patient.reschedule_session,
        name="reschedule_session",
    ),
    path(
        "calendar/sessions/<uuid:public_id>.ics",
        patient.session_calendar,
        name="session_calendar",
    ),
    path(
        "calendar/courses/<uuid:public_id>.ics",
        patient.course_calendar,
        name="course_calendar",
    ),
    path("caseload/", therapist.caseload, name="caseload"),
    path("diary/", therapist.diary, name="diary"),
    path(
        "diary/sessions/<uuid:public_id>/attendance/",
        therapist.record_attendance,
        name="record_attendance",
    ),
    path(
        "courses/<uuid:public_id>/timeline/",
        therapist.course_timeline,
        name="course_timeline",
    ),
]
