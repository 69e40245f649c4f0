from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dit_portal.accounts"
    label = "accounts"
    verbose_name = "Accounts"
