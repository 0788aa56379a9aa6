from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Modules an area may provide; core imports them by name so that it imports no domain app:
# ``tasks`` registers scheduled jobs, ``shell`` its menu entries and home-page tiles
# (jindu.core.registry), ``subscribers`` its handlers of lower areas' domain events
# (jindu.core.events), ``pickers`` its picker sources (jindu.core.pickers).
AREA_MODULES = ("tasks", "shell", "subscribers", "pickers")


class CoreConfig(AppConfig):
    name = "jindu.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self):
        from importlib import import_module

        from django.apps import apps

        for config in apps.get_app_configs():
            if not config.name.startswith("jindu."):
                continue
            for module in AREA_MODULES:
                try:
                    import_module(f"{config.name}.{module}")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.{module}":
                        raise
