"""The county's prevention rules tested from the rule book: the YAML table in cases/, one case
per clause. A reader who knows the Plan can check the table without reading Python."""

import dataclasses
import datetime
import re
from pathlib import Path

import pytest
import yaml

from jindu.prevention import rules
from jindu.prevention.policy import KeyDate, load_prevention_policy, policy_path

CASES = yaml.safe_load(
    (Path(__file__).parent / "cases" / "hengyang-2018-prevention.yaml").read_text(encoding="utf-8")
)


def d(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def cases(section):
    return [pytest.param(c, id=c["name"]) for c in CASES[section]]


@pytest.fixture(scope="module")
def policy():
    return load_prevention_policy(policy_path())


def test_the_table_is_for_the_policy_in_force(policy):
    assert CASES["policy"] == policy.id


@pytest.mark.parametrize("case", cases("class_hours"))
def test_class_hours(policy, case):
    outcome = rules.class_hours(policy, case["grade"], case["recorded"])
    expect = case["expect"]
    assert outcome.required == expect["required"]
    assert outcome.met == expect["met"]
    if "basis" in expect:
        assert expect["basis"] in outcome.basis


@pytest.mark.parametrize("case", cases("lessons"))
def test_lessons(policy, case):
    errors = rules.check_lesson(
        policy, school_year=str(case["school_year"]), day=d(case["date"]), hours=case["hours"]
    )
    assert sorted(errors) == sorted(case["expect"]["errors"])


@pytest.mark.parametrize("case", cases("school_years"))
def test_school_years(policy, case):
    assert rules.school_year_of(policy, d(case["date"])) == case["expect"]


@pytest.mark.parametrize("case", cases("activities"))
def test_activities(policy, case):
    errors = rules.check_activity(
        policy,
        kind=case["kind"],
        setting=case.get("setting", ""),
        group=case.get("group", ""),
        headcount=case["headcount"],
        photo_sizes=tuple(case.get("photo_sizes", ())),
    )
    assert sorted(errors) == sorted(case["expect"]["errors"])


@pytest.mark.parametrize("case", cases("key_dates"))
def test_key_dates(policy, case):
    periods = sorted(period for _key, period in rules.key_dates_covering(policy, d(case["date"])))
    assert periods == sorted(str(e) for e in case["expect"])


@pytest.mark.parametrize("case", cases("fixtures"))
def test_fixtures(policy, case):
    current = rules.fixture_current(
        policy, case["kind"], d(case["photographed_on"]), d(case["as_of"])
    )
    assert current is case["expect"]


@pytest.mark.parametrize("case", cases("survey_answers"))
def test_survey_answers(policy, case):
    clean, errors = rules.check_answers(policy, case["answers"])
    expect = case["expect"]
    assert sorted(errors) == sorted(expect["errors"])
    if not errors:
        scored = rules.score_answers(policy, clean)
        for key in ("satisfied", "satisfaction_answers", "aware", "awareness_answers"):
            assert getattr(scored, key) == expect[key], key


@pytest.mark.parametrize("case", cases("survey_results"))
def test_survey_results(policy, case):
    facts = {k: case[k] for k in ("responses", "satisfaction_answers", "satisfied")}
    facts.update(awareness_answers=case["awareness_answers"], aware=case["aware"])
    result = rules.survey_result(policy, **facts)
    for key, value in case["expect"].items():
        assert getattr(result, key) == value, key


@pytest.mark.parametrize("case", cases("targets"))
def test_village_targets(policy, case):
    villages = [rules.VillageFacts(**v) for v in case["villages"]]
    computed = {
        "publicity_coverage": rules.publicity_coverage(policy, villages),
        "grassroots_mobilisation": rules.grassroots_mobilisation(policy, villages),
    }
    for code, expect in case["expect"].items():
        indicator = computed[code]
        assert indicator.county_definition is True
        for key, value in expect.items():
            if key == "basis":
                assert value in indicator.basis
            else:
                assert getattr(indicator, key) == value, (code, key)


@pytest.mark.parametrize("case", cases("tips"))
def test_tip_participation(policy, case):
    indicator = rules.tip_participation(
        policy,
        tips=case["tips"],
        population=case["population"],
        cases=case.get("cases"),
        cases_from_tips=case.get("cases_from_tips"),
        previous_tips=case.get("previous_tips"),
    )
    for key, value in case["expect"].items():
        if key == "cases_from_tips_rate":
            assert indicator.extra[key] == value
        else:
            assert getattr(indicator, key) == value, key


# ---- issue #20: both sides of each edge


def _activity(policy, **kw):
    kind = next(k for k, spec in policy.activity_kinds.items()
                if not spec.needs_setting and not spec.needs_group)  # fmt: skip
    return rules.check_activity(policy, kind=kind, **kw)


def test_activity_headcount_and_photos_at_their_limits(policy):
    """方案四（三）: an activity has at least one person and at most the rule book's photos,
    each at most its size: the limit itself is inside, one more is outside."""
    assert "headcount" not in _activity(policy, headcount=1)
    assert "headcount" in _activity(policy, headcount=0)
    most = policy.max_photos
    assert "photos" not in _activity(policy, headcount=5, photo_sizes=(1000,) * most)
    errors = _activity(policy, headcount=5, photo_sizes=(1000,) * (most + 1))
    assert str(most) in errors["photos"][0]
    size = policy.max_photo_bytes
    assert "photos" not in _activity(policy, headcount=5, photo_sizes=(size,))
    errors = _activity(policy, headcount=5, photo_sizes=(size + 1,))
    assert f"{size / 1_000_000:g}" in errors["photos"][0]


def test_every_survey_question_is_checked(policy):
    """方案一（四） survey: every unknown question and every unanswered one is named."""
    _clean, errors = rules.check_answers(policy, {"bogus_a": 1, "bogus_b": 2})
    codes = {q.code for q in policy.survey.questions}
    assert set(errors) == codes | {"bogus_a", "bogus_b"}


def test_satisfied_from_and_aware_values_are_inside(policy):
    answers = {q.code: (q.satisfied_from if q.kind == "satisfaction" else q.aware_values[0])
               for q in policy.survey.questions}  # fmt: skip
    scored = rules.score_answers(policy, answers)
    assert scored.satisfied == scored.satisfaction_answers > 0
    assert scored.aware == scored.awareness_answers > 0


def test_the_minimum_sample_is_per_township(policy):
    per = policy.survey.min_sample_per_township
    facts = dict(satisfaction_answers=0, satisfied=0, awareness_answers=0, aware=0)
    result = rules.survey_result(policy, responses=2 * per, townships=2, **facts)
    assert (result.min_sample, result.sample_reached) == (2 * per, True)
    result = rules.survey_result(policy, responses=2 * per - 1, townships=2, **facts)
    assert result.sample_reached is False


def test_a_lesson_on_the_school_years_first_or_last_day_counts(policy):
    start, end = rules.school_year_bounds(policy, "2025-2026")
    for day in (start, end):
        assert "date" not in rules.check_lesson(policy, school_year="2025-2026", day=day, hours=1)
    for day in (start - datetime.timedelta(days=1), end + datetime.timedelta(days=1)):
        assert "date" in rules.check_lesson(policy, school_year="2025-2026", day=day, hours=1)


@pytest.mark.parametrize(
    ("school_year", "grade", "errors"),
    [
        ("2019-2020", 1, []),
        ("2019-2020", 12, []),
        ("2019-2020", 0, ["grade"]),
        ("2019-2020", 13, ["grade"]),
        ("2019-2020", "5", ["grade"]),
        ("2019-2021", 5, ["school_year"]),
        ("2019/2020", 5, ["school_year"]),
    ],
)
def test_a_school_class_names_its_year_and_a_grade_1_to_12(policy, school_year, grade, errors):
    found = rules.check_school_class(policy, school_year=school_year, grade=grade)
    assert sorted(found) == errors


def test_a_fixture_photographed_today_is_current(policy):
    day = datetime.date(2025, 6, 1)
    assert rules.fixture_current(policy, "window", day, day) is True


@pytest.mark.parametrize(
    ("photographed", "renew_by"),
    [
        # 6 months of the window kind; a day the month lacks falls back to its last day.
        (datetime.date(2025, 3, 31), datetime.date(2025, 9, 30)),
        (datetime.date(2023, 8, 31), datetime.date(2024, 2, 29)),
        (datetime.date(2025, 8, 31), datetime.date(2026, 2, 28)),
        (datetime.date(2025, 7, 15), datetime.date(2026, 1, 15)),
    ],
)
def test_fixture_renewal_month_ends(policy, photographed, renew_by):
    assert policy.fixture_kinds["window"].renew_months == 6
    assert rules.fixture_renew_by(policy, "window", photographed) == renew_by


def test_a_full_coverage_target_is_missed_by_one_village(policy):
    """方案一（四） publicity coverage 100 %: 100 of 101 villages is 99.0 %, not met."""
    covered = [rules.VillageFacts(id=i, activities=1, current_fixture=True) for i in range(100)]
    villages = [*covered, rules.VillageFacts(id=100)]
    indicator = rules.publicity_coverage(policy, villages)
    assert (indicator.value, indicator.met) == (99.0, False)


# ---- issue #20: the remaining edges found by mutation testing


def _with_key_dates(policy, *dates):
    return dataclasses.replace(
        policy, key_dates=dataclasses.replace(policy.key_dates, dates=tuple(dates))
    )


def test_a_key_date_window_that_crosses_the_new_year(policy):
    """方案四（三）一是: a window may straddle 1 January — a day in late December belongs to
    next year's 1 January, a day in early January to last year's 31 December."""
    new_year = KeyDate("new_year", "元旦", 1, 1, days_before=5, days_after=0)
    year_end = KeyDate("year_end", "年终", 12, 31, days_before=0, days_after=5)
    crossing = _with_key_dates(policy, new_year, year_end)
    assert rules.key_dates_covering(crossing, datetime.date(2019, 12, 28)) == [
        (new_year, "2020-01-01")
    ]
    assert rules.key_dates_covering(crossing, datetime.date(2020, 1, 4)) == [
        (year_end, "2019-12-31")
    ]
    assert rules.key_dates_covering(crossing, datetime.date(2020, 1, 6)) == []


def test_a_share_target_of_zero_or_none_is_met_by_any_share(policy):
    """方案一（四）: a county that sets a target of 0 (or none) meets it with 0 of 10."""
    for target in (0, None):
        changed = dataclasses.replace(
            policy.targets["publicity_coverage"], target=target, min_activities=1
        )
        book = dataclasses.replace(
            policy, targets={**policy.targets, "publicity_coverage": changed}
        )
        facts = [rules.VillageFacts(id=i) for i in range(10)]
        indicator = rules.publicity_coverage(book, facts)
        assert (indicator.numerator, indicator.denominator, indicator.met) == (0, 10, True)


def test_an_unanswered_question_is_not_satisfied_from_one(policy):
    """公众评价: a satisfaction question left out counts as not satisfied, even where the
    scale's first answer already counts as satisfied."""
    question = next(q for q in policy.survey.questions if q.kind == "satisfaction")
    easy = dataclasses.replace(question, satisfied_from=1)
    survey = dataclasses.replace(policy.survey, questions=(easy,))
    scored = rules.score_answers(dataclasses.replace(policy, survey=survey), {})
    assert (scored.satisfaction_answers, scored.satisfied) == (0, 0)


def test_an_answer_out_of_range_does_not_hide_a_later_unanswered_question(policy):
    questions = policy.survey.questions
    first, last = questions[0], questions[-1]
    answers = {q.code: 1 for q in questions[1:-1]}
    answers[first.code] = len(first.scale) + 1
    _clean, errors = rules.check_answers(policy, answers)
    assert {first.code, last.code} <= set(errors)


def test_the_photo_limit_is_told_in_megabytes(policy):
    """The message tells the rule book's limit exactly, whatever the county sets."""
    for book in (policy, dataclasses.replace(policy, max_photo_bytes=7_654_321)):
        errors = _activity(book, headcount=5, photo_sizes=(book.max_photo_bytes + 1,))
        number = re.search(r"(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*MB", errors["photos"][0]).group(1)
        assert number == f"{book.max_photo_bytes / 1_000_000:g}"
