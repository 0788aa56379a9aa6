"""Warnings raise what the rule book says and never list a township; proposals wait for a
person; the briefing schedule becomes the office's obligations and issuing fulfils them."""

import datetime

import pytest

from jindu.core.errors import Conflict, NotAllowed
from jindu.indicators import rules, selectors, services
from jindu.indicators.models import ActionStatus, WarningAction, WarningRecord
from jindu.supervision.models import Notification, Obligation

pytestmark = pytest.mark.django_db


@pytest.fixture
def red_facts(monkeypatch):
    """Township A's month at every objective fact's full weight (the facts are counted by
    selectors.warning_facts, tested below; here the consequences are under test)."""
    real = selectors.warning_facts

    def facts(period, townships, **kwargs):
        out = real(period, townships, **kwargs)
        for tf in out:
            if tf.township.code == "430421100000":
                tf.facts.update(
                    registered_per_1000=5,
                    newly_found=5,
                    relapse_confirmed=3,
                    cases=5,
                    outbound_traffickers=2,
                    planting_found=1,
                    out_of_control=3,
                )
        return out

    monkeypatch.setattr(selectors, "warning_facts", facts)


def test_red_raises_notice_and_proposals_but_no_listing(world, red_facts):
    from jindu.rectification.models import Designation

    listings = Designation.objects.count()
    records = services.compute_warnings(world.users["office_admin"], "2026-03")
    red = next(r for r in records if r.org_unit == world.township_a)
    assert red.level == "red" and red.score >= 60
    kinds = dict(WarningAction.objects.filter(warning=red).values_list("kind", "status"))
    assert kinds == {
        "notice": ActionStatus.SENT,
        "interview_proposal": ActionStatus.OPEN,
        "listing_candidate": ActionStatus.OPEN,
    }
    assert Notification.objects.filter(user=world.users["township_a"]).count() == 1
    assert Notification.objects.filter(user=world.users["office_admin"]).count() == 2
    assert (
        Designation.objects.count() == listings
    )  # 第十六条: a person proposes, the committee lists
    # Computing again updates the month, raises nothing twice.
    services.compute_warnings(world.users["office_admin"], "2026-03")
    assert WarningRecord.objects.filter(period="2026-03").count() == 2
    assert WarningAction.objects.count() == 3
    assert Notification.objects.filter(user=world.users["township_a"]).count() == 1


def test_a_person_decides_each_proposal_once(world, red_facts):
    services.compute_warnings(world.users["office_admin"], "2026-03")
    proposal = WarningAction.objects.get(kind="interview_proposal")
    with pytest.raises(NotAllowed):
        services.decide_action(world.users["leader"], proposal, True)
    services.decide_action(world.users["office_admin"], proposal, True)
    proposal.refresh_from_db()
    assert (
        proposal.status == ActionStatus.ACCEPTED
        and proposal.decided_by == world.users["office_admin"]
    )
    with pytest.raises(Conflict):
        services.decide_action(world.users["office_admin"], proposal, False)


def test_only_the_office_computes(world):
    with pytest.raises(NotAllowed):
        services.compute_warnings(world.users["leader"], "2026-03")


def test_warning_facts_count_by_township(world):
    from jindu.control.tests.factories import person
    from jindu.enforcement.models import Population

    Population.objects.create(org_unit=world.township_a, year=2026, residents=2000)
    person(world, first_found_date=datetime.date(2026, 3, 5))
    person(world, first_found_date=datetime.date(2020, 3, 5))
    facts = {
        tf.township.pk: tf.facts
        for tf in selectors.warning_facts("2026-03", [world.township_a, world.township_b])
    }
    assert facts[world.township_a.pk]["newly_found"] == 1
    assert facts[world.township_a.pk]["registered_per_1000"] == 1.0  # 2 of 2,000 residents
    assert facts[world.township_b.pk]["newly_found"] == 0
    assert facts[world.township_b.pk]["registered_per_1000"] is None  # no population entered


def test_briefing_schedule_becomes_obligations_and_issue_fulfils(organised):
    world = organised
    created = services.generate_briefing_obligations(None, 2026)
    # 12 monthly + 2 half-yearly for the county; 4 quarters × township A (listed from 2026-01-02,
    # so not yet at Q1's start unless the year is later) — count what the listing allows.
    year = datetime.date.today().year
    listed_quarters = sum(
        1 for q in range(1, 5) if rules.period_bounds(f"2026-Q{q}")[0] >= datetime.date(year, 1, 2)
    )
    assert created == 14 + listed_quarters
    assert services.generate_briefing_obligations(None, 2026) == 0
    services.issue_briefing(
        world.users["office_admin"],
        kind="monthly_summary",
        period="2026-01",
        org_unit=world.county,
        issued_on=datetime.date(2026, 2, 8),
    )
    obligation = Obligation.objects.get(kind=services.BRIEFING_OBLIGATION, period="2026-01")
    assert obligation.status == "fulfilled"
