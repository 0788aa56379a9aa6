"""The one schema-driven way to read a rule book (pydantic v2).

A rule book is a TOML file described by pydantic models built on :class:`Table`: every table
is typed, frozen and refuses a key it does not know (a misspelt key is an error at load, never
an empty value later). :func:`parse_book` validates a parsed file against its model and turns
the first problem into ``PolicyError(file, key, problem)`` — the same "file: key: problem"
message, in the same words, as the rule books have always given, e.g.
``policies/control/x.toml: breach.days_away_over: must be a whole number ≥ 0``.

The pieces every book shares:

- :data:`Code` a lower-case code (``key_rectification``);
- :data:`Cite` / :data:`OptCite` an article citation that must be one of the book's
  ``[articles]`` (passed as the validation context by :func:`parse_book`);
- :class:`Dated` a number that can change: a plain value, or OpenFisca-style dated values
  ``{ values = { 2011-06-26 = { value = 3, article = "戒毒条例第二十条" } } }`` (a bare number
  per date takes the table's article), each with its reference, read with ``value_on(day)``;
- ``*_note`` keys: where the law is silent a book writes its reading under ``<key>_note``;
  every table accepts them (text only) and keeps them in ``notes``.

Checks across keys go in ``model_validator(mode="after")`` and raise :class:`KeyProblem` with
the key relative to the table that raises it.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)

__all__ = [
    "ALWAYS",
    "Cite",
    "Code",
    "Dated",
    "KeyProblem",
    "OptCite",
    "PolicyError",
    "PolicyId",
    "Positive",
    "Table",
    "Text",
    "Whole",
    "all_change_dates",
    "as_dataclass",
    "change_dates",
    "epoch_of",
    "load_book",
    "one_of",
    "parse_book",
    "read_toml",
    "unique",
]


class PolicyError(ValueError):
    """A rule book that does not validate: the file, the dotted key and the problem."""

    def __init__(self, path: str, key: str, problem: str):
        self.path, self.key, self.problem = path, key, problem
        super().__init__(f"{path}: {key}: {problem}")


def read_toml(path: str | Path) -> dict:
    """A rule book's TOML, or ``PolicyError`` naming the file (missing, bad syntax)."""
    label = str(path)
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError(label, "(file)", "does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(label, "(syntax)", str(exc)) from None


class KeyProblem(ValueError):
    """A problem found by a check across keys: ``key`` is relative to the table raising it
    (``""`` for the table itself)."""

    def __init__(self, key: str, problem: str):
        super().__init__(f"{key}: {problem}" if key else problem)
        self.key = key
        self.problem = problem


class Table(BaseModel):
    """A table of a rule book: typed, frozen, unknown keys refused, ``*_note`` keys kept."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, validate_default=True)

    notes: dict[str, str] = Field(default_factory=dict, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any):
        if not isinstance(data, dict):
            return data
        known = [name for name in cls.model_fields if name != "notes"]
        kept, notes = {}, {}
        for key, value in data.items():
            if key.endswith("_note") and key not in cls.model_fields:
                if not isinstance(value, str):
                    raise KeyProblem(key, f"must be text, not {_type_name(value)}")
                notes[key] = value
            elif key not in cls.model_fields or key == "notes":
                raise KeyProblem(key, f"unknown key (known: {', '.join(known)})")
            else:
                kept[key] = value
        if notes:
            kept["notes"] = notes
        return kept


def _code(value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", value):
        raise ValueError(f"must be a lower-case code like key_rectification, not {value!r}")
    return value


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _policy_id(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):
        raise ValueError("must be lower-case letters, digits and hyphens")
    return value


def _cited(value: str, info: ValidationInfo) -> str:
    articles = (info.context or {}).get("articles")
    if value and articles is not None and value not in articles:
        raise ValueError(f"cites {value!r}, which is not in [articles]")
    return value


def one_of(allowed: tuple[str, ...]) -> AfterValidator:
    """A list whose every value must be one of ``allowed`` (``'x' is not one of a, b``)."""

    def check(values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            if value not in allowed:
                raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
        return values

    return AfterValidator(check)


Text = Annotated[str, AfterValidator(_text)]
Code = Annotated[str, AfterValidator(_code)]
Cite = Annotated[str, AfterValidator(_text), AfterValidator(_cited)]
OptCite = Annotated[str, AfterValidator(_cited)]
Whole = Annotated[int, Field(ge=0)]
Positive = Annotated[int, Field(ge=1)]

N = TypeVar("N")

ALWAYS = datetime.date.min  # the start of a value that has always held (a plain number)
PolicyId = Annotated[str, AfterValidator(_policy_id)]


class DatedValue(Table, Generic[N]):
    value: N
    article: Cite


class Dated(BaseModel, Generic[N]):
    """A number that can change with the date (OpenFisca style): each value holds from its
    date on, with the article it comes from. Written either as a plain number (one value that
    has always held, cited by the table's article) or as
    ``{ values = { 2011-06-26 = { value = 3, article = "…" }, 2030-01-01 = 2 } }``."""

    model_config = ConfigDict(frozen=True, strict=True, extra="forbid")

    values: tuple[tuple[datetime.date, N, str], ...]

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: Any, info: ValidationInfo):
        if isinstance(data, Dated):
            return data
        if isinstance(data, bool) or not isinstance(data, dict):
            # A plain number: the table's own `article` cites it (checked by the table).
            return {"values": ((ALWAYS, data, ""),)}
        if set(data) != {"values"} or not isinstance(data["values"], dict) or not data["values"]:
            raise KeyProblem("values", "must be a table of dates, each with its value")
        rows = []
        for key, entry in data["values"].items():
            try:
                start = key if isinstance(key, datetime.date) else datetime.date.fromisoformat(key)
            except (TypeError, ValueError):
                raise KeyProblem(f"values.{key}", "must be a date (YYYY-MM-DD)") from None
            if isinstance(entry, dict):
                unknown = set(entry) - {"value", "article"}
                if unknown or "value" not in entry or "article" not in entry:
                    raise KeyProblem(
                        f"values.{key}", "must be a number or a table with `value` and `article`"
                    )
                article = entry["article"]
                articles = (info.context or {}).get("articles")
                if not isinstance(article, str) or (
                    articles is not None and article not in articles
                ):
                    raise KeyProblem(
                        f"values.{key}.article", f"cites {article!r}, which is not in [articles]"
                    )
                rows.append((start, entry["value"], article))
            else:
                rows.append((start, entry, ""))
        return {"values": tuple(sorted(rows, key=lambda row: row[0]))}

    def value_on(self, day: datetime.date | None) -> N:
        """The value in force on ``day`` (the first value before its date; today's if None)."""
        day = day or datetime.date.today()
        current = self.values[0][1]
        for start, value, _article in self.values:
            if start <= day:
                current = value
        return current

    def article_on(self, day: datetime.date | None, default: str = "") -> str:
        day = day or datetime.date.today()
        current = self.values[0][2]
        for start, _value, article in self.values:
            if start <= day:
                current = article
        return current or default

    def all_values(self) -> tuple[N, ...]:
        return tuple(value for _start, value, _article in self.values)

    @property
    def dated(self) -> bool:
        return self.values[0][0] != ALWAYS

    def starts(self) -> tuple[datetime.date, ...]:
        return tuple(start for start, _value, _article in self.values)


def change_dates(*dated: Dated) -> tuple[datetime.date, ...]:
    """Every date on which one of ``dated`` changes (``ALWAYS`` first): checks across
    dated keys run on each of them."""
    return tuple(sorted({start for d in dated for start in d.starts()}))


def all_change_dates(table: BaseModel) -> tuple[datetime.date, ...]:
    """Every date on which a dated value anywhere in ``table`` changes (``ALWAYS`` first):
    the rules in force on a day are those of the latest of these dates not after it."""
    found: set[datetime.date] = {ALWAYS}

    def walk(value) -> None:
        if isinstance(value, Dated):
            found.update(value.starts())
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, tuple | list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk(table)
    return tuple(sorted(found))


def epoch_of(dates: tuple[datetime.date, ...], day: datetime.date) -> datetime.date:
    """The latest of ``dates`` (sorted, ``ALWAYS`` first) not after ``day``."""
    current = dates[0]
    for start in dates:
        if start <= day:
            current = start
    return current


def unique(items, key: str, attr: str = "code") -> None:
    """Refuse a repeated ``code`` in a list of tables (``key[i].code: duplicate code``)."""
    seen = set()
    for i, item in enumerate(items):
        code = getattr(item, attr)
        if code in seen:
            raise KeyProblem(f"{key}[{i}].{attr}", f"duplicate {attr} {code!r}")
        seen.add(code)


def as_dataclass(cls, table, **extra):
    """The frozen dataclass ``cls`` (what the rules read) from the table's keys of the same
    names, plus ``extra``."""
    import dataclasses

    names = {f.name for f in dataclasses.fields(cls)} - set(extra)
    return cls(**{n: getattr(table, n) for n in names if hasattr(table, n)}, **extra)


def _type_name(value) -> str:
    return {
        str: "str",
        bool: "bool",
        int: "int",
        float: "float",
        dict: "table",
        list: "list",
        datetime.date: "date",
    }.get(type(value), type(value).__name__)


def _key(loc: tuple) -> str:
    key = ""
    for part in loc:
        if isinstance(part, int):
            key += f"[{part}]"
        elif part in ("function-after[_cited(), function-after[_text(), str]]",):
            continue
        else:
            key += ("." if key else "") + str(part)
    return key


_KINDS = {
    "int": "a whole number",
    "float": "a number",
    "string": "text",
    "bool": "true or false",
    "date": "a date (YYYY-MM-DD)",
    "list": "a list",
    "tuple": "a list",
    "dict": "a table",
    "model": "a table",
    "model_attributes": "a table",
    "dataclass": "a table",
}


def _problem(error: dict) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind.endswith("_type") or kind.endswith("_parsing") or kind == "int_from_float":
        base = kind.rsplit("_", 1)[0].replace("_from", "")
        return f"must be {_KINDS.get(base, base)}, not {_type_name(value)}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {
            "greater_than_equal": "≥",
            "greater_than": ">",
            "less_than_equal": "≤",
            "less_than": "<",
        }[kind]
        bound = next(iter(ctx.values()))
        what = "a whole number" if isinstance(bound, int) else "a number"
        return f"must be {what} {sign} {bound:g}"
    if kind == "literal_error":
        expected = ctx.get("expected", "").replace("'", "")
        return f"must be one of {expected.replace(' or ', ', ')}, not {value!r}"
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return f"needs at least {n} entr{'y' if n == 1 else 'ies'}"
    if kind == "string_too_short":
        return "must not be empty"
    return re.sub(r"^(Value|Assertion) error, ", "", error["msg"])


def _tuples(value):
    """TOML arrays as tuples (the tables are frozen), all the way down."""
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def parse_book(model: type[BaseModel], raw: dict, label: str, *, context: dict | None = None):
    """``raw`` (a parsed TOML file) as ``model``, or ``PolicyError(label, key, problem)``.

    The ``[articles]`` keys are passed to the citations (``Cite``) as the validation context."""
    raw = _tuples(raw)
    articles = raw.get("articles")
    ctx = {"articles": set(articles) if isinstance(articles, dict) else None, **(context or {})}
    try:
        return model.model_validate(raw, context=ctx)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        loc = tuple(p for p in error["loc"] if not str(p).startswith("function-"))
        where = re.sub(r"\.values\[0\]\[1\]$", "", _key(loc))
        where = re.sub(r"\.values\[(\d+)\]\[1\]$", r".values[\1]", where)
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, KeyProblem):
            key = ".".join(k for k in (where, cause.key) if k).replace(".[", "[")
            raise PolicyError(label, key or "(file)", cause.problem) from None
        raise PolicyError(label, where or "(file)", _problem(error)) from None


def load_book(model: type[BaseModel], path: str | Path, *, context: dict | None = None):
    path = Path(path)
    return parse_book(model, read_toml(path), str(path), context=context)
