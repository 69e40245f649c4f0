"""The therapist's clinical notes (included from therapy.session_urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "diary/sessions/<uuid:public_id>/note/",
        views.write_note,
        name="write_note",
    ),
    path("notes/<uuid:public_id>/", views.note_detail, name="note_detail"),
    path("notes/<uuid:public_id>/edit/", views.edit_note, name="edit_note"),
    path("notes/<uuid:public_id>/sign/", views.sign_note, name="sign_note"),
    path(
        "notes/<uuid:public_id>/addenda/",
        views.add_addendum,
        name="add_addendum",
    ),
]
