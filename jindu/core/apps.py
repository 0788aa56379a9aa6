from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jindu.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self):
        # Register every area's scheduled jobs.
        from importlib import import_module

        from django.apps import apps

        for config in apps.get_app_configs():
            if config.name.startswith("jindu."):
                try:
                    import_module(f"{config.name}.tasks")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.tasks":
                        raise
