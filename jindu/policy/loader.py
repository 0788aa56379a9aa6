"""Reading and validating the Measures' policy file (rectification and accountability).

Every rule book — this one, the control book, the county plan and the area books
(enforcement, precursors, prevention, indicators) — is described by a pydantic schema on the
one schema-driven loader, ``jindu.policy.book``; this one's schema is
``jindu.policy.measures``. Every problem names the file, the key and what is wrong
(``PolicyError``: ``policies/x.toml: levels[0].period_months: must be a whole number ≥ 1``),
so a county editing its own rules sees exactly where the file disagrees with the format
(policies/README.md).
"""

from __future__ import annotations

from pathlib import Path

from .book import PolicyError, parse_book, read_toml
from .schema import Policy

__all__ = ["PolicyError", "load_policy", "parse_policy", "read_toml"]


def load_policy(path: str | Path) -> Policy:
    path = Path(path)
    return parse_policy(read_toml(path), str(path))


def parse_policy(raw: dict, label: str = "<policy>") -> Policy:
    """The Measures' rule book, validated by its schema (``jindu.policy.measures``)."""
    from .measures import MeasuresBook, to_policy

    return to_policy(parse_book(MeasuresBook, {**raw, "source": label}, label))
