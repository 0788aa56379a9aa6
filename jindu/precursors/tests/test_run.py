"""The set-based run raises exactly what the rules say, once (it is idempotent)."""

import datetime

import pytest

from jindu.precursors import run, services
from jindu.precursors.models import Flag
from jindu.supervision.models import Obligation

from . import factories as f

D = datetime.date


@pytest.fixture
def chem(db):
    return f.catalogue()


@pytest.fixture
def pair(world, chem):
    seller = f.enterprise(world.township_a, name="甲镇经销公司")
    buyer = f.enterprise(world.township_a, name="甲镇用户厂", activities=("use",))
    f.licence(buyer, [chem["acetone"], chem["acetic_anhydride"]], kind="purchase_filing")
    return seller, buyer


def flags_of(rule):
    return list(Flag.objects.filter(rule=rule))


def test_a_sale_filed_late_and_one_never_filed(world, chem, pair):
    seller, buyer = pair
    f.entry(seller, chem["acetone"], "sale", "10", D(2025, 3, 1), counterparty=buyer,
            filed_on=D(2025, 4, 5))  # fmt: skip
    f.entry(seller, chem["acetone"], "sale", "10", D(2025, 3, 2), counterparty=buyer,
            filed_on=D(2025, 3, 20))  # fmt: skip
    f.entry(seller, chem["acetone"], "sale", "10", D(2025, 3, 3), counterparty=buyer)
    run.run_period(None, D(2025, 3, 1), D(2025, 3, 31), as_of=D(2025, 4, 10))
    late = flags_of("late_filing")
    assert sorted(x.entry.date.day for x in late) == [1, 3]
    assert all(x.basis == "易制毒条例第十九条" for x in late)


def test_a_sale_the_buyer_never_entered_is_unmatched(world, chem, pair):
    seller, buyer = pair
    matched = f.entry(seller, chem["acetone"], "sale", "10", D(2025, 3, 1), counterparty=buyer)
    f.entry(buyer, chem["acetone"], "purchase", "10", D(2025, 3, 3), counterparty=seller)
    lost = f.entry(seller, chem["acetone"], "sale", "20", D(2025, 3, 5), counterparty=buyer)
    run.run_period(None, D(2025, 3, 1), D(2025, 3, 31), as_of=D(2025, 4, 10))
    unmatched = flags_of("unmatched_sale")
    assert [x.entry_id for x in unmatched] == [lost.pk]
    assert matched.pk not in [x.entry_id for x in unmatched]
    assert unmatched[0].period == "2025-03"


def test_an_unusual_purchase_against_the_enterprises_own_history(world, chem, pair):
    _seller, buyer = pair
    for month in (1, 2, 3):
        f.entry(buyer, chem["acetone"], "purchase", "100", D(2025, month, 5))
    f.entry(buyer, chem["acetone"], "purchase", "400", D(2025, 4, 5))
    # The history is the stored monthly reconciliations: the months before are run too.
    run.run_period(None, D(2025, 1, 1), D(2025, 4, 30), as_of=D(2025, 5, 1))
    [flag] = flags_of("unusual_purchase")
    assert flag.amount == 400 and flag.limit == 300


def test_one_buyer_at_several_pharmacies_is_reported_to_each(world, chem):
    a = f.enterprise(world.township_a, name="甲镇大药房", sector="pharmaceutical",
                     activities=("retail_pharmacy",))  # fmt: skip
    b = f.enterprise(world.township_b, name="乙乡药店", sector="pharmaceutical",
                     activities=("retail_pharmacy",))  # fmt: skip
    buyer = "430421199001011233"
    for shop, day in ((a, 2), (a, 9), (b, 16), (b, 23)):
        f.entry(shop, chem["ephedrine_compound_tablets"], "sale", "1", D(2025, 3, day),
                buyer_id_number=buyer)  # fmt: skip
    run.run_period(None, D(2025, 3, 1), D(2025, 3, 31), as_of=D(2025, 4, 1))
    flags = flags_of("ephedrine_repeat_buyer")
    assert sorted(x.enterprise_id for x in flags) == sorted([a.pk, b.pk])
    assert all(x.amount == 4 for x in flags)
    line = a.ledger.first()
    assert line.buyer_id_masked == "430421********1233" and buyer not in line.buyer_id_hash


def test_a_missing_annual_report_is_flagged_after_31_march(world, chem, pair):
    seller, buyer = pair
    services.record_annual_report(None, seller, year=2024, submitted_on=D(2025, 3, 20))
    run.run_period(None, D(2025, 4, 1), D(2025, 4, 30), as_of=D(2025, 4, 2))
    assert [x.enterprise_id for x in flags_of("missing_annual_report")] == [buyer.pk]


def test_the_annual_report_obligation_is_fulfilled_by_the_report(world, chem, pair):
    seller, _buyer = pair
    assert services.annual_report_obligations(None, D(2025, 1, 10)) == 2
    assert services.annual_report_obligations(None, D(2025, 1, 11)) == 0
    services.record_annual_report(None, seller, year=2024, submitted_on=D(2025, 3, 20))
    obligation = Obligation.objects.get(source_id=str(seller.pk), kind="precursor_annual_report")
    assert obligation.status == "fulfilled"


def test_a_closed_flag_stays_closed_when_the_run_repeats(world, chem, pair):
    seller, buyer = pair
    f.entry(seller, chem["acetone"], "sale", "10", D(2025, 3, 3), counterparty=buyer)
    run.run_period(None, D(2025, 3, 1), D(2025, 3, 31), as_of=D(2025, 4, 10))
    flag = Flag.objects.get(rule="late_filing")
    services.close_flag(world.users["office_admin"], flag, outcome="corrected", note="已补备案")
    again = run.run_period(None, D(2025, 3, 1), D(2025, 3, 31), as_of=D(2025, 4, 10))
    assert again.flags_raised == 0
    flag.refresh_from_db()
    assert flag.status == "closed"


def test_closing_needs_an_outcome_and_a_case_number_for_a_criminal_case(world, chem, pair):
    seller, buyer = pair
    f.entry(seller, chem["acetone"], "sale", "10", D(2025, 3, 3), counterparty=buyer,
            payment="cash")  # fmt: skip
    flag = Flag.objects.get(rule="cash_payment")
    with pytest.raises(services.Refused) as exc:
        services.close_flag(None, flag, outcome="criminal_case", note="立案")
    assert "case" in exc.value.errors
    with pytest.raises(services.Refused):
        services.close_flag(None, flag, outcome="", note="x")
