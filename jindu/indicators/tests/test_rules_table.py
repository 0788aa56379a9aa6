"""The cockpit's rules tested from the rule book: the YAML table in cases/, one case per
clause (warning score and levels, the weight-order check, comparisons, the schedule)."""

import dataclasses
import datetime
import re
from pathlib import Path

import pytest
import yaml

from jindu.indicators import rules
from jindu.indicators.policy import load_indicator_policy, loads, policy_path
from jindu.policy.loader import PolicyError

CASES = yaml.safe_load(
    (Path(__file__).parent / "cases" / "hengyang-2018-targets.yaml").read_text(encoding="utf-8")
)


def cases(section):
    return [pytest.param(c, id=c["name"]) for c in CASES[section]]


@pytest.fixture(scope="module")
def policy():
    return load_indicator_policy(policy_path())


def test_the_table_is_for_the_policy_in_force(policy):
    assert CASES["policy"] == policy.id


@pytest.mark.parametrize("case", cases("warning"))
def test_warning_score(policy, case):
    result = rules.warning_score(policy.warning, case["facts"], case.get("satisfaction"))
    expect = case["expect"]
    assert result.score == pytest.approx(expect["score"], abs=0.05)
    assert result.level == expect["level"]
    if "vetoed" in expect:
        assert result.vetoed == expect["vetoed"]
    if "basis" in expect:
        assert expect["basis"] in result.basis
    points = {c.indicator: c.points for c in result.contributions}
    for fact, value in expect.get("points", {}).items():
        assert points[fact] == pytest.approx(value, abs=0.01)
    kinds = {c.kind for c in result.contributions}
    assert kinds <= {"objective", "work", "public"}


@pytest.mark.parametrize("case", cases("actions"))
def test_actions_of_a_level(policy, case):
    assert list(rules.actions_for(policy.warning, case["level"])) == case["expect"]


def _with_weights(text: str, case) -> str:
    for fact, weight in case["set"].items():
        text = re.sub(
            rf'(fact = "{fact}"\n(?:.*\n){{2}})weight = [0-9.]+', rf"\g<1>weight = {weight}", text
        )
    if "public" in case:
        text = text.replace('public = "veto"', f'public = "{case["public"]}"')
        text = text.replace("public_weight = 0", f"public_weight = {case['public_weight']}")
    return text


@pytest.mark.parametrize("case", cases("weights"))
def test_the_loader_refuses_work_above_the_objective_situation(case):
    text = _with_weights(policy_path().read_text(encoding="utf-8"), case)
    if case["expect"] == "ok":
        loaded = loads(text)
        for fact, weight in case["set"].items():
            assert next(c for c in loaded.warning.components if c.fact == fact).weight == weight
    else:
        with pytest.raises(PolicyError, match="objective weights"):
            loads(text)


@pytest.mark.parametrize("case", cases("targets"))
def test_comparisons(policy, case):
    assert rules.meets(policy.target(case["code"]), case["value"]) == case["expect"]


@pytest.mark.parametrize("case", cases("briefings"))
def test_briefing_schedule(policy, case):
    items = [i for i in rules.briefing_schedule(policy, case["year"]) if i["kind"] == case["kind"]]
    assert len(items) == case["count"]
    for item, expect in ((items[0], case["first"]), (items[-1], case["last"])):
        assert item["period"] == str(expect["period"])
        assert item["due_date"] == datetime.date.fromisoformat(str(expect["due"]))


# ---- issue #20: both sides of each edge of the cockpit's arithmetic and periods

RATES = [
    ("方案一（三） — 17/20 = 85.0% 恰达标（目标在边界之内）", "compulsory_isolation_execution_rate",
     17, 20, 85.0, True),
    ("方案一（三） — 2/3 = 66.7%（一位小数）未达标", "sick_disabled_admission_rate",
     2, 3, 66.7, False),
    ("方案一（三） — 分母为零无从评判", "sick_disabled_admission_rate", 0, 0, None, None),
]  # fmt: skip


@pytest.mark.parametrize(("name", "code", "numerator", "denominator", "value", "met"), RATES)
def test_rate_figures(policy, name, code, numerator, denominator, value, met):
    target = policy.target(code)
    figure = rules.rate_figure(target, numerator, denominator)
    assert (figure.value, figure.met) == (value, met), name
    assert (figure.numerator, figure.denominator, figure.basis) == (
        numerator,
        denominator,
        (target.article,),
    )


def test_a_rising_target_is_judged_by_its_area(policy):
    """A target that must rise against the year before cannot be judged from one figure."""
    target = dataclasses.replace(policy.target("compulsory_isolation_execution_rate"),
                                 comparison="rises")  # fmt: skip
    assert rules.meets(target, 99.0) is None


def test_the_traffic_light_says_it_in_words_and_a_symbol():
    assert rules.light(True) == {"state": "met", "symbol": "✓"}
    assert rules.light(False) == {"state": "missed", "symbol": "✗"}
    assert rules.light(None) == {"state": "none", "symbol": "–"}


MONTHS = [
    ("2026-01", datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)),
    ("2024-02", datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)),
    ("2026-02", datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
    ("2026-12", datetime.date(2026, 12, 1), datetime.date(2026, 12, 31)),
]


@pytest.mark.parametrize(("period", "first", "last"), MONTHS)
def test_month_bounds_first_and_last_day(period, first, last):
    assert rules.month_bounds(period) == (first, last)
    assert rules.month_of(first) == period and rules.month_of(last) == period


def test_months_back_and_the_same_month_last_year():
    assert rules.months_back("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]
    assert rules.months_back("2026-05", 1) == ["2026-05"]
    assert rules.same_month_last_year("2026-03") == "2025-03"


PERIODS = [
    ("2026-Q1", datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
    ("2026-Q4", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
    ("2026-H1", datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)),
    ("2026-H2", datetime.date(2026, 7, 1), datetime.date(2026, 12, 31)),
    ("2026-03", datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)),
    ("2026", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
]


@pytest.mark.parametrize(("period", "first", "last"), PERIODS)
def test_briefing_period_bounds(period, first, last):
    """第二十七、二十八条, 方案二: a briefing covers its whole period, first to last day."""
    assert rules.period_bounds(period) == (first, last)


@pytest.mark.parametrize("period", ["2026-Q0", "2026-Q5", "2026-H0", "2026-H3"])
def test_a_period_outside_the_year_is_refused(period):
    with pytest.raises(ValueError):
        rules.period_bounds(period)


def test_briefing_periods_due_dates_and_numbers():
    assert rules.briefing_periods("year", 2026) == ["2026"]
    assert rules.briefing_periods("half_year", 2026) == ["2026-H1", "2026-H2"]
    assert rules.briefing_periods("quarter", 2026) == [f"2026-Q{q}" for q in (1, 2, 3, 4)]
    months = rules.briefing_periods("month", 2026)
    assert (len(months), months[0], months[-1]) == (12, "2026-01", "2026-12")
    # Due on the given day of the month after the period (a December period: next January).
    assert rules.briefing_due(10, "2026-12") == datetime.date(2027, 1, 10)
    assert rules.briefing_due(20, "2026") == datetime.date(2027, 1, 20)
    assert rules.briefing_number("衡禁毒办", 2026, 3) == "衡禁毒办〔2026〕3号"


def test_a_warning_level_is_reached_at_its_lower_bound(policy):
    """办法第五条: a score equal to a level's lower bound reaches it; just below does not."""
    warning = policy.warning
    for level in warning.levels:
        assert rules.level_for(warning, level.min_score) == level
        below = rules.level_for(warning, level.min_score - 0.1)
        assert below is None or below.min_score < level.min_score
    lowest = min(lv.min_score for lv in warning.levels)
    assert rules.level_for(warning, lowest - 0.1) is None


WORK_DONE = {"targets_met_share": 100, "obligations_on_time_share": 100, "prevention_activities": 4}
WORK_MISSING = {"targets_met_share": 0, "obligations_on_time_share": 0, "prevention_activities": 0}


def test_satisfaction_at_the_veto_threshold_does_not_veto(policy):
    """第五条 群众满意度: below the threshold vetoes; at the threshold (60 %) it does not."""
    warning = policy.warning
    at = rules.warning_score(warning, WORK_DONE, warning.veto_below)
    assert (at.level, at.vetoed) == ("", False)
    below = rules.warning_score(warning, WORK_DONE, warning.veto_below - 1)
    assert (below.level, below.vetoed) == (warning.veto_level, True)
    veto = [c for c in below.contributions if c.indicator == "public_satisfaction"]
    assert [(c.weight, c.points) for c in veto] == [(0.0, 0.0)]
    level = warning.level(warning.veto_level)
    assert below.basis == tuple(
        dict.fromkeys([warning.article, warning.weighting_article, level.article])
    )


def test_a_veto_to_the_level_already_reached_is_not_a_veto(policy):
    """第五条: the veto raises the level to at least yellow; a township already yellow stays
    yellow and is not marked as vetoed."""
    warning = policy.warning
    result = rules.warning_score(warning, WORK_MISSING, warning.veto_below - 10)
    assert (result.level, result.vetoed) == ("yellow", False)


def test_scores_and_points_are_rounded_to_one_and_two_decimals(policy):
    result = rules.warning_score(policy.warning, {"relapse_confirmed": 1, **WORK_DONE})
    assert result.score == 3.3
    points = {c.indicator: c.points for c in result.contributions}
    assert points["relapse_confirmed"] == 3.33


def test_satisfaction_as_a_weighted_component(policy):
    """A rule book may weigh the public's satisfaction as a component instead of a veto: it
    adds its weight to the whole and charges what is missing from 100 %."""
    warning = dataclasses.replace(policy.warning, public="component", public_weight=10.0)
    total = sum(c.weight for c in warning.components) + 10.0
    result = rules.warning_score(warning, WORK_DONE, 50)
    assert result.score == round(100 * 5.0 / total, 1)
    assert result.vetoed is False
    public = [c for c in result.contributions if c.indicator == "public_satisfaction"]
    assert [(c.kind, c.weight, c.points) for c in public] == [("public", 10.0, 5.0)]


def test_a_warning_without_components_scores_zero(policy):
    warning = dataclasses.replace(policy.warning, components=())
    assert rules.warning_score(warning, {}, None).score == 0.0


# ---- the units above the townships, summed from the townships between full rebuilds
# (rule book: each target's `rollup`, 方案二 情况综合、战果统计 over the whole county)

ROLLUPS = [
    ("share — Σ17/Σ20 = 85.0% 恰达标（在边界之内）", "compulsory_isolation_execution_rate",
     [(8, 10), (9, 10)], 17.0, 20.0, 85.0, True),
    ("share — 一个乡镇无分母不计入分母", "compulsory_isolation_execution_rate",
     [(None, None), (17, 20)], 17.0, 20.0, 85.0, True),
    ("share — Σ2/Σ3 = 66.7%（一位小数）未达标", "compulsory_isolation_execution_rate",
     [(1, 2), (1, 1)], 2.0, 3.0, 66.7, False),
    ("share — 各乡镇均无分母：无从评判", "compulsory_isolation_execution_rate",
     [(None, None), (None, None)], 0.0, None, None, None),
    ("share — 分母合计为零：无从评判", "compulsory_isolation_execution_rate",
     [(0, 0)], 0.0, 0.0, None, None),
    ("count — 零种植：各乡镇均为0 达标", "zero_planting",
     [(0, None), (0, None)], 0.0, None, 0.0, True),
    ("count — 零种植：一个乡镇发现1起即未达标", "zero_planting",
     [(0, None), (1, None)], 1.0, None, 1.0, False),
    ("change — 外流贩毒 5 对 10 = −50.0% 恰达标（在边界之内）", "outbound_trafficking_reduction",
     [(2, 6), (3, 4)], 5.0, 10.0, -50.0, True),
    ("change — 外流贩毒 6 对 10 = −40.0% 未达标", "outbound_trafficking_reduction",
     [(6, 10)], 6.0, 10.0, -40.0, False),
    ("change — 1 对 3 = −66.7%（一位小数）", "outbound_trafficking_reduction",
     [(1, 3)], 1.0, 3.0, -66.7, True),
    ("change — 上年为0、当年为0：保持为零即达标", "outbound_trafficking_reduction",
     [(0, 0)], 0.0, 0.0, None, True),
    ("change — 上年为0、当年有1人：未达标", "outbound_trafficking_reduction",
     [(1, 0)], 1.0, 0.0, None, False),
    ("change — 上年无记录、当年为0：达标", "outbound_trafficking_reduction",
     [(0, None)], 0.0, None, None, True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "code", "parts", "numerator", "denominator", "value", "met"), ROLLUPS
)
def test_rollup_figures(policy, name, code, parts, numerator, denominator, value, met):
    target = policy.target(code)
    figure = rules.rollup_figure(target, parts)
    assert (figure.numerator, figure.denominator) == (numerator, denominator), name
    assert (figure.value, figure.met) == (value, met), name
    assert (figure.code, figure.goal, figure.name) == (target.code, target.goal, target.name)
    assert (figure.target, figure.comparison, figure.basis) == (
        target.target,
        target.comparison,
        (target.article,),
    )


def test_a_live_target_is_not_summed(policy):
    """Tips per 10,000 residents need the unit's own population: computed for the unit."""
    assert policy.target("tip_participation").rollup == "live"
    assert rules.rollup_figure(policy.target("tip_participation"), [(1, 2)]) is None
