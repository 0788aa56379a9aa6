"""《禁毒法》 and 《戒毒条例》 tested from the text: the YAML table in cases/, one case per
clause. A reader who knows the law can check the table without reading Python."""

import dataclasses
import datetime
from pathlib import Path

import pytest
import yaml
from django.utils import translation

from jindu.control import rules
from jindu.control.policy import control_policy

CASES_FILE = Path(__file__).parent / "cases" / "control-law.yaml"
CASES = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))


def d(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def cases(section):
    return [pytest.param(c, id=c["name"]) for c in CASES[section]]


@pytest.fixture(autouse=True)
def english():
    """The tables quote the rules' messages in their English source text."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def policy():
    # The law's book with the county plan's targets attached (policies/plan/).
    return control_policy()


def test_the_table_is_for_the_policy_in_force(policy):
    assert CASES["policy"] == policy.id


@pytest.mark.parametrize("case", cases("id_numbers"))
def test_identity_numbers(case):
    check = rules.check_id_number(
        case["number"],
        gender=case.get("gender"),
        birth_date=d(case.get("birth_date")),
        today=d(case.get("today", "2026-01-01")),
    )
    expect = case["expect"]
    assert check.valid is expect["valid"], check.errors
    if expect["valid"]:
        assert not check.errors
        assert check.birth_date == d(expect["birth_date"])
        assert check.gender == expect["gender"]
        if "number" in expect:
            assert check.number == expect["number"]
    else:
        assert any(expect["error"] in e for e in check.errors), check.errors
    assert check.basis == (rules.ID_STANDARD,)


@pytest.mark.parametrize("case", cases("reporting"))
def test_reporting_deadline(policy, case):
    outcome = rules.report_state(
        policy,
        case["kind"],
        d(case["decision"]),
        d(case.get("reported")),
        on=d(case["today"]),
        **({"good_reason": case["good_reason"]} if "good_reason" in case else {}),
    )
    expect = case["expect"]
    assert outcome.state == expect["state"], outcome.message
    assert outcome.message
    if "due" in expect:
        assert outcome.due_date == d(expect["due"])
    if "basis" in expect:
        assert list(outcome.basis) == expect["basis"]


@pytest.mark.parametrize("case", cases("terms"))
def test_terms(policy, case):
    extension = {"extension_months": case["extension_months"]} if "extension_months" in case else {}
    problems = rules.term_problems(policy, case["kind"], case.get("term_months"), **extension)
    if "problems" in case:
        assert [field for field, _, _ in problems] == case["problems"]
        assert all(message and basis for _, message, basis in problems)
        if "problem_basis" in case:
            assert [list(basis) for _, _, basis in problems] == case["problem_basis"]
        return
    assert problems == []
    term = rules.order_term(
        policy,
        case["kind"],
        decision_date=d(case["decision"]),
        reported_date=d(case.get("reported")),
        term_months=case.get("term_months"),
        **extension,
        **({"suspended_days": case["suspended_days"]} if "suspended_days" in case else {}),
    )
    expect = case["expect"]
    if expect is None:
        assert term is None
        return
    if "start" in expect:
        assert term.start == d(expect["start"])
    assert term.end == d(expect["end"])
    if "basis" in expect:
        assert list(term.basis) == expect["basis"]


@pytest.mark.parametrize("case", cases("early_release"))
def test_early_release(policy, case):
    outcome = rules.early_release(
        policy, decision_date=d(case["decision"]), release_date=d(case["release"])
    )
    expect = case["expect"]
    assert outcome.allowed is expect["allowed"]
    assert "禁毒法第四十七条" in outcome.basis
    if not outcome.allowed:
        assert outcome.date == d(expect["earliest"])
        assert outcome.message


@pytest.mark.parametrize("case", cases("expiry_notices"))
def test_expiry_notice(policy, case):
    due, basis = rules.expiry_notice_due(policy, case["kind"], d(case["end"]))
    assert due == d(case["expect"]["due"])
    assert list(basis) == case["expect"]["basis"]


def test_compulsory_isolation_has_no_township_expiry_notice(policy):
    assert (
        rules.expiry_notice_due(policy, "compulsory_isolation", datetime.date(2021, 1, 1)) is None
    )


@pytest.mark.parametrize("case", cases("transfers"))
def test_transfer_report(policy, case):
    assert rules.transfer_report_due(policy, d(case["moved"])) == d(case["expect"]["due"])
    assert policy.transfer_article == "戒毒条例第二十二条"


@pytest.mark.parametrize("case", cases("leave"))
def test_leave_needs_approval(policy, case):
    rule = rules.leave_rule(policy, d(case["from"]), d(case["to"]))
    assert rule.needs_approval is case["expect"]["needs_approval"]
    assert rule.days == case["expect"]["days"]
    assert rule.basis == ("戒毒条例第十九条",)


@pytest.mark.parametrize("case", cases("absences"))
def test_absences(case):
    leaves = [
        rules.LeaveFacts(d(r["from"]), d(r["to"]), r["approved"], d(r.get("returned")))
        for r in case["leaves"]
    ]
    assert rules.absences(leaves, d(case["today"])) == (
        case["expect"]["times"],
        case["expect"]["days"],
    )


@pytest.mark.parametrize("case", cases("breach"))
def test_serious_breach(policy, case):
    outcome = rules.serious_breach(policy, rules.BreachFacts(**case["facts"]))
    expect = case["expect"]
    assert outcome.serious is expect["serious"]
    assert [r.code for r in outcome.reasons] == expect["reasons"]
    assert list(outcome.basis) == expect.get("basis", ["戒毒条例第二十条"])
    if outcome.serious:
        assert list(outcome.report_basis) == ["戒毒条例第二十一条"]
        assert outcome.message and all(r.message for r in outcome.reasons)
    else:
        assert outcome.report_basis == () and outcome.message == ""


def test_missed_tests_count_only_where_the_rule_book_says_so(policy):
    """戒毒条例第二十条: 逃避或者拒绝接受检测; a rule book may count refusals alone."""
    facts = rules.BreachFacts(refused_tests=2, missed_tests=1)
    assert rules.serious_breach(policy, facts).serious is True
    refusals_only = dataclasses.replace(
        policy, breach=dataclasses.replace(policy.breach, counts_missed_tests=False)
    )
    assert rules.serious_breach(refusals_only, facts).serious is False
    facts = rules.BreachFacts(refused_tests=3, missed_tests=0)
    assert rules.serious_breach(refusals_only, facts).serious is True


def test_a_ground_the_facts_do_not_state_is_not_present(policy):
    """禁毒法第三十八条: only the grounds the facts establish count; a further ground a rule
    book may add is absent until the facts say it is."""
    extra = rules_policy_ground()
    wider = dataclasses.replace(
        policy,
        escalation=dataclasses.replace(
            policy.escalation, grounds=(*policy.escalation.grounds, extra)
        ),
    )
    assert rules.escalation_proposal(wider, rules.EscalationFacts()) is None


def rules_policy_ground():
    from jindu.control.policy import Ground

    return Ground("further_ground", "其他情形", "第（五）项")


@pytest.mark.parametrize("case", cases("exemptions"))
def test_isolation_exemptions(policy, case):
    outcome = rules.isolation_exemption(
        policy,
        gender=case["gender"],
        birth_date=d(case["birth_date"]),
        on=d(case["today"]),
        **({"pregnant": case["pregnant"]} if "pregnant" in case else {}),
        infant_birth_date=d(case.get("infant_birth_date")),
    )
    assert outcome.state == case["expect"]["state"]
    assert list(outcome.basis) == case["expect"].get("basis", list(outcome.basis))
    if outcome.state != rules.APPLICABLE:
        assert outcome.basis == ("禁毒法第三十九条",) and outcome.message


@pytest.mark.parametrize("case", cases("escalation"))
def test_escalation_is_only_proposed(policy, case):
    exemption = None
    if "exemption" in case:
        exemption = rules.Exemption(case["exemption"], ("禁毒法第三十九条",), "…")
    proposal = rules.escalation_proposal(policy, rules.EscalationFacts(**case["facts"]), exemption)
    expect = case["expect"]
    if expect is None:
        assert proposal is None
        return
    assert proposal.to_kind == expect["to_kind"]
    if "basis" in expect:
        assert list(proposal.basis) == expect["basis"]
    if "exemption" in expect:
        assert proposal.exemption.state == expect["exemption"]
    assert proposal.message and proposal.grounds


@pytest.mark.parametrize("case", cases("schedules"))
def test_test_schedules(policy, case):
    windows = rules.schedule_windows(policy, case["kind"], d(case["start"]), d(case["end"]))
    expect = case["expect"]
    assert len(windows) == expect["count"]
    per_year = {}
    for w in windows:
        per_year[w.year] = per_year.get(w.year, 0) + 1
        assert w.start <= w.end
    assert per_year == expect["per_year"]
    assert [w.number for w in windows] == list(range(1, len(windows) + 1))
    assert windows[-1].end <= d(case["end"])
    if "first" in expect:
        assert [windows[0].start, windows[0].end] == [d(x) for x in expect["first"]]
        assert [windows[-1].start, windows[-1].end] == [d(x) for x in expect["last"]]
    assert len(windows) >= policy.order_kind(case["kind"]).minimum_tests or expect["count"] < 12


@pytest.mark.parametrize("case", cases("schedule_states"))
def test_schedule_state(policy, case):
    windows = rules.schedule_windows(policy, case["kind"], d(case["start"]), d(case["end"]))
    states = rules.schedule_state(
        windows, [(d(t[0]), t[1]) for t in case["tests"]], d(case["today"])
    )
    assert [s.window.number for s in states if s.tested] == case["expect"]["tested"]
    assert [s.window.number for s in states if s.overdue] == case["expect"]["overdue"]


@pytest.mark.parametrize("case", cases("abstinence"))
def test_three_clean_years(policy, case):
    outcome = rules.abstinence(
        policy,
        measures_ended=d(case["measures_ended"]),
        measure_active=case.get("active", False),
        positive_dates=[d(x) for x in case.get("positives", [])],
        on=d(case["today"]),
    )
    expect = case["expect"]
    assert outcome.eligible is expect["eligible"]
    assert outcome.basis == ("戒毒条例第七条",)
    assert outcome.message
    for key in ("clean_from", "eligible_on"):
        if key in expect:
            assert getattr(outcome, key) == d(expect[key])


@pytest.mark.parametrize("case", cases("indicators"))
def test_indicator_values(policy, case):
    result = rules.indicator(policy, case["code"], case["numerator"], case["denominator"])
    for key, value in case["expect"].items():
        assert getattr(result, key) == value, key
    assert result.basis == ("方案一（三）",)


def test_every_clause_has_a_case():
    names = " ".join(
        c["name"] for section in CASES.values() if isinstance(section, list) for c in section
    )
    for article in (
        "禁毒法第三十三条",
        "禁毒法第三十八条第一款第（一）项",
        "禁毒法第三十八条第一款第（二）项",
        "禁毒法第三十八条第一款第（三）项",
        "禁毒法第三十八条第一款第（四）项",
        "禁毒法第三十九条",
        "禁毒法第四十七条",
        "禁毒法第四十八条",
        "戒毒条例第七条",
        "戒毒条例第十四条",
        "戒毒条例第十九条",
        "戒毒条例第二十条",
        "戒毒条例第二十二条",
        "戒毒条例第二十三条",
        "戒毒条例第二十四条",
        "戒毒条例第三十八条",
        "戒毒条例第四十条",
        "方案一（三）",
        "GB 11643",
    ):
        assert article in names, article


@pytest.mark.parametrize("case", cases("control_indicators"))
def test_control_indicators(policy, case):
    persons = [rules.PersonFacts(**p) for p in case["persons"]]
    orders = [
        rules.OrderFacts(
            id=o["id"],
            person_id=o["id"],
            kind=o["kind"],
            decision_date=d(o["decision"]),
            reported_date=d(o.get("reported")),
            executed_date=d(o.get("executed")),
        )
        for o in case["orders"]
    ]
    today = {"today": d(case["today"])} if "today" in case else {}
    indicators = rules.control_indicators(
        policy, persons, orders, d(case["from"]), d(case["to"]), **today
    )
    found = {i.code: [i.numerator, i.denominator] for i in indicators}
    for code, expected in case["expect"].items():
        assert found[code] == expected, (code, found[code])
    pending = {i.code: i.pending for i in indicators}
    for code, expected in case.get("pending", {}).items():
        assert pending[code] == expected, (code, pending[code])


def test_a_check_digit_needs_exactly_17_digits():
    """GB 11643: the check character is computed over the 17 body digits, no more, no fewer."""
    assert rules.check_digit("43042119851127561") == "3"
    for body in ("4304211985112756", "430421198511275612"):
        with pytest.raises(ValueError):
            rules.check_digit(body)
