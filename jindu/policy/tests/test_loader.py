"""Policy files load, and a broken one is refused with the file, the key and the problem."""

import datetime
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

from jindu.core.workdays import package_is_workday as is_workday
from jindu.policy.loader import PolicyError, load_policy, parse_policy
from jindu.policy.periods import add_months, next_working_day, period_end

HENGYANG = Path(settings.BASE_DIR) / "policies" / "hengyang-2018.toml"
NATIONAL = Path(__file__).parent / "fixtures" / "national-2015.toml"


def test_hengyang_measures_load_with_the_seven_categories_two_levels_six_conditions():
    policy = load_policy(HENGYANG)
    assert policy.id == "hengyang-2018"
    assert policy.effective_date == datetime.date(2018, 5, 2)
    assert [c.code for c in policy.categories] == [
        "manufacturing",
        "smuggling_route",
        "transit_hub",
        "outbound_trafficking",
        "illegal_planting",
        "drug_abuse",
        "other",
    ]
    assert [lv.code for lv in policy.levels] == ["key_rectification", "key_supervision"]
    assert policy.condition_codes == (
        "leadership",
        "mechanisms",
        "groundwork",
        "education",
        "enforcement",
        "problem_relief",
    )
    assert len([n for n in policy.articles if n.startswith("第")]) == 36
    assert "继续挂牌整治" in policy.articles["第十三条"].text
    assert policy.evaluation.objective_weight > policy.evaluation.subjective_weight


def test_art_13_windows_and_art_30_readings_come_from_the_rule_book():
    policy = load_policy(HENGYANG)
    level = policy.level("key_rectification")
    assert level.extension_window_days == 90 and "特殊情况" in level.extension_window_note
    assert level.continue_window_days == 90 and level.continue_window_note
    restriction = next(c for c in policy.consequences if c.kind == "promotion_restriction")
    assert restriction.ends_on == "level_left" and "随人走" in restriction.ends_on_note
    assert all(c.unit_levels == ("township",) for c in policy.consequences)
    # 方案一（二）: the one-vote-veto items cite the Plan's goal, not art. 14.
    vetoes = [i for i in policy.evaluation.items if i.veto]
    assert vetoes and all(i.article == "方案一（二）" for i in vetoes)
    assert "零种植" in policy.articles["方案一（二）"].text
    assert load_policy(NATIONAL).level("national_rectification").extension_window_days == 60


def test_a_differently_numbered_rule_book_loads_without_code_changes():
    policy = load_policy(NATIONAL)
    assert policy.level("national_rectification").period_months == 36
    assert policy.level("national_rectification").extensions_allowed == 2
    assert policy.designation_levels == ("township",)


def broken(mutate):
    raw = tomllib.loads(HENGYANG.read_text(encoding="utf-8"))
    mutate(raw)
    return raw


@pytest.mark.parametrize(
    ("mutate", "key", "problem"),
    [
        (lambda r: r["policy"].pop("issuer"), "policy.issuer", "is required"),
        (lambda r: r["levels"][0].update(period_months=0), "levels[0].period_months", "≥ 1"),
        (
            lambda r: r["levels"][0].update(period_months="two years"),
            "levels[0].period_months",
            "must be a whole number",
        ),
        (
            lambda r: r["levels"][0].update(lower_to="key_nothing"),
            "levels[0].lower_to",
            "names no level",
        ),
        (
            lambda r: r["levels"][1].update(lower_to="key_rectification"),
            "levels[1].lower_to",
            "not a lower level",
        ),
        (
            lambda r: r["levels"][0].update(after_extensions="forever"),
            "levels[0].after_extensions",
            "must be one of",
        ),
        (
            lambda r: r["categories"][1].update(code="manufacturing"),
            "categories[1].code",
            "duplicate",
        ),
        (
            lambda r: r["categories"][0].update(article="第九十九条"),
            "categories[0].article",
            "not in [articles]",
        ),
        (
            lambda r: r["evaluation"].update(objective_weight=0.3, subjective_weight=0.7),
            "evaluation.objective_weight",
            "greater than",
        ),
        (
            lambda r: r["evaluation"].update(objective_weight=0.6, subjective_weight=0.6),
            "evaluation.subjective_weight",
            "add up to 1",
        ),
        (
            lambda r: r["evaluation"]["items"][2].update(points=30),
            "evaluation.items",
            "add up to 100",
        ),
        (lambda r: r["evaluation"]["grades"].reverse(), "evaluation.grades", "highest"),
        (
            lambda r: r["listing_obligations"][2].update(due="13-45"),
            "listing_obligations[2].due",
            "MM-DD",
        ),
        (
            lambda r: r["consequences"][0].update(levels=["key_x"]),
            "consequences[0].levels",
            "names no level",
        ),
        # 第十三条: the extension and continuation windows are the rule book's, with reasons.
        (
            lambda r: r["levels"][0].pop("extension_window_days"),
            "levels[0].extension_window_days",
            "is required",
        ),
        (
            lambda r: r["levels"][0].pop("continue_window_days"),
            "levels[0].continue_window_days",
            "is required",
        ),
        (
            lambda r: r["levels"][0].pop("continue_window_note"),
            "levels[0].continue_window_note",
            "is required",
        ),
        (
            lambda r: r["levels"][1].pop("extension_window_note"),
            "levels[1].extension_window_note",
            "is required",
        ),
        # 第二十九至三十一条: each consequence names the unit levels it applies to.
        (
            lambda r: r["consequences"][0].pop("unit_levels"),
            "consequences[0].unit_levels",
            "is required",
        ),
        (
            lambda r: r["consequences"][0].update(unit_levels=["grid"]),
            "consequences[0].unit_levels",
            "is not one of",
        ),
        (
            lambda r: r["consequences"][4].pop("ends_on_note"),
            "consequences[4].ends_on_note",
            "state the reading",
        ),
        (
            lambda r: r["policy"].update(effective_date=datetime.date(2017, 1, 1)),
            "policy.effective_date",
            "before document_date",
        ),
        (
            lambda r: r["rules"].update(decison_article="第十九条"),
            "rules.decison_article",
            "unknown key",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_broken_policy_names_the_key_and_the_problem(mutate, key, problem):
    with pytest.raises(PolicyError) as error:
        parse_policy(broken(mutate), "policies/broken.toml")
    assert error.value.key == key
    assert problem in error.value.problem
    assert str(error.value).startswith("policies/broken.toml: " + key)


def test_a_file_with_bad_syntax_names_the_file(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[policy\nid = 1", encoding="utf-8")
    with pytest.raises(PolicyError) as error:
        load_policy(path)
    assert error.value.path == str(path)
    assert error.value.key == "(syntax)"


@pytest.mark.parametrize(
    ("event", "months", "last_day"),
    [
        ("2018-06-01", 12, "2019-06-01"),  # the example
        ("2020-02-29", 12, "2021-02-28"),  # no 29 February: the month's last day
        ("2018-06-01", 24, "2020-06-01"),
        ("2019-01-31", 1, "2019-02-28"),
        ("2019-08-31", 6, "2020-02-29"),
        ("2019-12-15", 1, "2020-01-15"),
    ],
)
def test_periods_end_on_the_corresponding_day(event, months, last_day):
    assert period_end(datetime.date.fromisoformat(event), months) == datetime.date.fromisoformat(
        last_day
    )


def test_add_months_goes_backwards_too():
    assert add_months(datetime.date(2020, 3, 31), -1) == datetime.date(2020, 2, 29)


def test_a_report_due_on_a_holiday_moves_to_the_next_working_day():
    # National Day 2024: 10-05 is a holiday, 10-08 the first working day after.
    assert next_working_day(datetime.date(2024, 10, 5), is_workday) == (
        datetime.date(2024, 10, 8),
        True,
    )
    # 2024-10-12 was a Saturday made a working day (调休).
    assert next_working_day(datetime.date(2024, 10, 12), is_workday) == (
        datetime.date(2024, 10, 12),
        True,
    )


def test_an_unknown_year_is_reported_not_guessed():
    day = datetime.date(2099, 1, 1)
    assert is_workday(day) is None
    assert next_working_day(day, is_workday) == (day, False)


def test_the_app_refuses_to_start_with_an_unknown_policy(settings):
    from jindu.policy import registry
    from jindu.policy.checks import policy_loads

    settings.JINDU_POLICY = "no-such-policy"
    try:
        errors = policy_loads(None)
        assert [e.id for e in errors] == ["policy.E002"]
    finally:
        settings.JINDU_POLICY = "hengyang-2018"
        registry.reset_cache()


def test_the_app_refuses_to_start_with_a_broken_policy_file(settings, tmp_path):
    from jindu.policy import registry
    from jindu.policy.checks import policy_loads

    text = HENGYANG.read_text(encoding="utf-8").replace("period_months = 24", "period_months = -1")
    (tmp_path / "hengyang-2018.toml").write_text(text, encoding="utf-8")
    settings.JINDU_POLICY_DIR = tmp_path
    try:
        errors = policy_loads(None)
        assert errors and errors[0].id == "policy.E001"
        assert "levels[0].period_months" in errors[0].msg
    finally:
        settings.JINDU_POLICY_DIR = HENGYANG.parent
        registry.reset_cache()


def test_check_policy_command_reports_a_broken_file(tmp_path):
    from django.core.management import CommandError, call_command

    bad = tmp_path / "bad.toml"
    bad.write_text(
        HENGYANG.read_text(encoding="utf-8").replace('id = "hengyang-2018"', 'id = "Bad Id"'),
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("check_policy", str(bad))


def test_a_misspelt_rule_key_in_code_is_an_error_not_an_empty_citation():
    policy = load_policy(HENGYANG)
    assert policy.rule_article("decision_article") == "第十九条"
    with pytest.raises(KeyError):
        policy.rule_article("decison_article")
