"""The one schema-driven loader (jindu.policy.book): every rule book refuses a misspelt key
with "file: key: problem"; dated values are read by date, each with its reference."""

import copy
import datetime
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

from jindu.policy.book import Dated, PolicyError, Table, parse_book

BASE = Path(settings.BASE_DIR) / "policies"


def _raw(name: str) -> dict:
    return tomllib.loads((BASE / name).read_text(encoding="utf-8"))


def _measures(raw):
    from jindu.policy.loader import parse_policy

    return parse_policy(raw, "book.toml")


def _control(raw):
    from jindu.control.policy import parse_control_policy

    return parse_control_policy(raw, "book.toml")


def _plan(raw):
    from jindu.policy.plan import parse_plan

    return parse_plan(raw, "book.toml")


def _prevention(raw):
    from jindu.prevention.policy import parse_prevention_policy

    return parse_prevention_policy(raw, "book.toml")


def _indicators(raw):
    from jindu.indicators.policy import _parse

    return _parse("book.toml", raw)


def _precursors_law(raw):
    from jindu.precursors.policy import parse_national

    return parse_national(raw, "book.toml")


def _precursors_county(raw):
    from jindu.precursors.policy import parse_county

    return parse_county(raw, "book.toml")


def _enforcement_law(raw):
    from jindu.enforcement.policy import parse_enforcement_policy

    return parse_enforcement_policy(
        raw, _raw("enforcement/hengyang-2018-enforcement.toml"), "book.toml", "county.toml"
    )


def _enforcement_county(raw):
    from jindu.enforcement.policy import parse_enforcement_policy

    return parse_enforcement_policy(
        _raw("enforcement/enforcement-law.toml"), raw, "law.toml", "book.toml"
    )


BOOKS = [
    ("hengyang-2018.toml", _measures, "lowering"),
    ("control/control-law.toml", _control, "leave"),
    ("plan/hengyang-2018-plan.toml", _plan, "plan"),
    ("prevention/hengyang-2018-prevention.toml", _prevention, "class_hours"),
    ("indicators/hengyang-2018-targets.toml", _indicators, "warning"),
    ("precursors/precursors-law.toml", _precursors_law, "ephedrine"),
    ("precursors/hengyang-precursors.toml", _precursors_county, "matching"),
    ("enforcement/enforcement-law.toml", _enforcement_law, "rewards"),
    ("enforcement/hengyang-2018-enforcement.toml", _enforcement_county, "gangs"),
]


@pytest.mark.parametrize(("name", "parse", "table"), BOOKS, ids=[b[0] for b in BOOKS])
def test_every_rule_book_loads_and_refuses_a_misspelt_key(name, parse, table):
    raw = _raw(name)
    assert parse(copy.deepcopy(raw)) is not None
    broken = copy.deepcopy(raw)
    broken[table]["artcle"] = "x"
    with pytest.raises(PolicyError) as error:
        parse(broken)
    assert str(error.value).startswith(f"book.toml: {table}.artcle: unknown key (known: ")


@pytest.mark.parametrize(("name", "parse", "table"), BOOKS, ids=[b[0] for b in BOOKS])
def test_every_rule_book_accepts_a_reading_note_but_only_as_text(name, parse, table):
    raw = copy.deepcopy(_raw(name))
    raw[table]["reading_note"] = "本县理解：……"
    parse(raw)
    raw[table]["reading_note"] = 3
    with pytest.raises(PolicyError, match=f"book.toml: {table}.reading_note: must be text"):
        parse(raw)


class _Limit(Table):
    days: Dated[int]
    article: str = "第一条"


def test_a_dated_value_holds_from_its_date_with_its_reference():
    ctx = {"articles": {"第一条": {"text": "…"}, "第二条": {"text": "…"}}}
    raw = {
        **ctx,
        "days": {
            "values": {
                "2018-05-02": {"value": 30, "article": "第一条"},
                "2021-01-01": {"value": 20, "article": "第二条"},
            }
        },
    }

    class Book(Table):
        articles: dict
        days: Dated[int]

    days = parse_book(Book, raw, "x.toml").days
    assert days.value_on(datetime.date(2018, 1, 1)) == 30  # before the first: the first
    assert days.value_on(datetime.date(2020, 12, 31)) == 30
    assert days.value_on(datetime.date(2021, 1, 1)) == 20
    assert days.article_on(datetime.date(2021, 6, 1)) == "第二条"
    assert days.dated and days.all_values() == (30, 20)
    plain = parse_book(Book, {**ctx, "days": 15}, "x.toml").days
    assert not plain.dated and plain.value_on(datetime.date(1999, 1, 1)) == 15
    assert plain.article_on(None, "第一条") == "第一条"  # a plain number: the table's article


@pytest.mark.parametrize(
    ("days", "key", "problem"),
    [
        ("thirty", "days", "must be a whole number, not str"),
        ({"values": {}}, "days.values", "must be a table of dates"),
        ({"values": {"2018-13-01": 3}}, "days.values.2018-13-01", "must be a date"),
        ({"values": {"2018-05-02": {"value": 3}}}, "days.values.2018-05-02", "`article`"),
        ({"values": {"2018-05-02": "x"}}, "days", "must be a whole number"),
    ],
)
def test_a_bad_dated_value_names_its_key(days, key, problem):
    with pytest.raises(PolicyError) as error:
        parse_book(_Limit, {"days": days}, "x.toml")
    assert str(error.value).startswith(f"x.toml: {key}: "), str(error.value)
    assert problem in str(error.value)
