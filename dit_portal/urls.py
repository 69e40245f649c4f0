from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "DIT Portal administration"
admin.site.login = secure_admin_login(admin.site.login)  # sign in (and MFA) via allauth

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("dit_portal.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("patients/", include("patients.urls")),
    path("clinic/staff/", include("dit_portal.accounts.staff.urls")),
    path("clinic/audit/", include("dit_portal.audit.urls")),
    path("", include("therapy.urls")),
    path("", include("messaging.urls")),
    path("", include("questionnaires.urls")),
    path("django-admin/", admin.site.urls),
]

handler403 = "dit_portal.views.error_403"
handler404 = "dit_portal.views.error_404"
