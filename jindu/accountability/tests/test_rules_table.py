"""Articles 21–33 tested from the text: the YAML tables in cases/, one case per clause."""

import dataclasses
import datetime
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from jindu.accountability import rules
from jindu.policy.loader import load_policy

CASES = yaml.safe_load(
    (Path(__file__).parent / "cases" / "hengyang-2018.yaml").read_text(encoding="utf-8")
)
POLICY = Path(settings.BASE_DIR) / "policies" / "hengyang-2018.toml"


def d(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def tenures(rows):
    return [
        rules.Tenure(r["id"], r["role"], r["holder"], d(r["start"]), d(r.get("end"))) for r in rows
    ]


def cases(section):
    return [pytest.param(c, id=c["name"]) for c in CASES[section]]


def simplify(proposals):
    return [
        {k: v for k, v in {"kind": p.kind, "position": p.position_id}.items() if v is not None}
        for p in proposals
    ]


def matches(proposal, expected):
    if proposal.kind != expected["kind"] or proposal.position_id != expected.get("position"):
        return False
    if "basis" in expected and list(proposal.basis) != expected["basis"]:
        return False
    if "once_per_listing" in expected and proposal.once_per_listing != expected["once_per_listing"]:
        return False
    return not ("effective_to" in expected and proposal.effective_to != d(expected["effective_to"]))


@pytest.fixture(scope="module")
def policy():
    return load_policy(POLICY)


@pytest.mark.parametrize("case", cases("listing"))
def test_listing_brings(policy, case):
    proposals = rules.listing_proposals(
        policy,
        level=case["level"],
        listed_on=d(case["listed_on"]),
        tenures=tenures(case["tenures"]),
        unit_level=case.get("unit_level", "township"),
    )
    assert len(proposals) == len(case["expect"]), simplify(proposals)
    for expected in case["expect"]:
        assert any(matches(p, expected) for p in proposals), (expected, simplify(proposals))
    assert all(p.basis and p.reason for p in proposals)
    # The order of the consequences in the rule book decides nothing.
    reordered = dataclasses.replace(policy, consequences=tuple(reversed(policy.consequences)))
    again = rules.listing_proposals(
        reordered,
        level=case["level"],
        listed_on=d(case["listed_on"]),
        tenures=tenures(case["tenures"]),
        unit_level=case.get("unit_level", "township"),
    )
    assert sorted(map(repr, again)) == sorted(map(repr, proposals))


@pytest.mark.parametrize("case", cases("city"))
def test_city_listing_brings(policy, case):
    proposals = rules.city_listing_proposals(
        policy,
        city_level=case["city_level"],
        listed_on=d(case["listed_on"]),
        tenures=tenures(case["tenures"]),
    )
    assert len(proposals) == len(case["expect"]), simplify(proposals)
    for expected in case["expect"]:
        assert any(matches(p, expected) for p in proposals), (expected, simplify(proposals))


@pytest.mark.parametrize("case", cases("deadlines"))
def test_missing_a_deadline_brings(policy, case):
    trigger = rules.missed_deadline(
        policy,
        level=case["level"],
        extensions_used=case["extensions_used"],
        due_date=d(case["due"]),
        today=d(case["today"]),
    )
    assert trigger == case["expect"]["trigger"]
    proposals = (
        []
        if trigger is None
        else rules.deadline_proposals(
            policy,
            trigger=trigger,
            level=case["level"],
            listed_on=d(case["listed_on"]),
            due_date=d(case["due"]),
            tenures=tenures(case["tenures"]),
            unit_level=case.get("unit_level", "township"),
        )
    )
    assert len(proposals) == len(case["expect"]["proposals"]), simplify(proposals)
    for expected in case["expect"]["proposals"]:
        assert any(matches(p, expected) for p in proposals), (expected, simplify(proposals))


@pytest.mark.parametrize("case", cases("eligibility"))
def test_eligibility(case):
    restrictions = [
        rules.Restriction(
            kind=r["kind"],
            status=r["status"],
            basis=tuple(r["basis"]),
            text=r["kind"],
            effective_from=d(r.get("from")),
            effective_to=d(r.get("to")),
            still_listed=r.get("still_listed", True),
            ended_on=d(r.get("ended_on")),
        )
        for r in case["restrictions"]
    ]
    answer = rules.eligibility(d(case["date"]), restrictions)
    assert answer.award is case["expect"]["award"]
    assert answer.promotion is case["expect"]["promotion"]
    assert len(answer.reasons) == case["expect"]["reasons"]
    assert all(basis for _, basis in answer.reasons)
    if "texts" in case["expect"]:
        assert [text for text, _ in answer.reasons] == case["expect"]["texts"]


@pytest.mark.parametrize("case", cases("duties"))
def test_township_duties(policy, case):
    records = {k: (v, "") for k, v in case.get("records", {}).items()}
    states = {
        s.code: s
        for s in rules.duty_checklist(
            policy, tenures=tenures(case["tenures"]), records=records, on=d(case["date"])
        )
    }
    for code, expected in case["expect"].items():
        assert states[code].met is expected, (code, states[code])
    assert states["director_is_party_secretary"].derived is True
    # Every other duty is what the office recorded, not derived from the register.
    assert not any(s.derived for c, s in states.items() if c != "director_is_party_secretary")


@pytest.mark.parametrize("case", cases("inspections"))
def test_yearly_inspection(case):
    listings = {int(k): d(v) for k, v in case["listings"].items()}
    inspected = case["inspected"]
    inspected = (
        {int(k): v for k, v in inspected.items()} if isinstance(inspected, dict) else set(inspected)
    )
    per_year = {"per_year": case["per_year"]} if "per_year" in case else {}
    found = rules.not_inspected(listings, inspected, case["year"], **per_year)
    assert found == case["expect"]


@pytest.mark.parametrize("case", cases("level_left"))
def test_restriction_ends_when_the_level_is_left(case):
    decisions = [(d(day), level, status) for day, level, status in case["decisions"]]
    found = rules.level_left_on(case["levels"], d(case["since"]), decisions)
    assert found == d(case["expect"])


@pytest.mark.parametrize("case", cases("holders"))
def test_same_holder(case):
    assert rules.same_holder(tuple(case["a"]), tuple(case["b"])) is case["expect"]


def test_every_article_from_21_to_33_is_covered_somewhere():
    text = (Path(__file__).parent / "cases" / "hengyang-2018.yaml").read_text(encoding="utf-8")
    for number in (
        "第二十一条",
        "第二十二",
        "第二十四条",
        "第二十五",
        "第二十六",
        "第二十七",
        "第二十九条",
        "第三十条（一）",
        "第三十条（二）",
        "第三十条（二）（三）",
        "第三十一条第一款",
        "第三十一条第二款",
    ):
        assert number in text, number
