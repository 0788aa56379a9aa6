from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jindu.core"
    label = "core"
