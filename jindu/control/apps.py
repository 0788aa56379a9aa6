from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ControlConfig(AppConfig):
    name = "jindu.control"
    label = "control"
    verbose_name = _("People under control")

    def ready(self):
        from . import checks  # noqa: F401  (registers the policy check)
