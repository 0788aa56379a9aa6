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
            notes="特殊情况：专项打击尚未结束",
            date=datetime.date.fromisoformat(date),
            decision_no=f"延{date}",
            designation=listing,
        )
    with pytest.raises(Conflict) as refused:
        services.record_decision(
            world.users["leader"],
            kind="extend",
            notes="特殊情况：专项打击尚未结束",
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


def test_art_14_the_lowering_document_cites_the_rule_books_own_article(world, national):
    """The national-shaped book's conditions are its 第十三条: the document must not say
    第十四条 (it did, hard-coded)."""
    import io

    from docx import Document

    from jindu.documents.models import IssuedDocument

    listing = services.record_decision(
        world.users["leader"],
        kind="list",
        date=datetime.date(2016, 1, 15),
        decision_no="禁毒委〔2016〕1号",
        org_unit=world.township_a,
        level="national_rectification",
        categories=["transit_hub"],
        source="office_proposal",
    ).designation
    assessment = services.record_assessment(
        world.users["office_admin"],
        designation=listing,
        date=datetime.date(2017, 11, 1),
        conditions={"leadership": True, "enforcement": True, "problem_relief": True},
        evidence={c: "实地考察" for c in ("leadership", "enforcement", "problem_relief")},
    )
    lowered = services.record_decision(
        world.users["leader"],
        kind="lower",
        date=datetime.date(2017, 12, 1),
        decision_no="禁毒委〔2017〕9号",
        designation=listing,
        assessment=assessment,
    )
    stored = IssuedDocument.objects.get(source_model="rectification.Decision", source_id=lowered.pk)
    text = "\n".join(p.text for p in Document(io.BytesIO(bytes(stored.content))).paragraphs)
    assert "第十三条规定的各项条件" in text
    assert "第十四条" not in text
    assert stored.issuer == "国家禁毒委员会" and stored.policy_id == "national-2015-fixture"
