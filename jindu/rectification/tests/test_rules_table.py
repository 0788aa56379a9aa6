"""The listing rules, tested from the text: one YAML table of scenarios per rule book.

Each file in ``cases/`` names its policy; each case gives the situation, the decision asked
for and what must follow. A reader who knows the Measures can check the tables without
reading Python; this file only turns them into calls of ``rules.decide``.
"""

import dataclasses
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
        assessment_missing=tuple(ask.get("missing", ())),
        reason=ask.get("reason", ""),
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
    includes = expect.get("message_includes", [])
    for text in [includes] if isinstance(includes, str) else includes:
        assert text in outcome.message, outcome.message
    if "missing" in expect:
        assert list(outcome.missing) == expect["missing"], outcome.missing
    if not outcome.allowed:
        assert outcome.message, "a refusal must say why"
        assert outcome.listing is None
        return
    result = outcome.listing
    for key in ("level", "status", "source", "extensions_used", "continuations"):
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
    if "error" in case["expect"]:
        with pytest.raises(ValueError, match=case["expect"]["error"]):
            rules.assess(load_policy(POLICY_FILES[policy_id]), case["conditions"])
        return
    result = rules.assess(load_policy(POLICY_FILES[policy_id]), case["conditions"])
    assert result.all_met is case["expect"]["all_met"]
    assert list(result.missing) == case["expect"]["missing"]
    assert "第十四条" in result.basis


@pytest.mark.parametrize(("policy_id", "case"), list(load_tables("evaluations")))
def test_evaluation_scoring(policy_id, case):
    policy = load_policy(POLICY_FILES[policy_id])
    if "error" in case["expect"]:
        with pytest.raises(ValueError, match=case["expect"]["error"]):
            rules.score_evaluation(policy, case["recorded"])
        return
    score = rules.score_evaluation(policy, case["recorded"])
    by_code = {item.code: item for item in score.items}
    expect = dict(case["expect"])  # the table itself stays as loaded
    for code, expected in expect.pop("item_scores", {}).items():
        assert by_code[code].score == expected, (code, by_code[code])
    for code, expected in expect.pop("item_vetoed", {}).items():
        assert by_code[code].vetoed is expected, (code, by_code[code])
    for key, expected in expect.items():
        actual = getattr(score, key)
        if isinstance(actual, tuple):
            actual = list(actual)
        assert actual == expected, (key, actual)
    assert "第五条" in score.basis


@pytest.mark.parametrize(("policy_id", "case"), list(load_tables("numbers")))
def test_document_numbers(policy_id, case):
    problem = rules.document_number_problem(
        case["number"],
        _date(case["date"]),
        taken=case.get("taken", False),
        exception_reason=case.get("exception", ""),
    )
    assert (problem is None) is (case["expect"] == "ok"), problem


@pytest.mark.parametrize(("policy_id", "case"), list(load_tables("unproven")))
def test_unproven_conditions(policy_id, case):
    policy = load_policy(POLICY_FILES[policy_id])
    found = rules.unproven_conditions(policy, case["conditions"], set(case["evidenced"]))
    assert list(found) == case["expect"]


@pytest.mark.parametrize(("policy_id", "case"), list(load_tables("obligations")))
def test_listing_obligations(policy_id, case):
    g = case["listing"]
    listing = rules.Listing(
        level=g["level"],
        categories=("drug_abuse",),
        source="office_proposal",
        status=g.get("status", "active"),
        listed_date=_date(g["listed"]),
        period_start=_date(g["listed"]),
        due_date=_date(g["due"]),
        extensions_used=g.get("extensions_used", 0),
    )
    holidays = {_date(day) for day in case.get("holidays", [])}

    def is_workday(day):
        return day.weekday() < 5 and day not in holidays

    specs = rules.listing_obligations(load_policy(POLICY_FILES[policy_id]), listing, is_workday)
    found = {kind: {} for kind in case["expect"]}
    for spec in specs:
        assert spec.due_date_known and spec.basis, spec
        found.setdefault(spec.kind, {})[spec.period] = spec.due_date
    expected = {
        kind: {str(period): _date(day) for period, day in periods.items()}
        for kind, periods in case["expect"].items()
    }
    assert found == expected


def test_refusals_cite_the_rule_books_own_articles():
    """Whatever articles a rule book gives, a refusal cites them: the extension article of
    [rules] (not the period's), the first category's article for a listing without a known
    category (第十条 lists them), the first level's for an unknown level (第十一条)."""
    policy = load_policy(POLICY_FILES["hengyang-2018"])
    variant = dataclasses.replace(
        policy,
        rules={**policy.rules, "extension_article": "第十八条"},
        categories=tuple(
            dataclasses.replace(c, article=f"第十条（{i}）")
            for i, c in enumerate(policy.categories)
        ),
        levels=tuple(
            dataclasses.replace(lv, article=f"第十一条（{i}）")
            for i, lv in enumerate(policy.levels)
        ),
    )
    day = datetime.date(2018, 6, 1)
    listing = rules.Listing(
        level="key_supervision",
        categories=("drug_abuse",),
        source="office_proposal",
        status="active",
        listed_date=day,
        period_start=day,
        due_date=datetime.date(2019, 6, 1),
    )
    unit = rules.Unit(level="township", active=listing)
    extend = rules.decide(variant, unit, rules.Request(kind="extend", date=day, reason="特殊情况"))
    assert (extend.allowed, extend.basis) == (False, ("第十八条",))

    township = rules.Unit(level="township")
    for categories in ((), ("gambling",)):
        request = rules.Request(
            kind="list",
            date=day,
            level="key_supervision",
            categories=categories,
            source="office_proposal",
        )
        outcome = rules.decide(variant, township, request)
        assert (outcome.allowed, outcome.basis) == (False, ("第十条（0）",)), categories
    request = rules.Request(
        kind="list", date=day, level="key_x", categories=("drug_abuse",), source="office_proposal"
    )
    outcome = rules.decide(variant, township, request)
    assert (outcome.allowed, outcome.basis) == (False, ("第十一条（0）",))
