"""The listing rules, tested from the text: one YAML table of scenarios per rule book.

Each file in ``cases/`` names its policy; each case gives the situation, the decision asked
for and what must follow. A reader who knows the Measures can check the tables without
reading Python; this file only turns them into calls of ``rules.decide``.
"""

import datetime
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from jindu.policy.loader import load_policy
from jindu.rectification import rules

CASES = Path(__file__).parent / "cases"
POLICY_FILES = {
    "hengyang-2018": Path(settings.BASE_DIR) / "policies" / "hengyang-2018.toml",
    "national-2015-fixture": Path(settings.BASE_DIR)
    / "jindu/policy/tests/fixtures/national-2015.toml",
}


def _date(value):
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def load_cases():
    for path in sorted(CASES.glob("*.yaml")):
        book = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in book["cases"]:
            yield pytest.param(book["policy"], case, id=f"{book['policy']}: {case['name']}")


def build(policy, case):
    given, ask = case["given"], case["decide"]
    listing = None
    if "listing" in given:
        g = given["listing"]
        listing = rules.Listing(
            level=g["level"],
            categories=tuple(g.get("categories", ["drug_abuse"])),
            source=g.get("source", "office_proposal"),
            status=g.get("status", "active"),
            listed_date=_date(g["listed"]),
            period_start=_date(g.get("period_start", g["listed"])),
            due_date=_date(g["due"]),
            extensions_used=g.get("extensions_used", 0),
            continuations=g.get("continuations", 0),
            last_decision_date=_date(g["last_decision"]) if "last_decision" in g else None,
        )
    unit = rules.Unit(
        level=given["unit"], active=listing, ever_lifted=given.get("ever_lifted", False)
    )
    assessment = ask.get("assessment")
    request = rules.Request(
        kind=ask["kind"],
        date=_date(ask["date"]),
        level=ask.get("level", ""),
        categories=tuple(ask.get("categories", ())),
        source=ask.get("source", ""),
        has_application=ask.get("has_application", False),
        assessment_all_met=None if assessment is None else assessment == "all_met",
        assessment_date=_date(ask["assessment_date"]) if "assessment_date" in ask else None,
        assessment_for_this_listing=ask.get("assessment_for_this_listing", True),
    )
    return unit, request


@pytest.mark.parametrize(("policy_id", "case"), list(load_cases()))
def test_scenario(policy_id, case):
    policy = load_policy(POLICY_FILES[policy_id])
    unit, request = build(policy, case)
    outcome = rules.decide(policy, unit, request)
    expect = case["expect"]
    assert outcome.allowed is expect["allowed"], outcome.message
    if "basis" in expect:
        assert list(outcome.basis) == expect["basis"], outcome.basis
    for article in expect.get("basis_includes", []):
        assert article in outcome.basis, outcome.basis
    if not outcome.allowed:
        assert outcome.message, "a refusal must say why"
        assert outcome.listing is None
        return
    result = outcome.listing
    for key in ("level", "status", "source", "extensions_used"):
        if key in expect:
            assert getattr(result, key) == expect[key], key
    if "due_date" in expect:
        assert result.due_date == _date(expect["due_date"])
    if "categories" in expect:
        assert list(result.categories) == expect["categories"]


def test_every_clause_of_articles_10_to_20_has_a_case():
    names = " ".join(c.values[1]["name"] for c in load_cases())
    for number in (
        "第十条",
        "第十一条",
        "第十三条",
        "第十四条",
        "第十五条",
        "第十六条",
        "第十七条",
        "第十八条",
        "第十九条",
        "第二十条",
    ):
        assert number in names, number
    for clause in ("（一）", "（二）"):
        assert f"第十一条{clause}" in names


def load_tables(section):
    for path in sorted(CASES.glob("*.yaml")):
        book = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in book.get(section, []):
            yield pytest.param(book["policy"], case, id=f"{book['policy']}: {case['name']}")


@pytest.mark.parametrize(("policy_id", "case"), list(load_tables("assessments")))
def test_assessment(policy_id, case):
    result = rules.assess(load_policy(POLICY_FILES[policy_id]), case["conditions"])
    assert result.all_met is case["expect"]["all_met"]
    assert list(result.missing) == case["expect"]["missing"]
    assert "第十四条" in result.basis


@pytest.mark.parametrize(("policy_id", "case"), list(load_tables("evaluations")))
def test_evaluation_scoring(policy_id, case):
    score = rules.score_evaluation(load_policy(POLICY_FILES[policy_id]), case["recorded"])
    for key, expected in case["expect"].items():
        actual = getattr(score, key)
        if isinstance(actual, tuple):
            actual = list(actual)
        assert actual == expected, (key, actual)
    assert "第五条" in score.basis
