from django.urls import path

from . import record_views, views

urlpatterns = [
    path("", views.patient_list, name="patient_list"),
    path("invite/", views.invite, name="invite_patient"),
    path("search/", views.patient_search, name="patient_search"),
    path(
        "my-contact-preferences/",
        views.contact_preferences,
        name="contact_preferences",
    ),
    path("my-record-access/", record_views.my_record_access, name="my_record_access"),
    path("my-information/", record_views.my_information, name="my_information"),
    path(
        "my-information/download.<str:fmt>",
        record_views.my_information_download,
        name="my_information_download",
    ),
    path(
        "<uuid:public_id>/copies/",
        record_views.subject_access_requests,
        name="subject_access_requests",
    ),
    path("copies/", record_views.subject_access_reviews, name="subject_access_reviews"),
    path(
        "copies/<uuid:public_id>/information.<str:fmt>",
        record_views.subject_access_copy,
        name="subject_access_copy",
    ),
    path(
        "copies/<uuid:public_id>/review/",
        record_views.review_subject_access,
        name="review_subject_access",
    ),
    path(
        "copies/<uuid:public_id>/release/",
        record_views.release_subject_access,
        name="release_subject_access",
    ),
    path("<uuid:public_id>/", views.patient_detail, name="patient_detail"),
    path(
        "<uuid:public_id>/invitation/",
        views.resend_invitation,
        name="resend_invitation",
    ),
    path("<uuid:public_id>/refer-again/", views.refer_again, name="refer_again"),
    path("<uuid:public_id>/audit/", views.audit_log, name="audit_log"),
    path("<uuid:public_id>/details/", views.edit_patient, name="edit_patient"),
]
