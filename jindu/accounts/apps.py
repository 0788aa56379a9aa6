from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jindu.accounts"
    label = "accounts"

    def ready(self):
        from . import lockouts, signals  # noqa: F401
