"""The focus agreement, the goodbye letter and discharge."""

from django.urls import path

from . import views

urlpatterns = [
    path("courses/<uuid:public_id>/focus/", views.focus_history, name="focus_history"),
    path(
        "courses/<uuid:public_id>/focus/draft/", views.focus_draft, name="focus_draft"
    ),
    path("focus/<uuid:public_id>/", views.focus_detail, name="focus_detail"),
    path("focus/<uuid:public_id>/share/", views.share_focus, name="share_focus"),
    path(
        "my-therapy/focus/<uuid:public_id>/", views.patient_focus, name="patient_focus"
    ),
    path(
        "courses/<uuid:public_id>/goodbye-letter/",
        views.letter_edit,
        name="letter_edit",
    ),
    path(
        "goodbye-letters/<uuid:public_id>/", views.letter_detail, name="letter_detail"
    ),
    path(
        "goodbye-letters/<uuid:public_id>/share/",
        views.share_letter,
        name="share_letter",
    ),
    path(
        "goodbye-letters/<uuid:public_id>/goodbye-letter.pdf",
        views.letter_download,
        name="letter_pdf",
    ),
    path(
        "courses/<uuid:public_id>/discharge/",
        views.discharge,
        name="discharge_course",
    ),
]
