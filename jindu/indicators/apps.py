from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "jindu.indicators"
    label = "indicators"
    verbose_name = _("The Plan's cockpit")

    def ready(self):
        from . import checks, shell, tasks  # noqa: F401
