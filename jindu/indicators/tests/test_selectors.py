"""The one entry point: each area's own figures (not a copy), the organisation goal counted
from letters, positions and listings, the lists behind a number, aggregates."""

import datetime

import pytest

from jindu.indicators import selectors, services
from jindu.indicators.models import Aggregate
from jindu.indicators.policy import indicator_policy

pytestmark = pytest.mark.django_db


def year_to_date():
    today = datetime.date.today()
    return datetime.date(today.year, 1, 1), today


def by_code(figures):
    return {f.code: f for f in figures}


def test_every_target_of_the_registry_is_answered(world):
    start, end = year_to_date()
    figures = selectors.compute(world.users["office_admin"], world.county, start, end)
    assert [f.code for f in figures] == [t.code for t in indicator_policy().targets]


def test_organisation_goal_from_existing_records(organised):
    world = organised
    start, end = year_to_date()
    f = by_code(selectors.compute(world.users["leader"], world.county, start, end))
    # Letters: township A and village A of the four township/village units.
    assert (
        f["responsibility_letters_signed"].numerator,
        f["responsibility_letters_signed"].denominator,
    ) == (2, 4)
    assert f["responsibility_letters_signed"].value == 50.0
    assert f["responsibility_letters_signed"].met is False
    # Leading group: township A has both directors, township B neither.
    assert (f["leading_group_in_place"].numerator, f["leading_group_in_place"].denominator) == (
        1,
        2,
    )
    # 第二十四条: listed township A's committee director is its first responsible person.
    assert (f["first_leader_rule"].numerator, f["first_leader_rule"].denominator) == (1, 1)
    assert f["first_leader_rule"].met is True


def test_first_leader_rule_missed_when_someone_else_directs(organised):
    from jindu.orgs.models import Position

    Position.objects.filter(role="committee_director").update(holder_name="李测试")
    start, end = year_to_date()
    f = by_code(selectors.compute(organised.users["leader"], organised.county, start, end))
    assert (f["first_leader_rule"].numerator, f["first_leader_rule"].denominator) == (0, 1)
    kind, rows = selectors.items_behind(
        organised.users["leader"], organised.county, start, end, "first_leader_rule", "gap"
    )
    assert kind == "org_unit" and [r["id"] for r in rows] == [organised.township_a.pk]


def test_control_figures_are_the_control_areas_own(world):
    from jindu.control.selectors import control_kpis
    from jindu.control.tests.factories import person

    person(world)
    start, end = year_to_date()
    user = world.users["office_admin"]
    own = {i.code: i for i in control_kpis(user, world.county, start, end)}
    f = by_code(selectors.compute(user, world.county, start, end, goal="control"))
    assert set(f) == set(own)
    for code, indicator in own.items():
        assert f[code].numerator == indicator.numerator
        assert f[code].denominator == indicator.denominator
        assert f[code].met == indicator.met


def test_a_township_counts_its_own_subtree_only(organised):
    start, end = year_to_date()
    f = by_code(selectors.compute(organised.users["township_b"], organised.township_b, start, end))
    assert (
        f["responsibility_letters_signed"].numerator,
        f["responsibility_letters_signed"].denominator,
    ) == (0, 2)
    # Township B asking for the county sees only its own units in it.
    f = by_code(selectors.compute(organised.users["township_b"], organised.county, start, end))
    assert f["responsibility_letters_signed"].denominator == 2
    assert f["leading_group_in_place"].denominator == 1


def test_aggregates_answer_like_the_live_figures(organised):
    today = datetime.date.today()
    month = f"{today.year:04d}-{today.month:02d}"
    written = services.refresh_aggregates(None, [month, f"{month}:ytd"])
    targets = len(indicator_policy().targets)
    assert written == 2 * 3 * targets  # county and two townships, two periods
    start, end = year_to_date()
    leader = organised.users["leader"]
    stored = selectors.figures_for(leader, organised.county, start, end)
    assert stored.live is False and stored.as_of is not None
    live = selectors.compute(leader, organised.county, start, end)
    assert [(f.code, f.numerator, f.denominator, f.value, f.met) for f in stored.figures] == [
        (f.code, f.numerator, f.denominator, f.value, f.met) for f in live
    ]
    # A police station sees a slice: never the county's stored figures.
    station = selectors.figures_for(organised.users["station_a"], organised.township_a, start, end)
    assert station.live is True
    # Refreshing again replaces, never duplicates.
    services.refresh_aggregates(None, [month])
    assert Aggregate.objects.filter(period=month).count() == 3 * targets


def test_series_has_the_same_month_last_year(world):
    rows = selectors.series(
        world.users["leader"], world.county, "leading_group_in_place", 3, "2026-03"
    )
    assert [r["period"] for r in rows] == ["2026-01", "2026-02", "2026-03"]
    assert set(rows[0]) == {"period", "value", "previous_year"}
