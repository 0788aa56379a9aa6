from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "jindu.enforcement"
    label = "enforcement"
    verbose_name = _("Enforcement")

    def ready(self):
        from . import checks  # noqa: F401  (registers the rule-book check)
