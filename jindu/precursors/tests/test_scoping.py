"""Who sees which enterprise: the office and the police (公安局) all; a station its
townships; 市场监管 pharmaceutical, 应急管理 chemical; a township its own."""

import pytest

from jindu.core.scoping import CHANGE, VIEW
from jindu.precursors.models import Enterprise, LedgerEntry

from . import factories as f


@pytest.fixture
def setup(world, db):
    chem = f.catalogue()
    units = f.regulators(world)
    chemical_a = f.enterprise(world.township_a, name="甲镇化工")
    pharmacy_b = f.enterprise(world.township_b, name="乙乡药店", sector="pharmaceutical",
                              activities=("retail_pharmacy",))  # fmt: skip
    f.entry(pharmacy_b, chem["ephedrine_compound_tablets"], "sale", "1", "2025-03-01",
            buyer_id_number="430421199001011233")  # fmt: skip
    return world, units, chemical_a, pharmacy_b


def visible(user, model=Enterprise, action=VIEW):
    return set(model.objects.restrict(user, action).values_list("pk", flat=True))


def test_each_role_sees_its_enterprises(setup):
    world, units, chemical_a, pharmacy_b = setup
    both = {chemical_a.pk, pharmacy_b.pk}
    assert visible(world.users["office_admin"]) == both
    assert visible(world.users["leader"]) == both
    assert visible(units["public_security"][1]) == both
    assert visible(units["market_regulation"][1]) == {pharmacy_b.pk}
    assert visible(units["emergency_management"][1]) == {chemical_a.pk}
    assert visible(world.users["station_a"]) == {chemical_a.pk}
    assert visible(world.users["township_a"]) == {chemical_a.pk}
    assert visible(world.users["township_b"]) == {pharmacy_b.pk}
    assert visible(world.users["member"]) == set()  # 县教育局 regulates nothing
    assert visible(world.users["grid_a"]) == set()


def test_records_follow_their_enterprise(setup):
    world, units, _chemical_a, _pharmacy_b = setup
    entry = LedgerEntry.objects.get()
    assert visible(units["market_regulation"][1], LedgerEntry) == {entry.pk}
    assert visible(units["emergency_management"][1], LedgerEntry) == set()
    assert visible(world.users["township_a"], LedgerEntry) == set()


def test_townships_read_but_do_not_write(setup):
    world, units, chemical_a, _pharmacy_b = setup
    assert visible(world.users["township_a"], action=CHANGE) == set()
    assert visible(world.users["station_a"], action=CHANGE) == {chemical_a.pk}
    assert visible(units["emergency_management"][1], action=CHANGE) == {chemical_a.pk}
