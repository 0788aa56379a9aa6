import datetime
from decimal import Decimal

import pytest

from jindu.audit.models import AuditEvent
from jindu.core.errors import Conflict, NotAllowed, Refused
from jindu.precursors import run, services
from jindu.precursors.models import Flag, LedgerEntry, Reconciliation
from jindu.supervision.models import Obligation

from . import factories as f

D = datetime.date


@pytest.fixture
def chem(db):
    return f.catalogue()


def test_the_catalogue_loads_once_and_keeps_the_offices_edits(world, chem):
    assert len([c for c in chem.values() if c.category in ("1", "2", "3")]) == 38
    acetone = chem["acetone"]
    services.save_chemical(world.users["office_admin"], acetone, note="县禁毒办备注")
    counts = services.load_catalogue(None)
    assert counts["created"] == 0 and counts["kept"] == 1
    acetone.refresh_from_db()
    assert acetone.note == "县禁毒办备注"


def test_only_the_office_edits_the_catalogue(world, chem):
    with pytest.raises(NotAllowed):
        services.save_chemical(world.users["station_a"], chem["acetone"], note="x")


def test_a_bad_credit_code_is_refused_naming_the_field(world, chem):
    before = AuditEvent.objects.count()
    with pytest.raises(Refused) as exc:
        f.enterprise(world.township_a, credit_code="91430421MA0000001Y")
    assert "credit_code" in exc.value.errors
    assert AuditEvent.objects.count() == before


def test_the_station_is_found_from_the_township(world, chem):
    company = f.enterprise(world.township_a)
    assert company.station == world.station_a


def test_a_sale_in_cash_to_an_unlicensed_buyer_raises_two_flags(world, chem):
    seller = f.enterprise(world.township_a)
    buyer = f.enterprise(world.township_a, name="甲镇用户厂")
    f.entry(seller, chem["acetone"], "sale", "100", D(2025, 3, 1), counterparty=buyer,
            payment="cash")  # fmt: skip
    rules_raised = set(Flag.objects.values_list("rule", flat=True))
    assert rules_raised == {"cash_payment", "unlicensed_sale"}
    flag = Flag.objects.get(rule="cash_payment")
    assert "易制毒条例第五条" in flag.basis


def test_bad_input_is_refused_and_changes_nothing(world, chem):
    company = f.enterprise(world.township_a)
    for data, field in (
        ({"quantity": "-1"}, "quantity"),
        ({"chemical": "no_such"}, "chemical"),
        ({"date": datetime.date.today() + datetime.timedelta(days=2)}, "date"),
    ):
        values = {"chemical": chem["acetone"], "movement": "use", "quantity": "5",
                  "date": D(2025, 1, 5), "document_no": "X1", **data}  # fmt: skip
        with pytest.raises(Refused) as exc:
            services.record_entry(None, company, **values)
        assert field in exc.value.errors
    assert not LedgerEntry.objects.exists()


def test_a_duplicate_document_number_is_refused_an_identical_line_is_not(world, chem):
    company = f.enterprise(world.township_a)
    first = f.entry(company, chem["acetone"], "use", "5", D(2025, 1, 5), document_no="U1")
    again = f.entry(company, chem["acetone"], "use", "5", D(2025, 1, 5), document_no="U1")
    assert again.pk == first.pk
    with pytest.raises(Conflict):
        f.entry(company, chem["acetone"], "use", "6", D(2025, 1, 5), document_no="U1")
    assert LedgerEntry.objects.count() == 1


def test_the_run_reconciles_and_flags_a_stock_gap_once(world, chem):
    company = f.enterprise(world.township_a)
    acetone = chem["acetone"]
    f.licence(company, [acetone])
    f.entry(company, acetone, "stock_count", "10", D(2025, 1, 31))
    f.entry(company, acetone, "purchase", "50", D(2025, 2, 3))
    f.entry(company, acetone, "use", "20", D(2025, 2, 10))
    f.entry(company, acetone, "stock_count", "35", D(2025, 2, 28))
    office = world.users["office_admin"]
    result = run.run_period(office, D(2025, 2, 1), D(2025, 2, 28), as_of=D(2025, 4, 1))
    row = Reconciliation.objects.get(period="2025-02")
    assert (row.opening, row.qty_in, row.qty_out) == (10, 50, 20)
    assert row.expected_closing == 40 and row.counted == 35 and row.difference == -5
    assert result.flags["stock_mismatch"] == 1
    again = run.run_period(office, D(2025, 2, 1), D(2025, 2, 28), as_of=D(2025, 4, 1))
    assert again.flags_raised == 0
    assert Reconciliation.objects.count() == 1
    balance = run.reconcile_pair(company.pk, acetone.pk, D(2025, 2, 1), D(2025, 2, 28))
    assert balance.difference == Decimal("-5")


def test_only_the_office_runs_the_flags(world, chem):
    with pytest.raises(NotAllowed):
        run.run_period(world.users["station_a"], D(2025, 2, 1), D(2025, 2, 28))


def test_a_renewable_filing_becomes_an_obligation(world, chem):
    company = f.enterprise(world.township_a)
    licence = f.licence(company, [chem["acetone"]], kind="operation_filing",
                        valid_from=D(2024, 1, 1), valid_to=D(2026, 12, 31))  # fmt: skip
    obligation = Obligation.objects.get(source_id=str(licence.pk))
    assert obligation.kind == "precursor_renewal" and obligation.due_date == D(2026, 12, 31)
