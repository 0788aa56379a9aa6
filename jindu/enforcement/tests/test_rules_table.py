"""The enforcement rules tested from the YAML table in cases/, one case per clause."""

import dataclasses
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.utils import translation

from jindu.control.policy import control_policy
from jindu.core.workdays import package_is_workday
from jindu.enforcement import rules
from jindu.enforcement.policy import load_enforcement_policy, policy_paths

CASES = yaml.safe_load(
    (Path(__file__).parent / "cases" / "enforcement.yaml").read_text(encoding="utf-8")
)


def d(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def cases(section):
    return [pytest.param(c, id=c["name"]) for c in CASES[section]]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def policy():
    law, county = policy_paths()
    return load_enforcement_policy(
        law, county, drug_types=control_policy().code_values("drug_types")
    )


def test_the_table_is_for_the_rule_books_in_force(policy):
    assert CASES["policy"] == policy.policy_ids


@pytest.mark.parametrize("case", cases("offences"))
def test_offence_catalogue(policy, case):
    entry = rules.offence_for(policy, case["kind"], case["code"], d(case["filed"]))
    expect = case["expect"]
    if expect.get("unknown"):
        assert entry is None
        return
    assert entry.article == expect["article"]
    assert entry.article_verified is expect.get("verified", True)


@pytest.mark.parametrize("case", cases("case_checks"))
def test_case_checks(policy, case):
    problems = rules.case_problems(
        policy,
        kind=case["kind"],
        offence=case["offence"],
        filed_date=d(case["filed"]),
        solved_date=d(case.get("solved")),
        flags=case.get("flags", []),
        today=d(case.get("today", "2026-06-01")),
    )
    expect = case["expect"]
    if expect.get("ok"):
        assert problems == []
    else:
        assert problems and problems[0].field == expect["field"]
        assert expect["error"] in problems[0].message
        if "basis" in expect:
            assert list(problems[0].basis) == expect["basis"]
        if "offence_basis" in expect:
            offence = next(p for p in problems if p.field == "offence")
            assert list(offence.basis) == expect["offence_basis"]


def test_twelve_crimes_of_the_drug_section(policy):
    assert len(policy.criminal_offences) == 12
    assert all(o.article.startswith("刑法第三百") for o in policy.criminal_offences)


@pytest.mark.parametrize("case", cases("heroin_equivalent"))
def test_heroin_equivalent(policy, case):
    result = rules.heroin_equivalent(policy, case["drug"], Decimal(case["grams"]))
    expect = case["expect"]
    assert result.grams == Decimal(expect["grams"])
    assert result.factor == expect["factor"]
    if "source" in expect:
        assert expect["source"] in result.source


@pytest.mark.parametrize("case", cases("seizure_checks"))
def test_seizure_checks(policy, case):
    problems = rules.seizure_problems(
        policy, drug_type=case["drug"], grams=Decimal(case["grams"]), pills=case.get("pills", 0)
    )
    expect = case["expect"]
    if expect.get("ok"):
        assert problems == []
    else:
        assert any(p.field == expect["field"] and expect["error"] in p.message for p in problems)


@pytest.mark.parametrize("case", cases("grading"))
def test_grading(policy, case):
    score = rules.inspection_score(policy, case["checks"])
    grade = rules.grade_venue(
        policy,
        score=score.score,
        users_found=case.get("users_found", 0),
        dealers_found=case.get("dealers_found", 0),
    )
    expect = case["expect"]
    if "score" in expect:
        assert score.score == expect["score"]
    assert grade.grade == expect["grade"]
    if "downgrade" in expect:
        assert expect["downgrade"] in grade.downgrades
    if "downgrades" in expect:
        assert list(grade.downgrades) == expect["downgrades"]
        names = [d.name for d in policy.downgrades if d.code in expect["downgrades"]]
        band, *given = grade.reason.split("; ")
        assert given == names and band in {b.name for b in policy.bands}, grade.reason
    if "failed" in expect:
        assert list(score.failed) == expect["failed"]
    assert grade.basis == ("方案四（一）四是",)


@pytest.mark.parametrize("case", cases("inspection_duties"))
def test_inspection_duties(policy, case):
    duties = rules.inspection_duties(policy, case["grade"], d(case["day"]))
    got = [[x.unit, x.period, x.due_date] for x in duties]
    assert got == [[u, p, d(due)] for u, p, due in case["expect"]["duties"]]


@pytest.mark.parametrize("case", cases("filing"))
def test_filing_deadline(policy, case):
    assert rules.filing_due(policy, case["kind"], d(case["opened"])) == d(case["expect"]["due"])


@pytest.mark.parametrize("case", cases("sanctions"))
def test_sanctions(policy, case):
    problems = rules.sanction_problems(
        policy,
        kind=case["kind"],
        months=case.get("months"),
        rectify_by=d(case.get("rectify_by")),
        date=d(case["date"]),
    )
    expect = case["expect"]
    if expect.get("ok"):
        assert problems == []
        return
    assert problems[0].field == expect["field"]
    if "basis" in expect:
        assert expect["basis"] in problems[0].basis


@pytest.mark.parametrize("case", cases("rewards"))
def test_rewards(policy, case):
    special = {"special": case["special"]} if "special" in case else {}
    reward = rules.reward_amount(policy, case["quantities"], **special)
    assert reward.yuan == case["expect"]["yuan"]
    assert reward.capped is case["expect"]["capped"]
    assert reward.basis == ("禁毒举报奖励办法",)


@pytest.mark.parametrize("case", cases("deadlines"))
def test_deadlines(policy, case):
    expect = case["expect"]
    if "notify" in expect:
        due, known = rules.notify_due(policy, d(case["solved"]), package_is_workday)
        if not known:
            pytest.skip("the installed calendar does not know the year")
        assert due == d(expect["notify"])
    if "claim" in expect:
        assert rules.claim_due(policy, d(case["notified"])) == d(expect["claim"])


@pytest.mark.parametrize("case", cases("targets"))
def test_targets(policy, case):
    indicator = rules.indicator(policy, case["code"], case["numerator"], case.get("denominator"))
    expect = case["expect"]
    assert indicator.value == expect["value"]
    assert indicator.met is expect["met"]
    denominator = case.get("denominator")
    assert indicator.denominator == (None if denominator is None else float(denominator))
    if "own" in expect:
        assert indicator.own is expect["own"]


@pytest.mark.parametrize("case", cases("gangs"))
def test_gangs(policy, case):
    problems = rules.gang_problems(policy, case["members"])
    if case["expect"].get("ok"):
        assert problems == []
        return
    assert [p.field for p in problems] == [case["expect"]["field"]]
    assert problems[0].basis == (policy.gang_article,) and problems[0].message


@pytest.mark.parametrize("case", cases("checklists"))
def test_checklists(policy, case):
    problems = rules.checks_problems(policy, case["checks"])
    if case["expect"].get("ok"):
        assert problems == []
        return
    assert [p.field for p in problems] == ["checks"]
    assert case["expect"]["error"] in problems[0].message


@pytest.mark.parametrize("case", cases("periods"))
def test_inspection_periods(case):
    for period, day, label, first, last in case["periods"]:
        assert rules.period_of(period, d(day)) == (label, d(first), d(last)), (period, day)
    with pytest.raises(ValueError):
        rules.period_of("fortnight", datetime.date(2026, 1, 1))


def test_working_days_when_the_calendar_does_not_know_the_year():
    """禁毒举报奖励办法 15 working days: a calendar that knows the days says so; one that
    does not falls back to Monday–Friday and says it did."""
    friday = datetime.date(2026, 6, 5)
    assert rules.add_working_days(friday, 1, lambda day: None) == (datetime.date(2026, 6, 8), False)
    assert rules.add_working_days(friday, 1, lambda day: day.weekday() < 5) == (
        datetime.date(2026, 6, 8),
        True,
    )
    saturday_worked = {datetime.date(2026, 6, 6)}

    def calendar(day):
        return day in saturday_worked or day.weekday() < 5

    assert rules.add_working_days(friday, 1, calendar) == (datetime.date(2026, 6, 6), True)


def test_an_at_most_target_is_met_at_its_number(policy):
    """A target of direction "at_most" is met at or below its number, not above."""
    target = dataclasses.replace(policy.target("tip_case_share"), direction="at_most")
    assert rules._compare(10.0, target) is True
    assert rules._compare(9.9, target) is True
    assert rules._compare(10.1, target) is False
