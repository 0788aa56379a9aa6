from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "jindu.policy"
    label = "policy"
    verbose_name = _("Policies")

    def ready(self):
        from . import checks  # noqa: F401
