"""The registry's rule book: it loads, covers every goal, and names the area's own targets
with the area's own target values (one definition, in the area's rule book)."""

import pytest

from jindu.indicators.policy import GOALS, indicator_policy, loads, policy_path
from jindu.policy.loader import PolicyError


def test_every_goal_has_targets_and_every_article_exists():
    policy = indicator_policy()
    assert {t.goal for t in policy.targets} == set(GOALS)
    for t in policy.targets:
        assert t.article in policy.articles


def test_the_registry_agrees_with_each_areas_rule_book():
    from jindu.control.policy import control_policy
    from jindu.enforcement.policy import enforcement_policy
    from jindu.precursors.policy import county_policy
    from jindu.prevention.policy import prevention_policy

    area_targets = {
        "control": {t.code: t.target for t in control_policy().targets},
        "enforcement": {t.code: t.target for t in enforcement_policy().targets},
        "precursors": {i.code: i.target for i in county_policy().indicators},
        "prevention": {c: t.target for c, t in prevention_policy().targets.items()},
    }
    for t in indicator_policy().targets:
        if t.area == "organisation":
            continue
        assert t.area_code in area_targets[t.area], t.code
        if t.comparison == "rises":
            assert area_targets[t.area][t.area_code] is None, t.code
            continue
        assert float(area_targets[t.area][t.area_code]) == t.target, t.code


def test_a_missing_goal_is_refused_with_file_and_key():
    text = (
        policy_path().read_text(encoding="utf-8").replace('goal = "precursors"', 'goal = "control"')
    )
    with pytest.raises(PolicyError, match=r"targets.*precursors"):
        loads(text, "x.toml")


def test_an_unknown_article_is_refused():
    text = (
        policy_path()
        .read_text(encoding="utf-8")
        .replace('article = "方案一（五）"', 'article = "方案九"', 1)
    )
    with pytest.raises(PolicyError, match=r"not in \[articles\]"):
        loads(text)


def test_an_unknown_action_is_refused():
    text = (
        policy_path()
        .read_text(encoding="utf-8")
        .replace('actions = ["notice"]', 'actions = ["list_it"]')
    )
    with pytest.raises(PolicyError, match="actions"):
        loads(text)
