from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jindu.api"
    label = "api"
