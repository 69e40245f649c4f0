from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.reports, name="reports"),
    path("reports/waiting/", views.waiting, name="report_waiting"),
    path("reports/waiting.csv", views.waiting_csv, name="report_waiting_csv"),
    path("reports/attendance/", views.attendance, name="report_attendance"),
    path("reports/attendance.csv", views.attendance_csv, name="report_attendance_csv"),
    path("reports/outcomes/", views.outcomes, name="report_outcomes"),
    path("reports/outcomes.csv", views.outcomes_csv, name="report_outcomes_csv"),
    path("reports/caseload/", views.caseload, name="report_caseload"),
    path("reports/caseload.csv", views.caseload_csv, name="report_caseload_csv"),
    path("reports/extract.csv", views.extract_csv, name="report_extract_csv"),
]
