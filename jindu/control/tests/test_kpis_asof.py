"""One as-of reading for every target of 方案一（三）: what the records said on the period's end
(or today while the period runs).

Each row of the tables names the case, the article it rests on, and the numbers expected;
the database (``selectors.control_kpis``) and the pure rule (``rules.control_indicators``)
must both give them.

- 戒毒条例第十四条 (community detox), 第三十八条 (community rehab): the person reports within
  15 days of the decision. An order decided in the last 15 days of the period and not reported
  by its end is *pending*: outside the denominator until its deadline has passed by the as-of
  date, shown as pending in the drill-down.
- A report or an execution after the as-of date does not count for that period.
- 戒毒条例第二十二条 (变更执行地): a person who moved is counted where they lived on the as-of
  date (their residence history, the moves), not where they live today.
"""

import datetime

import pytest

from jindu.control import rules, selectors
from jindu.control.policy import control_policy
from jindu.control.services import orders, registry

from .factories import D, person

COMMUNITY = "community_execution_rate"
ISOLATION = "compulsory_isolation_execution_rate"
RISK = "medium_high_risk_control_rate"


def parts(indicators, code):
    i = {i.code: i for i in indicators}[code]
    return (i.numerator, i.denominator, i.pending)


# (case, basis, decided, reported, period end, (numerator, denominator, pending))
COMMUNITY_CASES = [
    (
        "decided 12-20, not reported, end 12-31: due 01-04 not passed — pending",
        "方案一（三）; 戒毒条例第十四条",
        D(2021, 12, 20),
        None,
        D(2021, 12, 31),
        (0, 0, 1),
    ),
    (
        "the same order read on 2022-01-04, its last day: still pending",
        "方案一（三）; 戒毒条例第十四条",
        D(2021, 12, 20),
        None,
        D(2022, 1, 4),
        (0, 0, 1),
    ),
    (
        "the same order read on 2022-01-05: the deadline has passed — a failure",
        "方案一（三）; 戒毒条例第十四条",
        D(2021, 12, 20),
        None,
        D(2022, 1, 5),
        (0, 1, 0),
    ),
    (
        "reported on time 12-28, read on 12-31: met",
        "方案一（三）; 戒毒条例第十四条",
        D(2021, 12, 20),
        D(2021, 12, 28),
        D(2021, 12, 31),
        (1, 1, 0),
    ),
    (
        "reported on time 12-14, but the period ended 12-10: the report does not count yet —"
        " pending, its 15 days still running on 12-10",
        "方案一（三）; 戒毒条例第十四条",
        D(2021, 12, 1),
        D(2021, 12, 14),
        D(2021, 12, 10),
        (0, 0, 1),
    ),
    (
        "reported late 12-20 (due 12-16), period ended 12-18: a failure on 12-18",
        "方案一（三）; 戒毒条例第十四条",
        D(2021, 12, 1),
        D(2021, 12, 20),
        D(2021, 12, 18),
        (0, 1, 0),
    ),
    (
        "reported late 12-20 (due 12-16), read at the year's end: a failure",
        "方案一（三）; 戒毒条例第十四条",
        D(2021, 12, 1),
        D(2021, 12, 20),
        D(2021, 12, 31),
        (0, 1, 0),
    ),
]


@pytest.mark.parametrize(
    "case, basis, decided, reported, end, expected",
    COMMUNITY_CASES,
    ids=[c[0][:40] for c in COMMUNITY_CASES],
)
def test_community_orders_are_read_on_the_as_of_date(
    world, case, basis, decided, reported, end, expected
):
    station, office = world.users["station_a"], world.users["office_admin"]
    someone = person(world, name="甲")
    orders.record_order(
        station, someone, kind="community_detox", decision_date=decided, reported_date=reported
    )
    got = selectors.control_kpis(office, world.township_a, D(2021, 1, 1), end)
    assert parts(got, COMMUNITY) == expected, (case, basis)
    assert {i.code: i for i in got}[COMMUNITY].basis == ("方案一（三）",)
    facts = [
        rules.OrderFacts(1, 1, "community_detox", decided, reported_date=reported),
    ]
    pure = rules.control_indicators(control_policy(), [], facts, D(2021, 1, 1), end)
    assert parts(pure, COMMUNITY) == expected, (case, basis)
    pending = selectors.kpi_people(
        office, world.township_a, D(2021, 1, 1), end, COMMUNITY, "pending"
    )
    assert [p.name for p in pending] == (["甲"] if expected[2] else [])


def test_an_execution_after_the_as_of_date_does_not_count(world):
    """方案一（三）: decided 12-01, executed 12-20; read on 12-10 it is not
    executed yet, on 12-31 it is."""
    station, office = world.users["station_a"], world.users["office_admin"]
    someone = person(world, name="乙")
    o = orders.record_order(
        station, someone, kind="compulsory_isolation", decision_date=D(2021, 12, 1)
    )
    orders.record_report(station, o, executed_date=D(2021, 12, 20))
    early = selectors.control_kpis(office, world.township_a, D(2021, 1, 1), D(2021, 12, 10))
    late = selectors.control_kpis(office, world.township_a, D(2021, 1, 1), D(2021, 12, 31))
    assert parts(early, ISOLATION) == (0, 1, 0)
    assert parts(late, ISOLATION) == (1, 1, 0)


def test_a_running_period_is_read_today(world):
    """方案一（三）; 戒毒条例第十四条: a period ending next year is read on today's date — an
    order decided three days ago and not reported is pending today, not a failure."""
    from django.utils import timezone

    station, office = world.users["station_a"], world.users["office_admin"]
    today = timezone.localdate()
    someone = person(world, name="丙", first_found_date=today - datetime.timedelta(days=400))
    orders.record_order(
        station,
        someone,
        kind="community_detox",
        decision_date=today - datetime.timedelta(days=3),
    )
    year_end = today.replace(month=12, day=31) + datetime.timedelta(days=365)
    got = selectors.control_kpis(office, world.township_a, today.replace(month=1, day=1), year_end)
    assert parts(got, COMMUNITY) == (0, 0, 1)
    assert selectors.as_of_date(year_end) == today
    assert rules.as_of_date(year_end, today) == today
    assert rules.as_of_date(D(2021, 12, 31), today) == D(2021, 12, 31)


def test_people_are_counted_where_they_lived_on_the_as_of_date(world):
    """方案一（三）; 戒毒条例第二十二条: 甲 lives in township A through 2021 and moves to township
    B on 2022-03-01. 2021's targets count 甲 in A (risk and order); 2022's in B."""
    station, office = world.users["station_a"], world.users["office_admin"]
    a = world.users["township_a"]
    someone = person(world, name="丁")
    registry.assess_risk(a, someone, date=D(2021, 2, 1), level="high", factors=["风险因素"])
    registry.assign(
        a,
        someone,
        responsible_name="丁社工",
        responsible_role="social_worker",
        start_date=D(2021, 2, 1),
    )
    orders.record_order(
        station,
        someone,
        kind="community_detox",
        decision_date=D(2021, 3, 1),
        reported_date=D(2021, 3, 5),
    )
    registry.move_residence(office, someone, residence_unit=world.village_b, date=D(2022, 3, 1))
    y2021 = (D(2021, 1, 1), D(2021, 12, 31))
    in_a = selectors.control_kpis(office, world.township_a, *y2021)
    in_b = selectors.control_kpis(office, world.township_b, *y2021)
    assert parts(in_a, RISK) == (1, 1, 0)
    assert parts(in_a, COMMUNITY) == (1, 1, 0)
    assert parts(in_b, RISK) == (0, 0, 0)
    assert parts(in_b, COMMUNITY) == (0, 0, 0)
    people = selectors.kpi_people(office, world.township_a, *y2021, RISK, "numerator")
    assert [p.name for p in people] == ["丁"]
    # The county's figures hold them once, whichever township.
    assert parts(selectors.control_kpis(office, world.county, *y2021), RISK) == (1, 1, 0)
    # Read after the move, 丁 is in township B.
    after = (D(2022, 1, 1), D(2022, 6, 30))
    assert parts(selectors.control_kpis(office, world.township_a, *after), RISK) == (0, 0, 0)
    assert parts(selectors.control_kpis(office, world.township_b, *after), RISK) == (1, 1, 0)


def test_the_day_of_the_move_counts_at_the_new_place(world):
    """戒毒条例第二十二条: on the day of the move the person lives at the new place."""
    office = world.users["office_admin"]
    a = world.users["township_a"]
    someone = person(world, name="戊")
    registry.assess_risk(a, someone, date=D(2021, 2, 1), level="medium", factors=["风险因素"])
    registry.move_residence(office, someone, residence_unit=world.village_b, date=D(2021, 6, 1))
    before = (D(2021, 1, 1), D(2021, 5, 31))
    on = (D(2021, 1, 1), D(2021, 6, 1))
    assert parts(selectors.control_kpis(office, world.township_a, *before), RISK) == (0, 1, 0)
    assert parts(selectors.control_kpis(office, world.township_b, *before), RISK) == (0, 0, 0)
    assert parts(selectors.control_kpis(office, world.township_b, *on), RISK) == (0, 1, 0)
    assert parts(selectors.control_kpis(office, world.township_a, *on), RISK) == (0, 0, 0)


def test_the_page_shows_the_pending_orders_and_lists_them(world, client):
    """方案一（三）; 戒毒条例第十四条: the targets page says how many orders are pending and
    links to them; the API carries the number as ``pending``."""
    station = world.users["station_a"]
    someone = person(world, name="己")
    orders.record_order(station, someone, kind="community_detox", decision_date=D(2021, 12, 20))
    client.force_login(world.users["township_a"])
    query = f"org_unit={world.township_a.pk}&date_from=2021-01-01&date_to=2021-12-31"
    page = client.get(f"/control/kpis/?{query}").content.decode()
    row = page.split(f'class="kpi-{COMMUNITY}"')[1].split("</tr>")[0]
    assert 'class="pending"' in row and "part=pending" in row
    drill = client.get(f"/control/kpis/{COMMUNITY}/?{query}&part=pending")
    assert [p.name for p in drill.context["page"]] == ["己"]


def test_the_api_adds_the_pending_number(world, api_as):
    station = world.users["station_a"]
    someone = person(world, name="庚")
    orders.record_order(station, someone, kind="community_detox", decision_date=D(2021, 12, 20))
    api = api_as(world.users["township_a"])
    query = f"org_unit={world.township_a.pk}&date_from=2021-01-01&date_to=2021-12-31"
    body = api.get(f"/api/v1/kpis/control/?{query}").json()
    got = {i["code"]: (i["numerator"], i["denominator"], i["pending"]) for i in body["indicators"]}
    assert got[COMMUNITY] == (0, 0, 1)
    people = api.get(f"/api/v1/kpis/control/people/?{query}&code={COMMUNITY}&which=pending")
    assert [p["name"] for p in people.json()["results"]] == ["庚"]
