"""The three targets' one statement (``targets``) against the definitions it folds in: the
tip source's function form (``enforcement_tips.tip_counts``), ``population_of`` and the
village facts of the drill-down — for the office, a township (its own villages only) and a
police station (its enforcement jurisdiction), over periods with and without a year before.
方案一（四）: publicity coverage, grassroots mobilisation, tips per 10,000 residents."""

import datetime

import pytest

from jindu.enforcement.models import Case, Population, Tip
from jindu.prevention import enforcement_tips, providers, selectors

D = datetime.date


@pytest.fixture
def tips_and_figures(world):
    # Township A: figures of two years and both kinds (the 2019 registered one counts);
    # township B only an older one; the county none of its own (its townships' sum).
    for unit, year, kind, n in (
        (world.township_a, 2018, "registered", 10_000),
        (world.township_a, 2019, "resident", 30_000),
        (world.township_a, 2019, "registered", 20_000),
        (world.township_b, 2017, "registered", 5_000),
        (world.township_b, 2020, "registered", 7_000),  # after the period: not read
    ):
        Population.objects.create(org_unit=unit, year=year, kind=kind, residents=n)
    cases = []
    for i, (unit, filed, solved) in enumerate(
        (
            (world.township_a, D(2019, 2, 1), D(2019, 3, 1)),
            (world.township_a, D(2019, 5, 1), D(2019, 5, 20)),
            (world.township_b, D(2019, 4, 1), D(2019, 4, 2)),
            (world.township_a, D(2018, 4, 1), D(2018, 4, 2)),  # solved the year before
            (world.township_b, D(2019, 6, 1), None),  # not solved
        )
    ):
        cases.append(
            Case.objects.create(
                number=f"T-{i}",
                kind="criminal",
                offence="贩卖毒品",
                offence_article="刑法第三百四十七条",
                filed_date=filed,
                solved_date=solved,
                org_unit=unit,
                policy_id="test",
            )
        )
    for unit, day, case in (
        (world.township_a, D(2019, 1, 10), cases[0]),
        (world.township_a, D(2019, 1, 11), cases[0]),  # two tips, one case
        (world.township_b, D(2019, 3, 30), cases[2]),
        (world.township_a, D(2019, 7, 1), None),
        (world.township_a, D(2018, 3, 1), cases[3]),
        (world.township_b, D(2018, 8, 1), None),
        (world.township_b, D(2020, 1, 1), None),
    ):
        Tip.objects.create(
            received_date=day, channel="hotline", org_unit=unit, content="线索", case=case
        )
    return world


def _figures(indicators):
    coverage, mobilisation, tips = indicators
    return {
        "villages": coverage.denominator,
        "covered": coverage.numerator,
        "mobilised": mobilisation.numerator,
        "tips": tips.numerator,
        "value": tips.value,
        "met": tips.met,
        "no_data": tips.no_data,
        **tips.extra,
    }


def _by_functions(user, unit, date_from, date_to):
    """``prevention_kpis`` with the tip source in its function form only (no SQL form)."""
    providers.register_tip_source(
        "enforcement.tips",
        enforcement_tips.tip_counts,
        for_units=enforcement_tips.tip_counts_for_units,
    )
    try:
        return _figures(selectors.prevention_kpis(user, unit, date_from, date_to))
    finally:
        enforcement_tips.register()


@pytest.mark.parametrize(
    "period",
    [
        (D(2019, 1, 1), D(2019, 12, 31)),
        (D(2019, 1, 1), D(2019, 6, 30)),
        (D(2020, 2, 29), D(2020, 3, 31)),
    ],
)
def test_the_one_statement_gives_the_function_forms_figures(tips_and_figures, period):
    world = tips_and_figures
    for who, unit in (
        (who, unit)
        for who in ("office_admin", "township_a", "station_a", "grid_a")
        for unit in (world.county, world.township_a, world.township_b)
    ):
        user = world.users[who]
        got = _figures(selectors.prevention_kpis(user, unit, *period))
        assert got == _by_functions(user, unit, *period)
        assert got["population"] == selectors.population_of(unit, period[1].year)
        villages = selectors.kpi_villages(user, unit, *period, "publicity_coverage", "denominator")
        assert got["villages"] == villages.count()


def test_the_county_figures_by_hand(tips_and_figures):
    world = tips_and_figures
    got = _figures(
        selectors.prevention_kpis(
            world.users["office_admin"], world.county, D(2019, 1, 1), D(2019, 12, 31)
        )
    )
    # Tips: four in 2019, two in 2018; cases solved in 2019: three, two of them from a tip.
    assert (got["tips"], got["previous_tips"], got["cases"], got["cases_from_tips"]) == (4, 2, 3, 2)
    # The county has no figure: township A's 2019 registered 20,000 + township B's 2017 5,000.
    assert got["population"] == 25_000
    assert got["value"] == 1.6 and got["met"] is True
    # From a 29 February there is no same period a year before: nothing to compare.
    leap = _figures(
        selectors.prevention_kpis(
            world.users["office_admin"], world.county, D(2020, 2, 29), D(2020, 3, 31)
        )
    )
    assert leap["previous_tips"] is None and leap["met"] is None


def test_a_township_of_no_figure_or_figures_summing_to_nothing_has_no_population(world):
    Population.objects.create(org_unit=world.township_b, year=2019, kind="registered", residents=0)
    office = world.users["office_admin"]
    for unit in (world.township_a, world.county):
        got = _figures(selectors.prevention_kpis(office, unit, D(2019, 1, 1), D(2019, 12, 31)))
        assert got["population"] is None and got["no_data"] is True
        assert selectors.population_of(unit, 2019) is None
    # Its own figure of 0 is its figure (not its townships' sum), as population_of reads it.
    got = _figures(
        selectors.prevention_kpis(office, world.township_b, D(2019, 1, 1), D(2019, 12, 31))
    )
    assert got["population"] == 0 == selectors.population_of(world.township_b, 2019)


def test_class_hour_compliance_in_one_statement_counts_what_the_rows_say(world, school_a, school_b):
    """方案四（三）三是: grades 5–11, at least 4 hours a school year. The summary's one statement
    against the per-class rows (``class_hours_rows``) for each filter and user."""
    from jindu.prevention import services

    member = world.users["member"]
    hours = {
        (school_a, 4): ["4"],  # the rule does not apply
        (school_a, 5): ["2", "2"],  # exactly 4: met
        (school_a, 11): ["3.5"],  # short
        (school_a, 12): [],  # does not apply
        (school_b, 7): ["2.5", "2"],  # 4.5: met
        (school_b, 8): [],  # nothing: short
    }
    for (school, grade), lessons in hours.items():
        made = services.add_class(
            member, school=school, school_year="2019-2020", grade=grade, name=f"{grade}班"
        )
        for i, h in enumerate(lessons):
            services.record_lesson(
                member, school_class=made, date=D(2019, 10, 8 + i), hours=h, topic="禁毒",
                teacher_name="李老师",
            )  # fmt: skip
    services.add_class(member, school=school_a, school_year="2020-2021", grade=6, name="6班")
    cases = [
        (member, {"school_year": "2019-2020"}),
        (member, {}),
        (member, {"school": school_a}),
        (member, {"unit": world.township_a, "school_year": "2019-2020"}),
        (member, {"unit": world.member_unit}),  # the supervising department: its schools
        (world.users["office_admin"], {"unit": world.county}),
        (world.users["township_a"], {}),  # its own schools only
        (world.users["township_b"], {"school_year": "2019-2020"}),
        (world.users["grid_a"], {}),
    ]
    for user, filters in cases:
        summary = selectors.class_hours_summary(user, **filters)
        rows = selectors.class_hours_rows(selectors.class_hours(user, **filters))
        required = [r for r in rows if r["required"]]
        assert (summary["classes"], summary["required_classes"], summary["met"]) == (
            len(rows),
            len(required),
            sum(1 for r in required if r["met"]),
        ), (user, filters)
    whole = selectors.class_hours_summary(member, school_year="2019-2020")
    assert (whole["classes"], whole["required_classes"], whole["met"]) == (6, 4, 2)
