from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrecursorsConfig(AppConfig):
    name = "jindu.precursors"
    label = "precursors"
    verbose_name = _("Precursor chemicals and controlled medicines")

    def ready(self):
        from . import checks  # noqa: F401  (registers the policy check)
