from django.urls import path

from . import views

urlpatterns = [
    path(
        "invitation/set-password/",
        views.set_invited_password,
        name="set_invited_password",
    ),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
