"""Inspection rounds (the census 全面摸底, 方案四（一）五是): a round must reach every
registered enterprise in its period — list, open, progress (reached / total) and the
enterprises not reached yet, on the pages and over the API; and the county roll-up of the
four indicators by township."""

import datetime

import pytest

from jindu.precursors import services
from jindu.precursors.models import InspectionRound

from . import factories as f

D = datetime.date


@pytest.fixture
def census(world):
    f.catalogue()
    a = f.enterprise(world.township_a, name="甲镇经销公司")
    b = f.enterprise(world.township_b, name="乙乡化工有限公司")
    row = services.create_round(
        world.users["office_admin"], name="2025年全面摸底", date_from=D(2025, 1, 1),
        date_to=D(2025, 12, 31),
    )  # fmt: skip
    services.record_inspection(
        None, enterprise=a, round=row, date=D(2025, 3, 5), departments=["public_security"],
        inspectors="联合检查组", checklist={}, outcome="no_problem", findings="",
    )  # fmt: skip
    return row, a, b


def test_progress_counts_the_enterprises_reached_in_the_users_scope(world, census, client):
    row, _a, b = census
    client.force_login(world.users["office_admin"])
    page = client.get("/precursors/rounds/").content.decode()
    assert "2025年全面摸底" in page and "1 / 2" in page
    detail = client.get(f"/precursors/rounds/{row.pk}/").content.decode()
    assert "乙乡化工有限公司" in detail.split('id="missing"')[1]
    assert "甲镇经销公司" not in detail.split('id="missing"')[1]
    assert f"/precursors/enterprises/{b.pk}/inspections/new/?round={row.pk}" in detail
    # The link pre-selects the round; a malformed one is ignored, not a 500.
    form = client.get(f"/precursors/enterprises/{b.pk}/inspections/new/?round={row.pk}")
    assert form.context["form"]["round"].value() == row.pk
    bad = client.get(f"/precursors/enterprises/{b.pk}/inspections/new/?round=99999999999999999999")
    assert bad.status_code == 200 and bad.context["form"]["round"].value() is None
    client.force_login(world.users["station_a"])
    mine = client.get(f"/precursors/rounds/{row.pk}/").content.decode()
    assert "1 / 1" in mine and "乙乡" not in mine


def test_the_office_opens_a_round_and_bad_input_is_refused_naming_the_field(world, client):
    client.force_login(world.users["office_admin"])
    refused = client.post("/precursors/rounds/", {"name": "二季度", "date_from": "2025-06-30",
                                                  "date_to": "2025-04-01"})  # fmt: skip
    assert refused.status_code == 200 and "起始日期晚于截止日期" in refused.content.decode()
    assert not InspectionRound.objects.exists()
    body = {"name": "二季度", "date_from": "2025-04-01", "date_to": "2025-06-30", "is_census": "on"}
    made = client.post("/precursors/rounds/", body)
    assert made.status_code == 302
    assert InspectionRound.objects.get().name == "二季度"
    client.force_login(world.users["station_a"])
    assert client.post("/precursors/rounds/", {"name": "x"}).status_code == 403


def test_the_api_lists_rounds_with_progress_and_the_missing_enterprises(world, census, api_as):
    row, _a, b = census
    api = api_as(world.users["office_admin"])
    [listed] = api.get("/api/v1/inspection-rounds/").json()["results"]
    assert (listed["reached"], listed["total"], listed["is_census"]) == (1, 2, True)
    missing = api.get(f"/api/v1/inspection-rounds/{row.pk}/missing/").json()["results"]
    assert [e["id"] for e in missing] == [b.pk]
    body = {"name": "", "date_from": "2025-01-01", "date_to": "2025-02-01"}
    bad = api.post("/api/v1/inspection-rounds/", body, format="json")
    assert bad.status_code == 400 and "name" in bad.json()["errors"]
    station = api_as(world.users["station_a"])
    body = {"name": "站所轮次", "date_from": "2025-01-01", "date_to": "2025-02-01"}
    made = station.post("/api/v1/inspection-rounds/", body, format="json")
    assert made.status_code == 403
    assert station.get(f"/api/v1/inspection-rounds/{row.pk}/missing/").json()["results"] == []


def test_the_indicators_roll_up_by_township(world, census, api_as, client):
    api = api_as(world.users["office_admin"])
    body = api.get(
        f"/api/v1/kpis/precursors/?org_unit={world.county.pk}&date_from=2025-01-01"
        "&date_to=2025-12-31"
    ).json()
    by_unit = {row["name"]: row for row in body["by_unit"]}
    assert set(by_unit) >= {"甲镇", "乙乡"}
    inspected = {
        name: next(i for i in row["indicators"] if i["code"] == "enterprises_inspected")
        for name, row in by_unit.items()
    }
    assert (inspected["甲镇"]["numerator"], inspected["甲镇"]["denominator"]) == (1, 1)
    assert (inspected["乙乡"]["numerator"], inspected["乙乡"]["denominator"]) == (0, 1)
    county = next(i for i in body["indicators"] if i["code"] == "enterprises_inspected")
    assert (county["numerator"], county["denominator"]) == (1, 2)
    client.force_login(world.users["office_admin"])
    page = client.get(
        f"/precursors/kpis/?org_unit={world.county.pk}&date_from=2025-01-01&date_to=2025-12-31"
    ).content.decode()
    assert "kpis-by-township" in page and f"org_unit={world.township_b.pk}" in page
