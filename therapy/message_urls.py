from django.urls import path

from . import message_views

urlpatterns = [
    path("clinic/messages/", message_views.message_log, name="message_log"),
    path(
        "clinic/messages/<int:pk>/resend/",
        message_views.message_resend,
        name="message_resend",
    ),
]
