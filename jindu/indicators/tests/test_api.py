"""REST contract of issue #15: paths, fields and codes as the issue states them."""

import datetime
import hashlib

import pytest

from jindu.indicators.models import Briefing, WarningAction, WarningRecord
from jindu.indicators.policy import indicator_policy

pytestmark = pytest.mark.django_db


def test_registry(api_as, world):
    response = api_as(world.users["leader"]).get("/api/v1/targets/")
    assert response.status_code == 200
    rows = response.json()
    assert [r["code"] for r in rows] == [t.code for t in indicator_policy().targets]
    for row in rows:
        assert {"code", "name", "goal", "target", "comparison", "definition"} <= set(row)
        assert row["goal"] in {"organisation", "enforcement", "control", "prevention", "precursors"}


def test_kpis_cover_every_target(api_as, organised):
    world = organised
    year = datetime.date.today().year
    response = api_as(world.users["office_admin"]).get(
        f"/api/v1/kpis/?org_unit={world.county.pk}&date_from={year}-01-01&date_to={datetime.date.today()}"
    )
    assert response.status_code == 200
    body = response.json()
    assert [i["code"] for i in body["indicators"]] == [t.code for t in indicator_policy().targets]
    for i in body["indicators"]:
        assert {
            "code",
            "goal",
            "numerator",
            "denominator",
            "value",
            "target",
            "met",
            "as_of",
        } <= set(i)
    letters = next(i for i in body["indicators"] if i["code"] == "responsibility_letters_signed")
    assert (letters["numerator"], letters["denominator"], letters["value"]) == (2, 4, 50.0)


def test_kpis_by_goal_and_bad_input(api_as, world):
    client = api_as(world.users["leader"])
    body = client.get("/api/v1/kpis/?goal=organisation").json()
    assert {i["goal"] for i in body["indicators"]} == {"organisation"}
    response = client.get("/api/v1/kpis/?goal=weather")
    assert response.status_code == 400 and "goal" in response.json()["errors"]
    response = client.get("/api/v1/kpis/?date_from=2026-05-01&date_to=2026-01-01")
    assert response.status_code == 400 and "date_from" in response.json()["errors"]


def test_series(api_as, world):
    client = api_as(world.users["leader"])
    response = client.get(
        f"/api/v1/kpis/leading_group_in_place/series/?org_unit={world.county.pk}&months=3"
    )
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 3
    assert all(set(r) == {"period", "value", "previous_year"} for r in rows)
    assert client.get("/api/v1/kpis/no_such_target/series/").status_code == 404
    assert client.get("/api/v1/kpis/leading_group_in_place/series/?months=0").status_code == 400


def test_a_township_sees_its_own_figures_only(api_as, organised):
    world = organised
    client = api_as(world.users["township_b"])
    assert client.get(f"/api/v1/kpis/?org_unit={world.township_a.pk}").status_code == 404
    body = client.get("/api/v1/kpis/").json()
    assert body["org_unit"] == world.township_b.pk
    letters = next(i for i in body["indicators"] if i["code"] == "responsibility_letters_signed")
    assert (letters["numerator"], letters["denominator"]) == (0, 2)
    assert (
        client.get(
            f"/api/v1/kpis/first_leader_rule/items/?org_unit={world.township_a.pk}"
        ).status_code
        == 404
    )


def test_grid_workers_and_member_units_have_no_cockpit(api_as, world):
    for name in ("grid_a", "member"):
        assert api_as(world.users[name]).get("/api/v1/kpis/").status_code == 403


def test_warnings_compute_and_list(api_as, organised):
    world = organised
    office = api_as(world.users["office_admin"])
    response = office.post("/api/v1/warnings/compute/", {"period": "2026-03"}, format="json")
    assert response.status_code == 200, response.content
    assert WarningRecord.objects.filter(period="2026-03").count() == 2
    rows = office.get("/api/v1/warnings/?period=2026-03").json()
    assert len(rows) == 2
    for row in rows:
        assert {"org_unit", "period", "level", "score", "contributions", "basis"} <= set(row)
        for c in row["contributions"]:
            assert {"indicator", "kind", "value", "weight", "points"} <= set(c)
            assert c["kind"] in ("objective", "work", "public")
        assert "第五条" in row["basis"]
    bad = office.post("/api/v1/warnings/compute/", {"period": "March"}, format="json")
    assert bad.status_code == 400 and "period" in bad.json()["errors"]
    assert (
        api_as(world.users["leader"])
        .post("/api/v1/warnings/compute/", {"period": "2026-03"}, format="json")
        .status_code
        == 403
    )
    own = api_as(world.users["township_a"]).get("/api/v1/warnings/?period=2026-03").json()
    assert [r["org_unit"] for r in own] == [world.township_a.pk]
    assert (
        api_as(world.users["township_a"])
        .get(f"/api/v1/warnings/?org_unit={world.township_b.pk}")
        .status_code
        == 404
    )


def test_briefing_is_issued_frozen_and_downloadable(api_as, organised):
    world = organised
    office = api_as(world.users["office_admin"])
    response = office.post(
        "/api/v1/briefings/",
        {"kind": "monthly_summary", "period": "2026-01", "org_unit": world.county.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert {"kind", "period", "org_unit", "number", "issued_on", "sha256"} <= set(body)
    briefing = Briefing.objects.get(pk=body["id"])
    document = office.get(f"/api/v1/briefings/{briefing.pk}/document/")
    assert document.status_code == 200
    content = b"".join(document.streaming_content)
    assert content[:2] == b"PK"  # a .docx is a zip
    assert hashlib.sha256(content).hexdigest() == body["sha256"]
    again = office.post(
        "/api/v1/briefings/",
        {"kind": "monthly_summary", "period": "2026-01", "org_unit": world.county.pk},
        format="json",
    )
    assert again.status_code == 409
    wrong = office.post(
        "/api/v1/briefings/",
        {"kind": "quarterly_situation", "period": "2026-01", "org_unit": world.township_a.pk},
        format="json",
    )
    assert wrong.status_code == 400 and "period" in wrong.json()["errors"]
    # The county briefing is not township B's to see.
    township = api_as(world.users["township_b"])
    assert township.get(f"/api/v1/briefings/{briefing.pk}/document/").status_code == 404
    assert (
        township.post(
            "/api/v1/briefings/",
            {"kind": "quarterly_situation", "period": "2026-Q1", "org_unit": world.township_b.pk},
            format="json",
        ).status_code
        == 403
    )


def test_a_township_briefing_for_its_quarter(api_as, organised):
    world = organised
    office = api_as(world.users["office_admin"])
    response = office.post(
        "/api/v1/briefings/",
        {"kind": "quarterly_situation", "period": "2026-Q1", "org_unit": world.township_a.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert (
        api_as(world.users["township_a"])
        .get(f"/api/v1/briefings/{response.json()['id']}/document/")
        .status_code
        == 200
    )
    assert WarningAction.objects.count() == 0
