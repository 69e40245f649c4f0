from django.urls import path

from . import views

urlpatterns = [
    path("", views.audit_events, name="audit_events"),
    path("audit-trail.csv", views.audit_events_csv, name="audit_events_csv"),
]
