"""When recurring duties fall due: tables from the Plan's text and the working-day rule."""

import datetime

import pytest

from jindu.core.workdays import package_is_workday
from jindu.policy.schema import RecurringObligation
from jindu.supervision import rules

D = datetime.date


def rule(**kwargs):
    base = {"kind": "k", "name": "n", "article": "方案五（二）", "owners": ("township",)}
    return RecurringObligation(**{**base, **kwargs})


MONTHLY = rule(frequency="monthly", due_day=5, shift_to_working_day=True)


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        # 方案五（二）每月报送: September's report is due on 5 October; 2024-10-05 was a holiday,
        # so it is due on the first working day after, 2024-10-08.
        (D(2024, 9, 1), D(2024, 9, 30), [("2024-09", D(2024, 10, 8))]),
        # 2024-11-05 was a Tuesday: no shift.
        (D(2024, 10, 1), D(2024, 10, 2), [("2024-10", D(2024, 11, 5))]),
        # December's report is due in January of the next year.
        (D(2023, 12, 1), D(2023, 12, 31), [("2023-12", D(2024, 1, 5))]),
        # Two months begun by the 'until' day.
        (D(2024, 1, 15), D(2024, 2, 1), [("2024-01", D(2024, 2, 5)), ("2024-02", D(2024, 3, 5))]),
    ],
)
def test_monthly_reports(since, until, expected):
    dues = rules.due_dates(MONTHLY, since=since, until=until, workdays=package_is_workday)
    assert [(d.period, d.due_date) for d in dues] == expected
    assert all(d.known for d in dues)


def test_a_year_the_calendar_does_not_know_is_flagged_not_guessed():
    dues = rules.due_dates(
        MONTHLY, since=D(2099, 3, 1), until=D(2099, 3, 31), workdays=package_is_workday
    )
    assert [(d.period, d.due_date, d.known) for d in dues] == [("2099-03", D(2099, 4, 5), False)]


def test_quarterly_meeting_is_due_at_quarter_end_and_does_not_move():
    meeting = rule(frequency="quarterly", shift_to_working_day=False)
    dues = rules.due_dates(
        meeting, since=D(2024, 1, 1), until=D(2024, 12, 31), workdays=package_is_workday
    )
    assert [(d.period, d.due_date) for d in dues] == [
        ("2024-Q1", D(2024, 3, 31)),
        ("2024-Q2", D(2024, 6, 30)),
        ("2024-Q3", D(2024, 9, 30)),
        ("2024-Q4", D(2024, 12, 31)),
    ]


def test_yearly_summary_and_letters():
    summary = rule(frequency="yearly", due="12-31", shift_to_working_day=True)
    dues = rules.due_dates(
        summary, since=D(2023, 1, 1), until=D(2023, 12, 31), workdays=package_is_workday
    )
    # 2023-12-31 was a Sunday, 2024-01-01 New Year's Day: due 2024-01-02.
    assert [(d.period, d.due_date) for d in dues] == [("2023", D(2024, 1, 2))]


def test_active_period_limits_the_rule():
    limited = rule(
        frequency="monthly", due_day=5, active_from=D(2018, 5, 2), active_until=D(2018, 6, 30)
    )
    dues = rules.due_dates(
        limited, since=D(2018, 1, 1), until=D(2018, 12, 31), workdays=package_is_workday
    )
    assert [d.period for d in dues] == ["2018-05", "2018-06"]


def test_campaign_action_plan_is_due_when_mobilisation_ends():
    """方案三: the campaign's phases; 方案五（二）: the plan is due when mobilisation ends."""
    plan = rule(frequency="campaign", due_phase="mobilisation", shift_to_working_day=True)
    campaign = rules.CampaignDates("2018", D(2018, 5, 2), {"mobilisation": D(2018, 5, 29)})
    dues = rules.due_dates(
        plan,
        since=D(2018, 1, 1),
        until=D(2018, 12, 31),
        workdays=package_is_workday,
        campaigns=[campaign],
    )
    assert [(d.period, d.due_date) for d in dues] == [("2018", D(2018, 5, 29))]


@pytest.mark.parametrize(
    ("due", "today", "stages"),
    [
        # 3 working days before: 09-29 (a make-up Sunday), 09-30 and 10-08; the holiday skipped.
        (D(2024, 10, 8), D(2024, 9, 27), ["before"]),
        (D(2024, 10, 8), D(2024, 9, 30), []),
        (D(2024, 10, 8), D(2024, 10, 1), []),
        (D(2024, 10, 8), D(2024, 10, 8), ["due"]),
        (D(2024, 10, 8), D(2024, 10, 9), ["overdue"]),
        (D(2024, 10, 8), D(2024, 10, 15), ["overdue", "escalate"]),
    ],
)
def test_reminder_stages(due, today, stages):
    found = rules.reminders_for(
        due, today, days_before=3, escalate_after=5, workdays=package_is_workday
    )
    assert [r.stage for r in found] == stages


def test_holiday_lines_are_parsed_and_bad_lines_reported():
    days, errors = rules.parse_holiday_lines(
        "2027-10-01 休 国庆节\n2027-09-26 班 国庆节调休\n2027-13-01 休\n2026-01-01 休\n", 2027
    )
    assert days == [(D(2027, 10, 1), False, "国庆节"), (D(2027, 9, 26), True, "国庆节调休")]
    assert len(errors) == 2


def _report_period_cases():
    import pathlib

    import yaml

    book = yaml.safe_load(
        (pathlib.Path(__file__).parent / "cases" / "report-periods.yaml").read_text("utf-8")
    )
    return [pytest.param(c, id=c["name"]) for c in book["cases"]]


@pytest.mark.parametrize("case", _report_period_cases())
def test_report_periods(case):
    today = case["today"]
    if not isinstance(today, datetime.date):
        today = datetime.date.fromisoformat(str(today))
    problem = rules.report_period_problem(
        case["kind"], str(case["period"]), today, case.get("campaigns", [])
    )
    assert (problem is None) is case["ok"], problem
