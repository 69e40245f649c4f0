from django.urls import path

from . import views

# Listed before allauth's URLs, so these take allauth's names and paths.
urlpatterns = [
    # The clinic changes sign-in addresses (they are also where reminders go), so
    # allauth's page to add, remove or switch addresses is replaced by one that says so.
    path("email/", views.your_account, name="account_email"),
    path("keep-alive/", views.keep_alive, name="keep_alive"),
    path(
        "invitation/set-password/",
        views.set_invited_password,
        name="set_invited_password",
    ),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path(
        "email-change/<str:token>/",
        views.confirm_email_change,
        name="confirm_email_change",
    ),
]
