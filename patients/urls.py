from django.urls import path

from . import views

urlpatterns = [
    path("", views.patient_list, name="patient_list"),
    path("invite/", views.invite, name="invite_patient"),
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
    path("<uuid:public_id>/refer-again/", views.refer_again, name="refer_again"),
    path("<uuid:public_id>/audit/", views.audit_log, name="audit_log"),
]
