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

        _bound_form_dates()

        for config in apps.get_app_configs():
            if not config.name.startswith("jindu."):
                continue
            for module in AREA_MODULES:
                try:
                    import_module(f"{config.name}.{module}")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.{module}":
                        raise


def _bound_form_dates() -> None:
    """Every date and time typed into a page stays within the range the API accepts
    (``core.filters.EARLIEST``..``LATEST``, times from ``EARLIEST_MOMENT``): a date like
    9999-12-31 means nothing here, and adding a period to it overflows (a 500). One place
    for every form, declared or made from a model field, as ``api.apps`` does for the API's
    fields. It runs before the areas' modules are imported, so every form field is made
    after it."""
    from django import forms
    from django.utils import timezone
    from django.utils.translation import gettext

    from .filters import EARLIEST, EARLIEST_MOMENT, LATEST

    if getattr(forms.DateField, "_jindu_bounded", False):
        return
    date_to_python = forms.DateField.to_python
    moment_to_python = forms.DateTimeField.to_python

    def date_in_range(self, value):
        parsed = date_to_python(self, value)
        if parsed is not None and not EARLIEST <= parsed <= LATEST:
            raise forms.ValidationError(
                gettext("Enter a date between %(first)s and %(last)s.")
                % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()},
                code="date_range",
            )
        return parsed

    def moment_in_range(self, value):
        parsed = moment_to_python(self, value)
        if parsed is not None:
            day = timezone.localtime(parsed).date() if timezone.is_aware(parsed) else parsed.date()
            if not EARLIEST_MOMENT <= day <= LATEST:
                raise forms.ValidationError(
                    gettext("Enter a time between %(first)s and %(last)s.")
                    % {"first": EARLIEST_MOMENT.isoformat(), "last": LATEST.isoformat()},
                    code="date_range",
                )
        return parsed

    forms.DateField.to_python = date_in_range
    forms.DateTimeField.to_python = moment_in_range
    forms.DateField._jindu_bounded = True
