"""The form renderer: Django's own, with its plainest widget templates done in Python.

Django renders every ``<input>``, ``<select>`` and each ``<option>`` through a template
include (``select.html`` includes ``select_option.html`` once per option, and each of those
includes ``attrs.html``). On a list page the filter form's few dozen options were a third of
the page's template time. The templates below are short and fixed; this renderer produces
exactly their output (same attribute order, escaping and whitespace, down to the newline
Django leaves after each included option) and hands every other
template — a project's own widget, radio lists, multi-widgets — to Django unchanged.
``jindu/core/tests/test_renderers.py`` compares both renderers' output widget by widget.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape


def _attrs(attrs: dict) -> str:
    # attrs.html: False leaves the attribute out, True writes its bare name.
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{conditional_escape(option["value"])}"'
        f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>"
    )


_OPTION = "django/forms/widgets/select_option.html"


def _select(widget: dict, fallback) -> str:
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] == _OPTION:
                out.append(f"\n  {_option(option)}\n")
            else:
                out.append(f"\n  {fallback(option['template_name'], {'widget': option})}\n")
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


_INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
        "checkbox",
        "file",
    )
)


class FastRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None:
            if template_name in _INPUTS:
                return _input(widget)
            if template_name == "django/forms/widgets/select.html":
                return _select(widget, self._fallback)
            if template_name == _OPTION:
                return _option(widget)
            if template_name == "django/forms/widgets/textarea.html":
                return _textarea(widget).strip()
        return super().render(template_name, context, request)

    def _fallback(self, template_name, context):
        return super().render(template_name, context)
