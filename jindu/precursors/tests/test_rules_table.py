"""The precursor rules tested from the text: the YAML table in cases/, one case per
clause, on the rule books in force. A reader who knows the law can check the table without
reading Python."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.utils import translation

from jindu.precursors import policy, rules

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "precursors.yaml").read_text("utf-8"))


def d(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def q(value):
    return None if value is None else Decimal(str(value))


def cases(section):
    return [pytest.param(c, id=c["name"]) for c in CASES[section]]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def law():
    policy.reset_cache()
    return policy.national_policy()


@pytest.fixture(scope="module")
def county():
    return policy.county_policy()


def test_the_table_is_for_the_rule_books_in_force(law, county):
    assert (CASES["national"], CASES["county"]) == (law.id, county.id)


@pytest.mark.parametrize("case", cases("credit_codes"))
def test_credit_codes(case):
    problem = rules.check_credit_code(case["code"])
    if case["valid"]:
        assert problem is None
    else:
        assert problem and case["error"] in problem


@pytest.mark.parametrize("case", cases("reconcile"))
def test_reconciliation(case, law, county):
    balance = rules.reconcile(
        law,
        county,
        date_from=d(case["date_from"]),
        date_to=d(case["date_to"]),
        entries=[(d(day), movement, q(n)) for day, movement, n in case["entries"]],
    )
    e = case["expect"]
    assert balance.opening == q(e["opening"])
    assert (balance.qty_in, balance.qty_out) == (q(e["in"]), q(e["out"]))
    assert balance.expected_closing == q(e["expected"])
    assert balance.counted == q(e["counted"])
    assert balance.difference == q(e["difference"])
    assert balance.reconciled is e["reconciled"]


def _papers(rows, chemical="x"):
    return tuple(
        rules.Paper(
            kind=p["kind"],
            number=p.get("number", "N1"),
            chemicals=frozenset([chemical]),
            valid_from=d(p["from"]),
            valid_to=d(p["to"]),
            annual_quantity=q(p.get("annual")),
            revoked_on=d(p.get("revoked")),
        )
        for p in rows or ()
    )


@pytest.mark.parametrize("case", cases("entry_flags"))
def test_flags_an_entry_raises_by_itself(case, law):
    facts = dict(case["facts"])
    found = rules.entry_flags(
        law,
        rules.EntryFacts(
            movement=facts["movement"],
            date=d(facts.get("date", "2025-06-01")),
            chemical="x",
            category=str(facts["category"]),
            quantity=q(facts["quantity"]),
            payment=facts.get("payment", ""),
            counterparty_registered=facts.get("counterparty_registered", False),
            counterparty_licence=facts.get("counterparty_licence", ""),
            buyer_papers=_papers(facts.get("buyer_papers")),
            own_papers=_papers(facts.get("own_papers")),
            year_purchased_before=q(facts.get("year_purchased_before", 0)),
            prescribed=facts.get("prescribed", False),
            transport_licence=facts.get("transport_licence", ""),
        ),
    )
    expected = case["expect"]
    assert [f.rule for f in found] == [e["rule"] for e in expected]
    for flag, e in zip(found, expected, strict=True):
        assert list(flag.basis) == e["basis"]
        if "amount" in e:
            assert flag.amount == q(e["amount"])
        if "limit" in e:
            assert flag.limit == q(e["limit"])


def _check(spec, expect):
    if expect is None:
        assert spec is None
        return
    assert spec is not None
    assert spec.rule == expect["rule"]
    assert list(spec.basis) == expect["basis"]


@pytest.mark.parametrize("case", cases("late_filing"))
def test_sales_filing_deadlines(case, law):
    spec = rules.late_filing(
        law, str(case["category"]), d(case["sale"]), d(case["filed"]), d(case["as_of"])
    )
    _check(spec, case["expect"])
    if case["expect"]:
        assert spec.ref_date == d(case["expect"]["deadline"])


@pytest.mark.parametrize("case", cases("unmatched"))
def test_sales_matched_by_the_buyers_purchase(case, county):
    spec = rules.unmatched_sale(
        county,
        d(case["sale"]),
        q(case["quantity"]),
        [(d(day), q(n)) for day, n in case["purchases"]],
        d(case["as_of"]),
    )
    _check(spec, case["expect"])


@pytest.mark.parametrize("case", cases("unusual"))
def test_unusual_purchases(case, county):
    history = {k: q(v) for k, v in case["history"].items()}
    _check(rules.unusual_purchase(county, q(case["month_total"]), history), case["expect"])


@pytest.mark.parametrize("case", cases("repeat_buyer"))
def test_repeated_ephedrine_buyers(case, county):
    _check(rules.repeat_buyer(county, case["purchases"]), case["expect"])


@pytest.mark.parametrize("case", cases("annual_report"))
def test_annual_reports(case, law):
    spec = rules.missing_annual_report(law, case["year"], d(case["submitted"]), d(case["as_of"]))
    _check(spec, case["expect"])
    if case["expect"]:
        assert spec.ref_date == d(case["expect"]["due"])


@pytest.mark.parametrize("case", cases("bands"))
def test_criminal_quantity_bands(case, law):
    entry = next(e for e in law.catalogue if e.code == case["chemical"])
    result = rules.classify_quantity(law, entry.band_lower, entry.band_upper, q(case["kg"]))
    assert result.level == case["expect"]["level"]
    assert list(result.basis) == case["expect"]["basis"]


@pytest.mark.parametrize("case", cases("filing_validity"))
def test_operating_filing_validity(case, law):
    valid_to = rules.filing_valid_to(law, d(case["valid_from"]))
    assert valid_to == d(case["expect"]["valid_to"])
    assert rules.renewal_reminder(law, valid_to) == d(case["expect"]["reminder"])


@pytest.mark.parametrize("case", cases("indicators"))
def test_indicators(case, county):
    result = rules.indicator(county, case["code"], case["numerator"], case["denominator"])
    e = case["expect"]
    assert (result.value, result.met) == (e["value"], e["met"])
    assert list(result.basis) == e["basis"]


def test_a_check_character_needs_exactly_17_characters():
    """GB 32100-2015: the check character is computed over the 17 characters before it."""
    assert rules.credit_check_character("91430421MA4L00016") == "0"
    for body in ("91430421MA4L0001", "91430421MA4L000160"):
        with pytest.raises(ValueError):
            rules.credit_check_character(body)


def test_a_substance_without_an_upper_band_is_not_classified(law):
    """刑法第三百五十条: a substance the rule book gives no upper quantity for has no band."""
    result = rules.classify_quantity(law, Decimal(1), None, Decimal(5))
    assert (result.level, result.basis) == ("", ())


def test_flags_are_closed_within_the_county_number_of_days(county):
    """方案一（五）: a flag is closed within ``close_within_days`` of being raised."""
    raised = datetime.date(2025, 6, 1)
    assert rules.flag_due(county, raised) == raised + datetime.timedelta(
        days=county.close_within_days
    )
    assert county.close_within_days == 30


def test_papers_required_for_each_activity(county):
    """方案四（一）五是: each activity needs one of its kinds of paper; others need none."""
    assert rules.required_papers(county, ["trade", "storage"]) == [
        county.licence_requirements["trade"]
    ]
    assert rules.papers_complete(county, ["trade"], ["operation_filing"]) is True
    assert rules.papers_complete(county, ["trade", "use"], ["operation_filing"]) is False
    assert rules.papers_complete(county, ["storage"], []) is True
