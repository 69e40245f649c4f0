from django.urls import path

from . import views

urlpatterns = [
    path("clinic/messages/", views.message_log, name="message_log"),
    path(
        "clinic/messages/<int:pk>/resend/",
        views.message_resend,
        name="message_resend",
    ),
]
