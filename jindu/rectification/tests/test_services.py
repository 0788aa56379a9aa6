"""Listings change only through decisions; refusals change nothing and name the article."""

import datetime

import pytest

from jindu.audit.models import AuditEvent
from jindu.core.errors import Conflict, NotAllowed
from jindu.rectification import services
from jindu.rectification.models import Decision, Designation
from jindu.supervision.models import Obligation, ObligationStatus

D = datetime.date
EVIDENCE = {
    code: f"{code}：实地考察记录"
    for code in (
        "leadership",
        "mechanisms",
        "groundwork",
        "education",
        "enforcement",
        "problem_relief",
    )
}
ALL_MET = dict.fromkeys(
    ["leadership", "mechanisms", "groundwork", "education", "enforcement", "problem_relief"], True
)


LISTED_ON = D(2018, 6, 1)


def list_township(world, actor=None, *, level="key_rectification", date=LISTED_ON):
    return services.record_decision(
        actor or world.users["leader"],
        kind="list",
        date=date,
        decision_no="衡禁毒委〔2018〕1号",
        org_unit=world.township_a,
        level=level,
        categories=["drug_abuse"],
        source="office_proposal",
    )


def test_a_leader_lists_a_township_and_its_obligations_follow(world):
    decision = list_township(world)
    listing = decision.designation
    assert listing.status == "active"
    assert listing.due_date == D(2020, 6, 1)
    assert "第十三条" in decision.basis and "第十六条" in decision.basis
    kinds = set(Obligation.objects.filter(source_id=str(listing.pk)).values_list("kind", flat=True))
    assert kinds == {"progress_report", "expiry_report", "annual_inspection", "annual_evaluation"}
    progress = Obligation.objects.get(kind="progress_report", source_id=str(listing.pk))
    assert progress.org_unit == world.township_a
    assert progress.due_date == D(2019, 6, 3)  # 2019-06-01 was a Saturday: next working day
    inspection = Obligation.objects.filter(kind="annual_inspection").first()
    assert inspection.org_unit == world.county
    assert inspection.basis == ["第二十一条"]


def test_a_refused_decision_names_the_article_and_changes_nothing(world):
    decision = list_township(world, level="key_supervision")
    listing = decision.designation
    services.record_decision(
        world.users["leader"],
        kind="extend",
        notes="特殊情况：专项打击尚未结束",
        date=D(2019, 5, 30),
        decision_no="2号",
        designation=listing,
    )
    before = (AuditEvent.objects.count(), Decision.objects.count(), Obligation.objects.count())
    with pytest.raises(Conflict) as refused:
        services.record_decision(
            world.users["leader"],
            kind="extend",
            notes="特殊情况：专项打击尚未结束",
            date=D(2020, 5, 30),
            decision_no="3号",
            designation=listing,
        )
    assert refused.value.basis == ["第十三条"]
    assert refused.value.status == 409
    assert (
        AuditEvent.objects.count(),
        Decision.objects.count(),
        Obligation.objects.count(),
    ) == before
    listing.refresh_from_db()
    assert listing.extensions_used == 1


def test_lifting_needs_an_assessment_with_all_six_conditions(world):
    listing = list_township(world, level="key_supervision").designation
    office = world.users["office_admin"]
    partial = services.record_assessment(
        office,
        designation=listing,
        date=D(2019, 5, 1),
        conditions={**ALL_MET, "education": False},
        evidence=EVIDENCE,
    )
    with pytest.raises(Conflict) as refused:
        services.record_decision(
            world.users["leader"],
            kind="lift",
            date=D(2019, 5, 20),
            decision_no="5号",
            designation=listing,
            assessment=partial,
        )
    assert refused.value.basis == ["第十四条"]
    full = services.record_assessment(
        office,
        designation=listing,
        date=D(2019, 5, 10),
        conditions=ALL_MET,
        evidence=EVIDENCE,
    )
    services.record_decision(
        world.users["leader"],
        kind="lift",
        date=D(2019, 5, 20),
        decision_no="6号",
        designation=listing,
        assessment=full,
    )
    listing.refresh_from_db()
    assert listing.status == "lifted"
    # What fell due after the lifting lapses, with the reason.
    later = Obligation.objects.filter(source_id=str(listing.pk), due_date__gt=D(2019, 5, 20))
    assert later and all(o.status == ObligationStatus.WAIVED for o in later)


def test_a_lifted_unit_may_be_listed_again_directly_on_rebound(world):
    listing = list_township(world, level="key_supervision").designation
    full = services.record_assessment(
        world.users["office_admin"],
        designation=listing,
        date=D(2019, 5, 10),
        conditions=ALL_MET,
        evidence=EVIDENCE,
    )
    services.record_decision(
        world.users["leader"],
        kind="lift",
        date=D(2019, 5, 20),
        decision_no="6号",
        designation=listing,
        assessment=full,
    )
    again = services.record_decision(
        world.users["leader"],
        kind="list",
        date=D(2020, 3, 1),
        decision_no="9号",
        org_unit=world.township_a,
        level="key_rectification",
        categories=["drug_abuse"],
        source="rebound",
    )
    assert again.designation.pk != listing.pk
    assert Designation.objects.filter(org_unit=world.township_a).count() == 2


@pytest.mark.parametrize("persona", ["township_a", "member", "grid_a", "station_a"])
def test_only_leaders_and_the_office_decide(world, persona):
    with pytest.raises(NotAllowed):
        list_township(world, world.users[persona])
    assert not Designation.objects.exists()


def test_township_applies_and_the_listing_on_application_closes_it(world):
    application = services.submit_application(
        world.users["township_a"],
        org_unit=world.township_a,
        kind="list",
        year=2018,
        level="key_supervision",
        categories=["drug_abuse"],
        reasons="本镇吸毒人员增多",
    )
    decision = services.record_decision(
        world.users["leader"],
        kind="list",
        date=D(2018, 6, 1),
        decision_no="1号",
        org_unit=world.township_a,
        level="key_supervision",
        categories=["drug_abuse"],
        source="application",
        application=application,
    )
    application.refresh_from_db()
    assert application.status == "decided"
    assert application.designation == decision.designation
    assert "第十五条" in decision.basis


def test_a_township_proposes_its_village_but_not_another_townships(world):
    services.submit_application(
        world.users["township_a"],
        org_unit=world.village_a,
        kind="list",
        year=2019,
        level="key_supervision",
        categories=["drug_abuse"],
        reasons="村内吸毒问题突出",
    )
    with pytest.raises(NotAllowed):
        services.submit_application(
            world.users["township_a"],
            org_unit=world.village_b,
            kind="list",
            year=2019,
            level="key_supervision",
            categories=["drug_abuse"],
            reasons="越权",
        )


def test_an_evaluation_is_scored_from_the_policy_and_fulfils_the_yearly_obligation(world):
    listing = list_township(world).designation
    evaluation = services.record_evaluation(
        world.users["office_admin"],
        org_unit=world.township_a,
        year=2018,
        date=D(2018, 12, 10),
        methods=["field_visit", "covert_inspection"],
        member_units=[world.member_unit],
        recorded={"new_users": 2, "public_satisfaction": 80},
        recommendation="continue",
        conditions={**ALL_MET, "problem_relief": False},
        condition_findings={code: {"text": text} for code, text in EVIDENCE.items()},
    )
    assert float(evaluation.objective_score) == 90
    assert float(evaluation.subjective_score) == 95
    assert float(evaluation.total_score) == 92
    assert evaluation.grade == "excellent"
    assert evaluation.assessment is not None and evaluation.assessment.all_met is False
    obligation = Obligation.objects.get(
        kind="annual_evaluation", period="2018", source_id=str(listing.pk)
    )
    assert obligation.status == ObligationStatus.FULFILLED
