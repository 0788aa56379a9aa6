"""The demo county's cockpit: warning levels of the two months that ended, with every
contribution, and one issued briefing of each kind of the rule book; loaded once."""

import datetime

import pytest

from jindu.indicators.demo import load_demo_indicators
from jindu.indicators.models import Aggregate, Briefing, WarningRecord
from jindu.indicators.policy import indicator_policy
from jindu.supervision.models import Obligation, ObligationKind, ObligationStatus

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 29)


def test_demo_warnings_and_briefings_load_once(organised):
    world = organised
    computed = load_demo_indicators(TODAY)
    assert computed == 4  # two townships, two months
    records = WarningRecord.objects.order_by("period", "org_unit__path")
    assert {r.period for r in records} == {"2026-09", "2026-10"}
    policy = indicator_policy()
    for record in records:
        assert {c["indicator"] for c in record.contributions} == {
            c.fact for c in policy.warning.components
        }
        assert {c["kind"] for c in record.contributions} >= {"objective", "work"}
    briefings = {b.kind: b for b in Briefing.objects.all()}
    assert set(briefings) == {b.kind for b in policy.briefings}
    assert briefings["monthly_summary"].period == "2026-10"
    assert briefings["quarterly_situation"].period == "2026-Q3"
    assert briefings["quarterly_situation"].org_unit == world.township_a  # the listed one
    assert briefings["committee_briefing"].period == "2026-H1"
    for b in briefings.values():
        assert b.document.read()[:2] == b"PK" and len(b.sha256) == 64
    issued = Obligation.objects.filter(kind=ObligationKind.INDICATORS_BRIEFING, period="2026-10")
    assert issued.get().status in (ObligationStatus.FULFILLED, ObligationStatus.LATE)
    # The cockpit opens on figures that are already there.
    assert Aggregate.objects.filter(org_unit=world.county, period="2026-11:ytd").exists()

    assert load_demo_indicators(TODAY) == 0
    assert Briefing.objects.count() == len(briefings)
    assert WarningRecord.objects.count() == 4
