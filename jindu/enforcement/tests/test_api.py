"""The REST contract of issue 12: paths, fields and codes; masked reads; scope."""

import datetime

import pytest

from jindu.control.tests.factories import id_number
from jindu.enforcement import services
from jindu.enforcement.models import Case

D = datetime.date


def test_case_crud_and_codes(world, police, api_as):
    api = api_as(police)
    response = api.post(
        "/api/v1/cases/",
        {
            "number": "县公(禁)立字[2025]100号",
            "kind": "criminal",
            "offence": "trafficking",
            "filed_date": "2025-02-01",
            "solved_date": "2025-02-10",
            "org_unit": world.township_a.pk,
            "flags": ["gang", "kilogram"],
            "notes": "测试",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    for name in ("number", "kind", "offence", "filed_date", "solved_date", "org_unit", "flags"):
        assert name in body
    assert body["offence_article"] == "刑法第三百四十七条"
    patched = api.patch(f"/api/v1/cases/{body['id']}/", {"notes": "改"}, format="json")
    assert patched.status_code == 200 and patched.json()["notes"] == "改"
    duplicate = api.post(
        "/api/v1/cases/",
        {**{k: body[k] for k in ("number", "kind", "offence", "filed_date", "org_unit")}},
        format="json",
    )
    assert duplicate.status_code == 409


def test_bad_case_input_is_a_400_naming_the_field_in_chinese(world, police, api_as):
    api = api_as(police)
    response = api.post(
        "/api/v1/cases/",
        {
            "number": "X",
            "kind": "criminal",
            "offence": "trafficking",
            "filed_date": "2025-02-10",
            "solved_date": "2025-02-01",
            "org_unit": world.township_a.pk,
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "solved_date" in response.json()["errors"]
    assert not Case.objects.filter(number="X").exists()


def test_suspect_written_in_full_read_masked(world, case_a, api_as):
    api = api_as(world.users["station_a"])
    number = id_number()
    response = api.post(
        "/api/v1/case-suspects/",
        {
            "case": case_a.pk,
            "name": "孙某",
            "gender": "male",
            "id_number": number,
            "household_unit": world.village_a.pk,
            "role": "principal",
            "disposal": "detained",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["id_number"] == number[:6] + "********" + number[-4:]
    listed = api_as(world.users["township_a"]).get(f"/api/v1/case-suspects/?case={case_a.pk}")
    assert number not in listed.content.decode()
    reveal = api_as(world.users["township_a"]).post(
        f"/api/v1/case-suspects/{response.json()['id']}/reveal/", {"reason": "x"}, format="json"
    )
    assert reveal.status_code == 403
    wrong = api_as(world.users["station_a"]).post(
        "/api/v1/case-suspects/",
        {
            "case": case_a.pk,
            "name": "孙某",
            "gender": "male",
            "id_number": number[:17] + ("1" if number[17] == "0" else "0"),
            "disposal": "detained",
        },
        format="json",
    )
    assert wrong.status_code == 400 and "id_number" in wrong.json()["errors"]


def test_seizure_weight_must_be_positive(world, case_a, api_as):
    api = api_as(world.users["station_a"])
    bad = api.post(
        "/api/v1/seizures/",
        {"case": case_a.pk, "drug_type": "heroin", "grams": "0"},
        format="json",
    )
    assert bad.status_code == 400 and "grams" in bad.json()["errors"]
    good = api.post(
        "/api/v1/seizures/",
        {"case": case_a.pk, "drug_type": "methamphetamine", "grams": "51.2", "pills": 0},
        format="json",
    )
    assert good.status_code == 201 and good.json()["heroin_equivalent_grams"] == "51.200"


def test_stats_contract_with_previous_year(world, police, api_as):
    for year, grams in ((2024, "10"), (2025, "30")):
        case = services.record_case(
            police,
            number=f"S-{year}",
            kind="criminal",
            offence="trafficking",
            filed_date=D(year, 3, 1),
            solved_date=D(year, 3, 5),
            org_unit=world.township_a,
        )
        services.add_seizure(police, case, drug_type="heroin", grams=grams)
        services.add_suspect(police, case, name="某", gender="male", disposal="arrested")
    response = api_as(police).get(
        f"/api/v1/enforcement/stats/?org_unit={world.county.pk}"
        "&date_from=2025-01-01&date_to=2025-12-31"
    )
    assert response.status_code == 200
    rows = {r["code"]: r for r in response.json()["rows"]}
    for code in (
        "cases_solved",
        "suspects",
        "seizure_grams:heroin",
        "heroin_equivalent_grams",
        "gangs",
        "dens",
    ):
        assert {"code", "value", "previous", "change_pct"} <= set(rows[code])
    assert rows["cases_solved"]["value"] == 1 and rows["cases_solved"]["previous"] == 1
    assert rows["seizure_grams:heroin"]["value"] == 30
    assert rows["seizure_grams:heroin"]["change_pct"] == 200.0
    by_unit = {u["org_unit"]: u for u in response.json()["by_unit"]}
    assert set(by_unit) == {world.township_a.pk, world.township_b.pk}
    # A township sees its own figures only.
    mine = api_as(world.users["township_b"]).get(
        "/api/v1/enforcement/stats/?date_from=2025-01-01&date_to=2025-12-31"
    )
    rows_b = {r["code"]: r for r in mine.json()["rows"]}
    assert rows_b["cases_solved"]["value"] == 0


def test_kpis_contract(world, police, api_as):
    for year, n in ((2024, 4), (2025, 2)):
        for i in range(n):
            services.record_outbound(
                police,
                name=f"外流{year}{i}",
                gender="male",
                id_number=id_number(),
                household_unit=world.village_a,
                arrest_date=D(year, 5, 1),
                arrest_place="外省",
                arresting_agency="外省公安",
                disposal="arrested",
                source="bulletin",
            )
    response = api_as(police).get(f"/api/v1/kpis/enforcement/?org_unit={world.county.pk}&year=2025")
    assert response.status_code == 200
    indicators = {i["code"]: i for i in response.json()["indicators"]}
    for code in (
        "outbound_trafficking_reduction",
        "zero_planting",
        "zero_production",
        "tip_participation",
    ):
        assert {"code", "numerator", "denominator", "value", "target", "met"} <= set(
            indicators[code]
        )
    reduction = indicators["outbound_trafficking_reduction"]
    assert (reduction["numerator"], reduction["denominator"]) == (2, 4)
    assert reduction["value"] == -50.0 and reduction["met"] is True
    assert indicators["zero_planting"]["met"] is True


def test_targets_by_township_equal_each_townships_own_targets(world, police):
    """The targets page's per-township rows and one township's own targets are one count."""
    from jindu.enforcement import selectors

    for year, unit in ((2024, world.village_a), (2025, world.village_a), (2024, world.village_b)):
        services.record_outbound(
            police,
            name=f"外流{year}{unit.pk}",
            gender="male",
            id_number=id_number(),
            household_unit=unit,
            arrest_date=D(year, 5, 1),
            arrest_place="外省",
            arresting_agency="外省公安",
            disposal="arrested",
            source="bulletin",
        )
    rows = selectors.enforcement_kpis_by_township(police, world.county, 2025)
    assert [r.unit_id for r in rows] == [world.township_a.pk, world.township_b.pk]
    for row in rows:
        township = world.township_a if row.unit_id == world.township_a.pk else world.township_b
        assert row.indicators == selectors.enforcement_kpis(police, township, 2025)
    first = {i.code: i for i in rows[0].indicators}["outbound_trafficking_reduction"]
    assert (first.numerator, first.denominator) == (1, 1)


def test_tips_reporter_is_office_only(world, police, api_as):
    office = api_as(world.users["office_admin"])
    created = office.post(
        "/api/v1/tips/",
        {
            "received_date": "2025-03-01",
            "channel": "hotline",
            "org_unit": world.township_a.pk,
            "content": "某宾馆有人吸毒",
            "reporter_name": "周某",
            "reporter_phone": "13900002222",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    tip_id = created.json()["id"]
    assert "reporter_phone" not in created.json()
    police_view = api_as(police).get(f"/api/v1/tips/{tip_id}/")
    assert police_view.status_code == 200 and "13900002222" not in police_view.content.decode()
    office = api_as(world.users["office_admin"])
    office_view = office.get(f"/api/v1/tips/{tip_id}/?reason=核实")
    assert office_view.json()["reporter_phone"] == "13900002222"
    assigned = office.post(
        f"/api/v1/tips/{tip_id}/assign/", {"station": world.station_a.pk}, format="json"
    )
    assert assigned.status_code == 200 and assigned.json()["status"] == "assigned"
    verified = api_as(world.users["station_a"]).post(
        f"/api/v1/tips/{tip_id}/verify/", {"confirmed": False, "note": "不属实"}, format="json"
    )
    assert verified.status_code == 200 and verified.json()["status"] == "unfounded"
    assert api_as(world.users["township_a"]).get(f"/api/v1/tips/{tip_id}/").status_code == 404


@pytest.mark.parametrize("name", ["member", "grid_a"])
def test_roles_without_a_part_see_nothing(world, police, case_a, api_as, name):
    api = api_as(world.users[name])
    assert api.get("/api/v1/cases/").json()["count"] == 0
    assert api.get("/api/v1/enforcement/stats/").status_code == 403


def test_venue_contract_grade_is_read_only(world, police, api_as):
    api = api_as(world.users["station_a"])
    response = api.post(
        "/api/v1/venues/",
        {
            "name": "星光宾馆",
            "kind": "hotel",
            "org_unit": world.township_a.pk,
            "station": world.station_a.pk,
            "licence_no": "H-1",
            "grade": "A",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["grade"] == "B"  # ungraded until inspected
    inspection = api.post(
        "/api/v1/venue-inspections/",
        {
            "venue": response.json()["id"],
            "date": str(services.today()),
            "mode": "open",
            "inspectors": "民警",
            "checks": {
                "cctv_30_days": True,
                "business_log_60_days": True,
                "warning_signs": True,
                "staff_register": True,
                "patrols": True,
            },
            "users_found": 0,
            "dealers_found": 0,
        },
        format="json",
    )
    assert inspection.status_code == 201, inspection.json()
    assert inspection.json()["grade_after"] == "A"
    unknown = api.post(
        "/api/v1/venue-inspections/",
        {
            "venue": response.json()["id"],
            "date": str(services.today()),
            "mode": "open",
            "inspectors": "民警",
            "checks": {"sprinklers": True},
        },
        format="json",
    )
    assert unknown.status_code == 400 and "checks" in unknown.json()["errors"]


def test_a_station_gets_the_county_narrowed_to_its_townships(world, police, case_a, case_b, api_as):
    response = api_as(world.users["station_a"]).get(
        "/api/v1/enforcement/stats/?date_from=2025-01-01&date_to=2025-12-31"
    )
    assert response.status_code == 200
    assert response.json()["org_unit"] == world.county.pk
    assert [u["org_unit"] for u in response.json()["by_unit"]] == [world.township_a.pk]
    rows = {r["code"]: r for r in response.json()["rows"]}
    assert rows["cases_solved"]["value"] == 1  # case_a only, not township B's case_b


def test_the_lists_parameters_are_parsed_once_and_a_bad_one_names_itself(
    world, police, case_a, api_as
):
    """The lists beside the cases read FilterSets (filters.py): a unit's subtree, a case, a
    grade or a status; a bad value answers 400 naming the parameter, in Chinese."""
    services.add_seizure(police, case_a, drug_type="heroin", grams="3")
    api = api_as(police)
    mine = api.get(f"/api/v1/seizures/?case={case_a.pk}").json()
    assert [s["case"] for s in mine["results"]] == [case_a.pk]
    assert api.get(f"/api/v1/seizures/?case={case_a.pk + 999}").json()["results"] == []
    assert api.get(f"/api/v1/tips/?org_unit={world.township_a.pk}").status_code == 200
    for path in (
        "/api/v1/venues/?grade=Z",
        "/api/v1/tips/?status=nonsense",
        "/api/v1/seizures/?case=abc",
        "/api/v1/eradication-patrols/?org_unit=0",
    ):
        response = api.get(path)
        assert response.status_code == 400, path
        name = path.split("?")[1].split("=")[0]
        assert name in response.json()["errors"], (path, response.json())
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(response.json())), path


def test_a_tip_lists_the_actions_its_reader_may_take_now(world, police, api_as):
    office = api_as(world.users["office_admin"])  # one client: api_as switches its user
    tip = office.post(
        "/api/v1/tips/",
        {
            "received_date": "2025-03-01",
            "channel": "hotline",
            "org_unit": world.township_a.pk,
            "content": "某处有人聚众吸毒",
        },
        format="json",
    ).json()
    assert "assign" in tip["actions"] and "verify" not in tip["actions"]
    assigned = office.post(
        f"/api/v1/tips/{tip['id']}/assign/", {"station": world.station_a.pk}, format="json"
    )
    assert assigned.status_code == 200, assigned.json()
    station = api_as(world.users["station_a"])
    seen = station.get(f"/api/v1/tips/{tip['id']}/").json()["actions"]
    assert "verify" in seen and "assign" not in seen and "reveal_reporter" not in seen
    listed = station.get("/api/v1/tips/").json()["results"]
    assert [t["actions"] for t in listed if t["id"] == tip["id"]] == [seen]


def test_the_tabs_show_the_lists_a_role_sees(world, client):
    client.force_login(world.users["township_a"])
    page = client.get("/enforcement/").content.decode()
    assert "/enforcement/tips/" not in page and "/enforcement/access-log/" not in page
    client.force_login(world.users["office_admin"])
    page = client.get("/enforcement/").content.decode()
    assert "/enforcement/tips/" in page and "/enforcement/access-log/" in page
