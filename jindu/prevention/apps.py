from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    name = "jindu.prevention"
    label = "prevention"
    verbose_name = _("Prevention and public participation")

    def ready(self):
        from . import checks, satisfaction_source, shell, tasks  # noqa: F401

        # The survey feeds the evaluation's satisfaction item (办法第五条、第十四条（六）).
        satisfaction_source.register_satisfaction_source()
        # The tips recorded by the enforcement area feed the participation indicator.
        from . import enforcement_tips

        enforcement_tips.register()
        # A school account sees its own school only (学校账号): the scoping layer asks here.
        from . import binding

        binding.register()
