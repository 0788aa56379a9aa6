"""Searchable pickers: one JSON endpoint per kind of thing to choose, scoped to the user.

Every choice of a unit, a position, a person or a user is a picker: the form field keeps its
scoped queryset (so validation is unchanged and refuses anything outside it) while the widget
renders only the chosen value and asks ``/pick/<source>/?q=…`` for the rest. Each area
registers its sources in its ``shell.py`` (``core`` imports no domain app):

    @picker_source("units")
    def units(user, q, params):  # -> queryset or list of objects
        ...
    # and a label function for the results

A source returns at most ``LIMIT`` results; the client sends what was typed (name, code or
pinyin initials) and the widget's fixed parameters (e.g. ``level=township``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

LIMIT = 20


@dataclass(frozen=True)
class Choice:
    value: int | str
    text: str
    detail: str = ""

    def as_json(self) -> dict:
        return {"value": str(self.value), "text": self.text, "detail": self.detail}


@dataclass(frozen=True)
class Source:
    name: str
    # (user, q, params) -> iterable of model instances, already scoped and ordered
    search: Callable
    # instance -> Choice
    choice: Callable


_sources: dict[str, Source] = {}


def picker_source(name: str, *, choice: Callable):
    """Register ``fn(user, q, params)`` as the picker ``name``; ``choice(obj)`` labels a row."""

    def wrap(fn):
        _sources[name] = Source(name, fn, choice)
        return fn

    return wrap


def get_source(name: str) -> Source | None:
    return _sources.get(name)


def split_param(params, name: str) -> list[str]:
    """``level=township,village`` → ``["township", "village"]``."""
    return [v for v in (params.get(name) or "").split(",") if v]


def text_filter(q: str, *, name: str, key: str = "search_key", code: str | None = None):
    """The Q for "what the clerk typed": part of the name, the start of the pinyin initials
    (indexed) or the start of the code."""
    from django.db.models import Q

    q = q.strip()
    if not q:
        return Q()
    cond = Q(**{f"{name}__icontains": q})
    if q.isascii():
        cond |= Q(**{f"{key}__startswith": q.lower()})
        if code:
            cond |= Q(**{f"{code}__startswith": q})
    return cond
