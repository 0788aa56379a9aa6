from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jindu.accounts"
    label = "accounts"
