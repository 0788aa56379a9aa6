"""The rule book loads, and a bad one names the file, the key and the problem."""

import tomllib

import pytest

from jindu.policy.loader import PolicyError
from jindu.prevention.policy import parse_prevention_policy, policy_path


def raw():
    return tomllib.loads(policy_path().read_text(encoding="utf-8"))


def test_the_county_rule_book_loads_with_its_articles():
    policy = parse_prevention_policy(raw(), "hengyang")
    assert policy.class_hours.first_grade == 5 and policy.class_hours.last_grade == 11
    assert [k.code for k in policy.key_dates.dates] == [
        "anti_drug_law_day",
        "humen_day",
        "international_day",
        "legal_day",
    ]
    assert all(t.county_definition for t in policy.targets.values())
    assert policy.targets["publicity_coverage"].article == "方案一（四）"


@pytest.mark.parametrize(
    "change, key",
    [
        (lambda r: r["class_hours"].update(last_grade=13), "class_hours.last_grade"),
        (lambda r: r["key_dates"]["dates"][0].update(month_day="02-30"), "month_day"),
        (lambda r: r["activity_kinds"].pop(0), "activity_kinds"),
        (lambda r: r["survey"]["questions"][0].update(satisfied_from=9), "satisfied_from"),
        (lambda r: r["targets"]["publicity_coverage"].update(article="第九十九条"), "article"),
        (lambda r: r["settings"].pop(), "settings"),
    ],
)
def test_a_bad_rule_book_names_the_key(change, key):
    data = raw()
    change(data)
    with pytest.raises(PolicyError) as caught:
        parse_prevention_policy(data, "bad.toml")
    assert key in caught.value.key
    assert "bad.toml" in str(caught.value)
