"""The results statistics' monthly rollup gives what counting every record gives, and a
write is never missed (``jindu/enforcement/rollup.py``)."""

import datetime
import random

import pytest

from jindu.enforcement import rollup, selectors, services
from jindu.enforcement.models import ResultsCell, ResultsMonth, ResultsStale

D = datetime.date
DRUGS = ["methamphetamine", "heroin", "ketamine"]


def _figures(stats):
    rows = {r.code: (r.value, r.previous) for r in stats.rows}
    units = {
        (u["org_unit"], r["code"]): (r["value"], r["previous"])
        for u in stats.by_unit
        for r in u["rows"]
    }
    return rows, units


def _same(user, period):
    with_rollup = selectors.results_stats(user, period)
    live = selectors.results_stats(user, period, use_rollup=False)
    assert [r.code for r in with_rollup.rows] == [r.code for r in live.rows]
    rows, units = _figures(with_rollup)
    live_rows, live_units = _figures(live)
    for code, (value, previous) in live_rows.items():
        assert float(rows[code][0]) == pytest.approx(float(value)), code
        assert float(rows[code][1]) == pytest.approx(float(previous)), code
    assert units.keys() == live_units.keys()
    for key, (value, previous) in live_units.items():
        assert float(units[key][0]) == pytest.approx(float(value)), key
        assert float(units[key][1]) == pytest.approx(float(previous)), key
    return with_rollup


@pytest.fixture
def cases(world, police):
    """Cases over the last two years in two townships, with children, some unsolved."""
    rng = random.Random(7)
    today = services.today()
    made = []
    for i in range(40):
        filed = today - datetime.timedelta(days=rng.randrange(5, 700))
        solved = None
        if rng.random() < 0.85:
            solved = min(filed + datetime.timedelta(days=rng.randrange(0, 40)), today)
        case = services.record_case(
            police,
            number=f"测试[{i:03d}]号",
            kind="criminal" if i % 4 else "administrative",
            offence="trafficking" if i % 4 else "admin_drug_use",
            filed_date=filed,
            solved_date=solved,
            org_unit=world.township_a if i % 3 else world.township_b,
            flags=["zero_pack"] if i % 2 else ["gang", "network"],
        )
        services.add_suspect(police, case, name=f"甲{i}", gender="male", disposal="detained")
        services.add_seizure(
            police, case, drug_type=rng.choice(DRUGS), grams=f"{rng.randrange(1, 5000) / 100}"
        )
        if i % 5 == 0:
            services.add_den(police, case, kind="use", place="某出租屋")
        made.append(case)
    return made


def test_rolled_up_months_give_what_counting_every_record_gives(world, police, cases):
    today = services.today()
    county = world.county
    for date_from, date_to in (
        (D(today.year, 1, 1), today),  # this year to date: whole months and this month
        (today - datetime.timedelta(days=200), today - datetime.timedelta(days=20)),
        (today.replace(day=1), today),  # nothing rolled up
    ):
        for user, unit in (
            (world.users["office_admin"], county),
            (police, county),
            (world.users["township_a"], world.township_a),
        ):
            _same(user, selectors.Period(unit, date_from, date_to))
    assert ResultsMonth.objects.filter(fresh=True).exists()
    assert ResultsCell.objects.exists()


def test_a_write_to_a_closed_month_shows_at_once(world, police, cases):
    today = services.today()
    last_year = D(today.year - 1, 1, 1), D(today.year - 1, 12, 31)
    period = selectors.Period(world.county, *last_year)
    before = {r.code: r.value for r in _same(police, period).rows}
    month = D(today.year - 1, 6, 1)
    assert ResultsMonth.objects.get(month=month).fresh
    marked = ResultsStale.objects.filter(month__year=today.year - 1)
    assert not marked.exists()
    other = set(ResultsCell.objects.filter(org_unit=world.township_b).values_list("pk", flat=True))

    case = services.record_case(
        police,
        number="补录[001]号",
        kind="criminal",
        offence="trafficking",
        filed_date=D(today.year - 1, 6, 1),
        solved_date=D(today.year - 1, 6, 15),
        org_unit=world.township_a,
    )
    assert list(marked.values_list("month", "org_unit")) == [(month, world.township_a.pk)]
    services.add_seizure(police, case, drug_type="heroin", grams="12.5")
    after = {r.code: r.value for r in _same(police, period).rows}
    assert after["cases_solved"] == before["cases_solved"] + 1
    assert float(after["seizure_grams:heroin"]) == pytest.approx(
        float(before["seizure_grams:heroin"]) + 12.5
    )
    assert not marked.exists()
    # Only the marked township was recounted: the other's cells are the same rows.
    assert (
        set(ResultsCell.objects.filter(org_unit=world.township_b).values_list("pk", flat=True))
        == other
    )

    # Solved in another month and township now: it leaves June in 甲 and joins March in 乙.
    services.update_case(
        police,
        case,
        solved_date=D(today.year - 1, 3, 2),
        filed_date=D(today.year - 1, 3, 1),
        org_unit=world.township_b,
    )
    assert set(marked.values_list("month", "org_unit")) == {
        (month, world.township_a.pk),
        (D(today.year - 1, 3, 1), world.township_b.pk),
    }
    moved = _same(police, period)
    assert {r.code: r.value for r in moved.rows}["cases_solved"] == after["cases_solved"]


def test_other_rule_books_make_a_month_stale(world, police, cases):
    today = services.today()
    period = selectors.Period(world.county, D(today.year - 1, 1, 1), D(today.year - 1, 12, 31))
    _same(police, period)
    ResultsMonth.objects.update(policy_id="an-older-rule-book")
    _same(police, period)
    last_year = ResultsMonth.objects.filter(month__year=today.year - 1)
    assert set(last_year.values_list("policy_id", flat=True)) == {
        rollup.rules_key(services.enforcement_policy())
    }


def test_the_daily_job_recounts_stale_months(world, police, cases):
    today = services.today()
    looked_at = rollup.refresh(today)
    assert looked_at == len(rollup.closed_months(D(today.year - 2, 1, 1), today, today))
    assert not ResultsMonth.objects.filter(fresh=False).exists()
    # This month is never rolled up: it stays as the writes marked it.
    assert not ResultsStale.objects.filter(month__lt=today.replace(day=1)).exists()


def test_the_rollup_respects_the_scope(world, police, cases):
    """Township staff sum only their township's cells, whatever unit they name."""
    today = services.today()
    period = selectors.Period(world.county, D(today.year - 1, 1, 1), D(today.year - 1, 12, 31))
    own = _same(world.users["township_a"], period)
    everyone = selectors.results_stats(world.users["office_admin"], period)
    assert [u["org_unit"] for u in own.by_unit] == [world.township_a.pk]
    solved = {r.code: r.value for r in own.rows}["cases_solved"]
    assert 0 < solved < {r.code: r.value for r in everyone.rows}["cases_solved"]


def test_month_arithmetic():
    today = D(2026, 12, 3)
    assert rollup.closed_months(D(2026, 1, 1), today, today)[-1] == D(2026, 11, 1)
    assert rollup.closed_months(D(2026, 12, 1), today, today) == []
    months = rollup.closed_months(D(2025, 1, 15), D(2025, 12, 3), today)
    assert (months[0], months[-1]) == (D(2025, 2, 1), D(2025, 11, 1))
    assert rollup.live_ranges(D(2025, 1, 15), D(2025, 12, 3), months) == [
        (D(2025, 1, 15), D(2025, 1, 31)),
        (D(2025, 12, 1), D(2025, 12, 3)),
    ]
    assert rollup.live_ranges(D(2025, 2, 1), D(2025, 2, 28), [D(2025, 2, 1)]) == []
    assert rollup.closed_months(D(2024, 2, 1), D(2024, 2, 28), today) == []  # leap year
    assert rollup.closed_months(D(2024, 2, 1), D(2024, 2, 29), today) == [D(2024, 2, 1)]
