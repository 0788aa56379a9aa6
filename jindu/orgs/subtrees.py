"""Many subtrees at once: the cockpit's refresh computes the figures of many townships in one
grouped query per figure, each row counted for every unit whose subtree holds it."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Q


def subtrees_q(units: Iterable, lookup: str = "path") -> Q:
    """Rows whose ``lookup`` (a unit path) lies in the subtree of any of ``units``."""
    condition = Q(pk__in=[])
    for u in units:
        condition |= Q(**{f"{lookup}__startswith": u.path})
    return condition


def owners_of(units: Iterable) -> Callable[[str | None], list[int]]:
    """A function: a unit path → the pks of the units of ``units`` whose subtree holds it
    (every enclosing one, so nested units each count the row)."""
    by_path: dict[str, list[int]] = {}
    for u in units:
        by_path.setdefault(u.path, []).append(u.pk)

    def owners(path: str | None) -> list[int]:
        parts = (path or "").strip("/").split("/")
        found: list[int] = []
        for i in range(1, len(parts) + 1):
            found += by_path.get("/" + "/".join(parts[:i]) + "/", [])
        return found

    return owners
