"""Form widgets shared by every area.

``PickerSelect`` / ``PickerSelectMultiple`` turn a model choice into a searchable picker
(Tom Select, vendored, wired in ``static/js/app.js``). They render only the chosen option(s),
so a form offering 1,273 positions sends a few bytes, and the browser asks the scoped
endpoint ``/pick/<source>/`` as the clerk types. Without the script the field is still a
plain select of the chosen value.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class _PickerMixin:
    def __init__(self, source: str, *, params: dict | None = None, attrs=None):
        super().__init__(attrs=attrs)
        self.source = source
        self.params = dict(params or {})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        url = reverse("pick", args=[self.source])
        if self.params:
            url += "?" + urlencode(self.params)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-picker"] = url
        widget_attrs["data-placeholder"] = str(_("Type a name, code or pinyin initials"))
        return context

    def optgroups(self, name, value, attrs=None):
        # Only the selected rows: iterating the whole queryset is what made forms slow.
        chosen = [str(v) for v in (value or []) if v not in (None, "")]
        options = []
        queryset = getattr(self.choices, "queryset", None)
        if not self.allow_multiple_selected:
            empty = getattr(self.choices, "field", None)
            label = getattr(empty, "empty_label", None) or ""
            options.append(self.create_option(name, "", label, not chosen, 0, attrs=attrs))
        if chosen and queryset is not None:
            field = self.choices.field
            for index, obj in enumerate(queryset.filter(pk__in=chosen), start=1):
                options.append(
                    self.create_option(
                        name,
                        str(obj.pk),
                        field.label_from_instance(obj),
                        True,
                        index,
                        attrs=attrs,
                    )
                )
        return [(None, options, 0)]


class PickerSelect(_PickerMixin, forms.Select):
    pass


class PickerSelectMultiple(_PickerMixin, forms.SelectMultiple):
    pass


def use_picker(field, source: str, **params) -> None:
    """Make a (Model)ChoiceField of a form a picker of ``source`` with fixed ``params``."""
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    widget_class = PickerSelectMultiple if multiple else PickerSelect
    field.widget = widget_class(source, params={k: v for k, v in params.items() if v})
    field.widget.choices = field.choices
