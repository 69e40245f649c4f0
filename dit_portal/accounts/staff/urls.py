from django.urls import path

from . import views

urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("invite/", views.invite_staff, name="invite_staff"),
    path("<int:pk>/", views.staff_detail, name="staff_detail"),
    path("<int:pk>/details/", views.edit_staff, name="edit_staff"),
    path("<int:pk>/deactivate/", views.deactivate_staff, name="deactivate_staff"),
    path("<int:pk>/reactivate/", views.reactivate_staff, name="reactivate_staff"),
    path("<int:pk>/two-factor/", views.reset_staff_mfa, name="reset_staff_mfa"),
    path("<int:pk>/hand-over/", views.hand_over, name="hand_over"),
    path(
        "<int:pk>/invitation/",
        views.resend_staff_invitation,
        name="resend_staff_invitation",
    ),
]
