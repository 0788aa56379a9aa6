"""Another rule book, loaded by configuration alone, drives the whole product."""

import datetime
from pathlib import Path

import pytest

from jindu.core.errors import Conflict
from jindu.policy import registry
from jindu.rectification import services

FIXTURES = Path(__file__).resolve().parents[2] / "policy" / "tests" / "fixtures"


@pytest.fixture
def national(settings):
    settings.JINDU_POLICY_DIR = FIXTURES
    settings.JINDU_POLICY = "national-2015-fixture"
    registry.reset_cache()
    yield registry.current_policy()
    registry.reset_cache()


def test_a_listing_under_the_national_fixture_uses_its_numbers_and_articles(world, national):
    decision = services.record_decision(
        world.users["leader"],
        kind="list",
        date=datetime.date(2016, 1, 15),
        decision_no="禁毒委〔2016〕1号",
        org_unit=world.township_a,
        level="national_rectification",
        categories=["transit_hub"],
        source="office_proposal",
    )
    listing = decision.designation
    assert listing.policy_id == "national-2015-fixture"
    assert listing.due_date == datetime.date(2019, 1, 15)  # 36 months in this rule book
    assert decision.basis == ["第九条", "第十条", "第十五条", "第十二条"]
    for date in ("2019-01-10", "2019-07-10"):
        services.record_decision(
            world.users["leader"],
            kind="extend",
            date=datetime.date.fromisoformat(date),
            decision_no="延",
            designation=listing,
        )
    with pytest.raises(Conflict) as refused:
        services.record_decision(
            world.users["leader"],
            kind="extend",
            date=datetime.date(2020, 1, 10),
            decision_no="延3",
            designation=listing,
        )
    assert refused.value.basis == ["第十二条"]


def test_the_hengyang_levels_do_not_exist_in_the_national_fixture(world, national):
    with pytest.raises(Conflict) as refused:
        services.record_decision(
            world.users["leader"],
            kind="list",
            date=datetime.date(2016, 1, 15),
            decision_no="1号",
            org_unit=world.township_a,
            level="key_rectification",
            categories=["transit_hub"],
            source="office_proposal",
        )
    assert refused.value.basis == ["第十条"]
