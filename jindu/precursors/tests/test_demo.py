import pytest

from jindu.precursors.demo import load_demo_precursors
from jindu.precursors.models import ChemicalInspection, Enterprise, Flag, Reconciliation


@pytest.mark.django_db
def test_the_demo_shows_every_kind_of_gap_once():
    from jindu.orgs.demo import load_demo

    load_demo()
    added = load_demo_precursors()
    assert 35 <= added <= 45
    assert set(Enterprise.objects.values_list("sector", flat=True)) == {
        "chemical", "pharmaceutical", "medical"}  # fmt: skip
    rules = set(Flag.objects.values_list("rule", flat=True))
    for rule in ("cash_payment", "unlicensed_sale", "unmatched_sale", "late_filing",
                 "stock_mismatch", "unusual_purchase", "unlicensed_transport",
                 "ephedrine_over_packs", "ephedrine_repeat_buyer"):  # fmt: skip
        assert rule in rules, rule
    assert Reconciliation.objects.filter(reconciled=True).count() > 100
    assert ChemicalInspection.objects.filter(outcome="rectify").exists()
    assert load_demo_precursors() == 0
