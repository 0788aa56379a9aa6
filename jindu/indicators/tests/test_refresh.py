"""The precomputed figures: the county summed from its townships answers exactly like the
live computation; the incremental refresh recomputes the townships whose records changed
(read from the audit trail) and the units above them, and nothing else; the cockpit of a
township reads them in a constant number of queries."""

import datetime

import pytest
from django.utils import timezone

from jindu.control.services import orders
from jindu.control.tests.factories import person
from jindu.enforcement import services as enforcement
from jindu.indicators import rules, selectors, services
from jindu.indicators.models import Aggregate

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def _keys():
    return services.recent_keys(_today(), 1)


def _stored(unit, key, code):
    return Aggregate.objects.get(org_unit=unit, period=key, code=code)


def _as_of(unit):
    return set(Aggregate.objects.filter(org_unit=unit).values_list("as_of", flat=True))


def _plant(world, day=None):
    return enforcement.record_planting(
        world.users["township_a"],
        org_unit=world.township_a,
        date=day or _today(),
        species="opium_poppy",
        plants=12,
    )


def test_the_county_summed_from_its_townships_is_its_live_figure(organised):
    world = organised
    person(world)
    person(world, world.users["office_admin"], unit=world.village_b, name="李测试")
    _plant(world)
    services.refresh_aggregates(None, _keys())
    for key in _keys():
        date_from, date_to = selectors.bounds_of_key(key)
        live = selectors.compute(selectors.SYSTEM, world.county, date_from, min(date_to, _today()))
        stored = {a.code: a for a in Aggregate.objects.filter(org_unit=world.county, period=key)}
        assert len(stored) == len(live)
        for f in live:
            a = stored[f.code]
            assert (a.numerator or 0, a.denominator, a.value, a.met) == (
                f.numerator or 0,
                f.denominator,
                f.value,
                f.met,
            ), (key, f.code)


def test_the_rule_books_rollup_sums_as_it_says():
    from jindu.indicators.policy import indicator_policy

    policy = indicator_policy()
    share = rules.rollup_figure(policy.target("medium_high_risk_control_rate"), [(3, 4), (1, 4)])
    assert (share.numerator, share.denominator, share.value, share.met) == (4, 8, 50.0, False)
    count = rules.rollup_figure(policy.target("zero_planting"), [(0, None), (1, None)])
    assert (count.value, count.met) == (1, False)
    change = rules.rollup_figure(policy.target("outbound_trafficking_reduction"), [(1, 4), (1, 0)])
    assert (change.value, change.met) == (-50.0, True)
    nothing_last_year = rules.rollup_figure(
        policy.target("outbound_trafficking_reduction"), [(0, 0)]
    )
    assert (nothing_last_year.value, nothing_last_year.met) == (None, True)
    assert rules.rollup_figure(policy.target("tip_participation"), [(1, 100)]) is None


def test_a_planting_finding_changes_its_townships_figure_and_nothing_else(organised):
    world = organised
    services.refresh_aggregates(None, _keys())
    month = rules.month_of(_today())
    assert _stored(world.township_a, month, "zero_planting").numerator == 0
    before_b = _as_of(world.township_b)

    _plant(world)
    # Not yet refreshed: the stored figure is the one of its ``as_of``.
    assert _stored(world.township_a, month, "zero_planting").numerator == 0

    done = services.refresh_changed(None, months=1)
    assert [t.pk for t in done.townships] == [world.township_a.pk]
    assert world.county.pk in [u.pk for u in done.ancestors]
    for key in (month, f"{month}:ytd"):
        a = _stored(world.township_a, key, "zero_planting")
        assert (a.numerator, a.met) == (1, False)
        county = _stored(world.county, key, "zero_planting")
        assert (county.numerator, county.met) == (1, False)
    assert _as_of(world.township_b) == before_b

    # Nothing changed since: nothing is recomputed.
    again = services.refresh_changed(None, months=1)
    assert again.townships == [] and again.rows == 0


def test_a_urine_test_recomputes_the_persons_township_only(organised):
    world = organised
    p = person(world, first_found_date=_today() - datetime.timedelta(days=400))
    services.refresh_aggregates(None, _keys())
    before_a, before_b = _as_of(world.township_a), _as_of(world.township_b)

    orders.record_test(world.users["township_a"], p, date=_today(), result="negative")
    done = services.refresh_changed(None, months=1)
    assert [t.pk for t in done.townships] == [world.township_a.pk]
    assert _as_of(world.township_a) != before_a
    assert _as_of(world.township_b) == before_b
    # The recomputed figures are the live ones.
    date_from, _end = selectors.bounds_of_key(f"{rules.month_of(_today())}:ytd")
    for f in selectors.compute(selectors.SYSTEM, world.township_a, date_from, _today()):
        a = _stored(world.township_a, f"{rules.month_of(_today())}:ytd", f.code)
        assert (a.numerator or 0, a.value, a.met) == (f.numerator or 0, f.value, f.met)


def test_a_person_who_moves_touches_both_townships(organised):
    from jindu.control.services import registry as control

    world = organised
    p = person(world)
    services.refresh_aggregates(None, _keys())
    control.move_residence(
        world.users["office_admin"], p, residence_unit=world.village_b, date=_today()
    )
    done = services.refresh_changed(None, months=1)
    assert {t.pk for t in done.townships} == {world.township_a.pk, world.township_b.pk}


def test_a_new_month_without_figures_is_computed_even_without_changes(organised):
    world = organised
    services.refresh_changed(None, months=1)  # the first run computes what is missing
    assert Aggregate.objects.filter(org_unit=world.township_b).exists()
    assert Aggregate.objects.filter(org_unit=world.county).exists()
    Aggregate.objects.filter(org_unit=world.township_b).delete()
    done = services.refresh_changed(None, months=1)
    assert [t.pk for t in done.townships] == [world.township_b.pk]


def test_the_township_cockpit_reads_the_figures_in_constant_queries(
    organised, django_assert_max_num_queries
):
    world = organised
    for i in range(3):
        person(world, name=f"王测试{i}")
    services.refresh_aggregates(None, _keys())
    start = datetime.date(_today().year, 1, 1)
    user = world.users["township_a"]
    with django_assert_max_num_queries(4):
        result = selectors.figures_for(user, world.township_a, start, _today())
    assert result.live is False
    leader = world.users["leader"]
    with django_assert_max_num_queries(4):
        result = selectors.figures_for(leader, world.county, start, _today())
    assert result.live is False


def _rows():
    return {
        (a.org_unit_id, a.period, a.code): (a.numerator, a.denominator, a.value, a.met)
        for a in Aggregate.objects.all()
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_incremental_refresh_after_random_changes_equals_a_full_rebuild(organised, seed):
    """Random business actions through the services in both townships, each followed by
    the incremental refresh or not: afterwards every stored row (townships and the county)
    is the one a full rebuild writes."""
    import random

    from jindu.control.services import registry as control
    from jindu.prevention import services as prevention

    world = organised
    rng = random.Random(seed)
    today = _today()
    office = world.users["office_admin"]
    villages = [world.village_a, world.village_b]
    people = [person(world, name="王测试")]
    services.refresh_aggregates(None, _keys())

    def register():
        unit = rng.choice(villages)
        name = "张李王赵孙周"[len(people) % 6] + "测试" + "一二三四五六七八九十"[len(people) % 10]
        people.append(
            person(world, office, unit=unit, name=name, first_found_date=today - _days(400))
        )

    def risk():
        control.assess_risk(
            office,
            rng.choice(people),
            date=today,
            level=rng.choice(["high", "medium", "low"]),
            factors=["测试因素"],
        )

    def test():
        orders.record_test(office, rng.choice(people), date=today, result="negative")

    def move():
        p = rng.choice(people)
        p.refresh_from_db()
        other = next(v for v in villages if v.pk != p.residence_unit_id)
        control.move_residence(office, p, residence_unit=other, date=today)

    def plant():
        township = rng.choice([world.township_a, world.township_b])
        enforcement.record_planting(
            office, org_unit=township, date=today, species="opium_poppy", plants=3
        )

    def activity():
        prevention.record_activity(
            office,
            kind="six_into",
            setting="school",
            date=today,
            org_unit=rng.choice(villages),
            headcount=rng.randint(10, 90),
            audience="测试师生",
        )

    actions = [register, risk, test, move, plant, activity]
    for _step in range(8):
        rng.choice(actions)()
        if rng.random() < 0.4:
            services.refresh_changed(None, months=1)
    services.refresh_changed(None, months=1)
    refreshed = _rows()
    services.refresh_aggregates(None, _keys())
    rebuilt = _rows()
    assert refreshed.keys() == rebuilt.keys()
    differ = {k: (refreshed[k], rebuilt[k]) for k in rebuilt if refreshed[k] != rebuilt[k]}
    assert differ == {}


def _days(n):
    return datetime.timedelta(days=n)


def test_the_set_based_figures_are_each_units_own(organised):
    """``compute_for_units`` (the refresh's and the rebuild's) gives for every unit exactly
    what ``compute`` (one unit, the live page's) gives: one definition per figure."""
    world = organised
    person(world)
    person(world, world.users["office_admin"], unit=world.village_b, name="李测试")
    _plant(world)
    units = [world.township_a, world.township_b, world.county]
    for key in _keys():
        date_from, date_to = selectors.bounds_of_key(key)
        date_to = min(date_to, _today())
        together = selectors.compute_for_units(selectors.SYSTEM, units, date_from, date_to)
        for unit in units:
            alone = selectors.compute(selectors.SYSTEM, unit, date_from, date_to)
            assert together[unit.pk] == alone, (key, unit.name)
