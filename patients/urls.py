from django.urls import path

from . import views

urlpatterns = [
    path("", views.patient_list, name="patient_list"),
    path("invite/", views.invite, name="invite_patient"),
    path("search/", views.patient_search, name="patient_search"),
    path(
        "my-contact-preferences/",
        views.contact_preferences,
        name="contact_preferences",
    ),
    path("<uuid:public_id>/", views.patient_detail, name="patient_detail"),
    path(
        "<uuid:public_id>/invitation/",
        views.resend_invitation,
        name="resend_invitation",
    ),
    path("<uuid:public_id>/audit/", views.audit_log, name="audit_log"),
    path("<uuid:public_id>/details/", views.edit_patient, name="edit_patient"),
]
