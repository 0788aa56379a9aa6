"""The five targets of 方案一（三） on a small hand-made county, numbers worked out below.

Period 2021-01-01 – 2021-12-31 (end date 2021-12-31); township A unless said otherwise.
Each person: risk at the end · status at the end · assignment at the end · orders · sick.

P1   high · in society · yes · detox 02-01 reported 02-10 · flagged, admitted
P2   medium · in society · ended 06-30 · rehab 03-01 reported 03-17 (due 03-16: late)
     · flagged, not admitted
P3   low (high only in 2022) · in society · – · detox 12-20 not reported · flagged in 2022
P4   high · in custody · – · – · flagged (but in custody)
P5   high · in society · – · left control 2021-06-01 (three clean years)
P6   high, but registered and assessed in 2022
P7   – · in society · – · detox decided 2020-12-01 (before the period)
P8   – · in a facility · – · isolation 04-01 executed 04-02
P9   (woman) – · in society · yes · isolation 05-01 not executed (pregnancy)
P10  – · in society · – · isolation 06-01 not executed · flagged 07-01, admitted in 2022
P11  – · in society · – · isolation 12-30, executed 2022-01-05
P12  – · in society · – · isolation 2020 not executed, a later one executed and released
     early 2021-06-02
B1   (township B) high · in society · – · isolation 2021-03-01 not executed · flagged

medium_high_risk_control_rate        den P1 P2          num P1   1/2 = 50.0 (target 100)
community_execution_rate             den O1 O2          num O1   1/2 = 50.0 (target 100)
                                     pending O3 (due 2022-01-04, after the end: 条例第十四条)
compulsory_isolation_execution_rate  den P8 P9 P10 P11  num P8   1/4 = 25.0 (target 85)
sick_disabled_admission_rate         den P1 P2 P10      num P1   1/3 = 33.3 (target 90)
not_executed_control_rate            den P9 P10 P11     num P9   1/3 = 33.3 (target 90)
The county adds B1: risk 1/3, isolation 1/5, sick 1/4, not executed 1/4.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jindu.control import rules, selectors
from jindu.control.policy import control_policy
from jindu.control.services import followups, orders, registry

from .factories import D, person

FROM, TO = D(2021, 1, 1), D(2021, 12, 31)


def build(world):
    a, s = world.users["township_a"], world.users["station_a"]
    p = {}

    def add(key, **extra):
        extra.setdefault("first_found_date", D(2019, 5, 1))
        p[key] = person(world, name=key, **extra)
        return p[key]

    def risk(key, date, level):
        registry.assess_risk(a, p[key], date=date, level=level, factors=["风险因素"])

    def assign(key, start, end=None):
        registry.assign(
            a,
            p[key],
            responsible_name=f"{key}社工",
            responsible_role="social_worker",
            start_date=start,
            end_date=end,
        )

    def order(key, kind, decided, **extra):
        return orders.record_order(s, p[key], kind=kind, decision_date=decided, **extra)

    add("P1")
    risk("P1", D(2021, 3, 1), "high")
    assign("P1", D(2021, 3, 1))
    order("P1", "community_detox", D(2021, 2, 1), reported_date=D(2021, 2, 10))
    sick = registry.flag_sick_disabled(
        a, p["P1"], condition="艾滋病", identified_date=D(2021, 1, 1)
    )
    registry.record_admission(a, sick, admitted_date=D(2021, 2, 1))

    add("P2")
    risk("P2", D(2021, 2, 1), "medium")
    assign("P2", D(2021, 1, 1), D(2021, 6, 30))
    order("P2", "community_rehab", D(2021, 3, 1), reported_date=D(2021, 3, 17))
    registry.flag_sick_disabled(a, p["P2"], condition="肢体残疾", identified_date=D(2021, 1, 1))

    add("P3")
    risk("P3", D(2021, 1, 1), "low")
    risk("P3", D(2022, 2, 1), "high")
    order("P3", "community_detox", D(2021, 12, 20))
    registry.flag_sick_disabled(a, p["P3"], condition="重病", identified_date=D(2022, 1, 10))

    add("P4")
    risk("P4", D(2021, 1, 1), "high")
    registry.change_status(s, p["P4"], date=D(2021, 10, 1), status="in_custody")
    registry.flag_sick_disabled(a, p["P4"], condition="重病", identified_date=D(2021, 1, 1))

    add("P5", first_found_date=D(2014, 6, 1))
    risk("P5", D(2020, 1, 1), "high")
    old = order("P5", "community_detox", D(2015, 1, 1), reported_date=D(2015, 1, 5))
    orders.end_order(s, old, end_date=D(2018, 1, 4), end_kind="expiry")
    followups.confirm_abstinence(a, p["P5"], date=D(2021, 6, 1))

    add("P6", first_found_date=D(2022, 3, 1))
    risk("P6", D(2022, 3, 2), "high")

    add("P7")
    order("P7", "community_detox", D(2020, 12, 1), reported_date=D(2020, 12, 5))

    add("P8")
    order("P8", "compulsory_isolation", D(2021, 4, 1), executed_date=D(2021, 4, 2))

    add("P9", male=False)
    assign("P9", D(2021, 5, 1))
    order("P9", "compulsory_isolation", D(2021, 5, 1), not_executed_reason="pregnancy")

    add("P10")
    order("P10", "compulsory_isolation", D(2021, 6, 1))
    sick = registry.flag_sick_disabled(a, p["P10"], condition="重病", identified_date=D(2021, 7, 1))
    registry.record_admission(a, sick, admitted_date=D(2022, 1, 3))

    add("P11")
    o = order("P11", "compulsory_isolation", D(2021, 12, 30))
    orders.record_report(s, o, executed_date=D(2022, 1, 5))

    add("P12")
    order("P12", "compulsory_isolation", D(2020, 1, 1), not_executed_reason="serious_illness")
    o = order("P12", "compulsory_isolation", D(2020, 6, 1), executed_date=D(2020, 6, 2))
    orders.end_order(s, o, end_date=D(2021, 6, 2), end_kind="early_release")

    b = world.users["township_b"]
    p["B1"] = person(world, b, unit=world.village_b, name="钱测试乙")
    registry.assess_risk(b, p["B1"], date=D(2021, 1, 1), level="high", factors=["x"])
    orders.record_order(b, p["B1"], kind="compulsory_isolation", decision_date=D(2021, 3, 1))
    registry.flag_sick_disabled(b, p["B1"], condition="重病", identified_date=D(2021, 1, 1))
    return p


def numbers(indicators):
    return {i.code: (i.numerator, i.denominator) for i in indicators}


EXPECTED_A = {
    "medium_high_risk_control_rate": (1, 2),
    "community_execution_rate": (1, 2),
    "compulsory_isolation_execution_rate": (1, 4),
    "sick_disabled_admission_rate": (1, 3),
    "not_executed_control_rate": (1, 3),
}
EXPECTED_COUNTY = {
    "medium_high_risk_control_rate": (1, 3),
    "community_execution_rate": (1, 2),
    "compulsory_isolation_execution_rate": (1, 5),
    "sick_disabled_admission_rate": (1, 4),
    "not_executed_control_rate": (1, 4),
}


@pytest.fixture
def county(world):
    world.people = build(world)
    return world


def test_the_targets_of_township_a(county):
    result = selectors.control_kpis(county.users["township_a"], county.township_a, FROM, TO)
    assert numbers(result) == EXPECTED_A
    by_code = {i.code: i for i in result}
    assert by_code["medium_high_risk_control_rate"].value == 50.0
    assert by_code["compulsory_isolation_execution_rate"].value == 25.0
    assert by_code["sick_disabled_admission_rate"].value == 33.3
    assert by_code["compulsory_isolation_execution_rate"].target == 85
    assert not any(i.met for i in result)


def test_the_county_adds_township_b_and_scoping_narrows_it(county):
    office = county.users["office_admin"]
    assert numbers(selectors.control_kpis(office, county.county, FROM, TO)) == EXPECTED_COUNTY
    # The police station covering township A sees township A's people only, even county-wide.
    station = county.users["station_a"]
    assert numbers(selectors.control_kpis(station, county.county, FROM, TO)) == EXPECTED_A
    b = numbers(selectors.control_kpis(county.users["township_b"], county.county, FROM, TO))
    assert b["medium_high_risk_control_rate"] == (0, 1)
    assert b["compulsory_isolation_execution_rate"] == (0, 1)
    grid = numbers(selectors.control_kpis(county.users["grid_a"], county.grid_a, FROM, TO))
    assert set(grid.values()) == {(0, 0)}


def test_the_pure_rule_computes_the_same_from_plain_facts(county):
    """The table above as plain facts, through rules.control_indicators."""
    P = rules.PersonFacts
    persons = [
        P(1, "in_society", "high", controlled=True, sick_disabled=True, admitted=True),
        P(2, "in_society", "medium", sick_disabled=True),
        P(3, "in_society", "low"),
        P(4, "in_custody", "high", sick_disabled=True),
        P(5, "in_society", "high", left_control=True),
        P(7, "in_society"),
        P(8, "in_facility", isolation_executed=True),
        P(9, "in_society", controlled=True, isolation_executed=False),
        P(10, "in_society", sick_disabled=True, isolation_executed=False),
        P(11, "in_society", isolation_executed=False),
        P(12, "in_society", isolation_executed=True),
    ]
    Order = rules.OrderFacts
    orders_ = [
        Order(1, 1, "community_detox", D(2021, 2, 1), reported_date=D(2021, 2, 10)),
        Order(2, 2, "community_rehab", D(2021, 3, 1), reported_date=D(2021, 3, 17)),
        Order(3, 3, "community_detox", D(2021, 12, 20)),
        Order(4, 7, "community_detox", D(2020, 12, 1), reported_date=D(2020, 12, 5)),
        Order(5, 8, "compulsory_isolation", D(2021, 4, 1), executed_date=D(2021, 4, 2)),
        Order(6, 9, "compulsory_isolation", D(2021, 5, 1)),
        Order(7, 10, "compulsory_isolation", D(2021, 6, 1)),
        Order(8, 11, "compulsory_isolation", D(2021, 12, 30), executed_date=D(2022, 1, 5)),
        Order(9, 12, "compulsory_isolation", D(2020, 6, 1), executed_date=D(2020, 6, 2)),
    ]
    pure = rules.control_indicators(control_policy(), persons, orders_, FROM, TO)
    orm = selectors.control_kpis(county.users["township_a"], county.township_a, FROM, TO)
    assert numbers(pure) == EXPECTED_A
    assert pure == orm


def test_the_people_behind_each_number(county):
    p = county.people
    user, unit = county.users["township_a"], county.township_a

    def names(code, which):
        return sorted(
            selectors.kpi_people(user, unit, FROM, TO, code, which).values_list("name", flat=True)
        )

    assert names("medium_high_risk_control_rate", "denominator") == ["P1", "P2"]
    assert names("medium_high_risk_control_rate", "gap") == ["P2"]
    assert names("community_execution_rate", "denominator") == ["P1", "P2"]
    assert names("community_execution_rate", "pending") == ["P3"]
    assert names("medium_high_risk_control_rate", "pending") == []
    assert names("community_execution_rate", "numerator") == ["P1"]
    assert names("compulsory_isolation_execution_rate", "gap") == ["P10", "P11", "P9"]
    assert names("sick_disabled_admission_rate", "gap") == ["P10", "P2"]
    assert names("not_executed_control_rate", "numerator") == ["P9"]
    assert p["B1"].name not in names("not_executed_control_rate", "denominator")


def test_the_targets_take_a_constant_number_of_queries(world):
    user, unit = world.users["office_admin"], world.county
    with CaptureQueriesContext(connection) as empty:
        selectors.control_kpis(user, unit, FROM, TO)
    build(world)
    with CaptureQueriesContext(connection) as full:
        selectors.control_kpis(user, unit, FROM, TO)
    assert len(full) == len(empty) <= 3


def test_the_api_returns_the_worked_out_numbers(county, api_as):
    api = api_as(county.users["township_a"])
    body = api.get(
        f"/api/v1/kpis/control/?org_unit={county.township_a.pk}&date_from=2021-01-01"
        "&date_to=2021-12-31"
    ).json()
    got = {i["code"]: (i["numerator"], i["denominator"]) for i in body["indicators"]}
    assert got == EXPECTED_A
    first = body["indicators"][0]
    assert (first["value"], first["target"], first["met"]) == (50.0, 100.0, False)
    people = api.get(
        f"/api/v1/kpis/control/people/?org_unit={county.township_a.pk}&date_from=2021-01-01"
        "&date_to=2021-12-31&code=not_executed_control_rate&which=gap"
    ).json()
    assert sorted(r["name"] for r in people["results"]) == ["P10", "P11"]
    assert all("*" in r["id_number"] for r in people["results"])
