"""The Python-rendered widgets give exactly Django's template output."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from jindu.core.renderers import FastRenderer


class Everything(forms.Form):
    text = forms.CharField(max_length=20, help_text="x")
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search", "autofocus": True}))
    number = forms.IntegerField(min_value=0)
    email = forms.EmailField(required=False)
    url = forms.URLField(assume_scheme="https")
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date", "min": "1900-01-01"}))
    moment = forms.DateTimeField()
    time = forms.TimeField()
    flag = forms.BooleanField(required=False)
    upload = forms.FileField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    choice = forms.ChoiceField(
        choices=[("", "全部"), ("a", "甲 <b>"), ("b&c", '乙"丙'), (3, 3)], required=False
    )
    grouped = forms.ChoiceField(
        choices=[("县", [("1", "一"), ("2", "二")]), ("乡", [("3", "三")]), ("4", "四")]
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y"), ("z", "Z")])
    radio = forms.ChoiceField(widget=forms.RadioSelect, choices=[("r", "R"), ("s", "S")])
    boxes = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, choices=[("p", "P"), ("q", "Q")]
    )
    split = forms.SplitDateTimeField()
    disabled = forms.CharField(disabled=True, initial=mark_safe("<i>safe</i>"))


DATA = {
    "text": 'a"b<c>&d',
    "search": "张三",
    "number": "5",
    "email": "",
    "url": "http://x/?a=1&b=2",
    "password": "p<w>",
    "hidden": "h",
    "day": "2026-12-01",
    "moment": "2026-12-01 10:00",
    "time": "10:00",
    "flag": "on",
    "note": "line 1\n<line 2>",
    "choice": "b&c",
    "grouped": "2",
    "many": ["x", "z"],
    "radio": "s",
    "boxes": ["q"],
    "split_0": "2026-12-01",
    "split_1": "09:30",
}


def _render_all(form_kwargs, renderer):
    form = Everything(renderer=renderer, **form_kwargs)
    return {name: str(form[name]) for name in form.fields}, form.as_div()


@pytest.mark.parametrize(
    "form_kwargs",
    [
        {},
        {"data": DATA},
        {"data": {**DATA, "number": "-1", "choice": "nope"}},
        {"initial": {"day": datetime.date(2026, 1, 2), "flag": True, "note": ""}},
        {"auto_id": False},
        {"prefix": "f"},
    ],
)
def test_same_output_as_django(form_kwargs):
    fast, fast_form = _render_all(form_kwargs, FastRenderer())
    slow, slow_form = _render_all(form_kwargs, DjangoTemplates())
    for name in fast:
        assert fast[name] == slow[name], name
    assert fast_form == slow_form


def test_project_forms_render_the_same():
    """Every form the project's areas declare, unbound, gives the same HTML."""
    from jindu.control import forms as control_forms
    from jindu.orgs import forms as orgs_forms

    checked = 0
    for module in (control_forms, orgs_forms):
        for value in vars(module).values():
            if not (isinstance(value, type) and issubclass(value, forms.Form)):
                continue
            if value.__module__ != module.__name__:
                continue
            try:
                fast = value(renderer=FastRenderer())
                slow = value(renderer=DjangoTemplates())
            except TypeError:
                continue  # forms that need a user or an instance
            for name in fast.fields:
                if getattr(fast.fields[name], "queryset", None) is not None:
                    continue  # a database read; the widgets are covered above
                assert str(fast[name]) == str(slow[name]), (value.__name__, name)
                checked += 1
    assert checked > 5


def test_is_the_project_renderer(settings):
    from django.forms.renderers import get_default_renderer

    get_default_renderer.cache_clear()
    try:
        assert isinstance(get_default_renderer(), FastRenderer)
    finally:
        get_default_renderer.cache_clear()
