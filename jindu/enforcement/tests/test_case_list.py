"""The case list: one FilterSet (enforcement/filters.py) for the page, its Excel export and
the API; the export is one sheet of the filtered, scoped cases. And the 2025 revision of
治安管理处罚法: a case coded under it says its article number is not yet verified."""

import datetime
import io

from openpyxl import load_workbook

from jindu.enforcement import services


def _sheet(response):
    content = b"".join(response.streaming_content)
    return [
        [c for c in row if c is not None]
        for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
    ]


def test_the_list_exports_what_it_shows(world, police, case_a, case_b, client):
    client.force_login(police)
    page = client.get("/enforcement/?offence=trafficking").content.decode()
    assert case_a.number in page and case_b.number not in page
    assert "export=xlsx" in page
    export = client.get("/enforcement/?offence=trafficking&export=xlsx")
    assert export.status_code == 200 and "sheet" in export["Content-Type"]
    rows = _sheet(export)
    numbers = [r[0] for r in rows if r and r[0] in (case_a.number, case_b.number)]
    assert numbers == [case_a.number]
    [row] = [r for r in rows if r and r[0] == case_a.number]
    assert "刑法第三百四十七条" in row and "甲镇" in row


def test_a_station_exports_only_its_townships(world, police, case_a, case_b, client):
    client.force_login(world.users["station_a"])
    rows = _sheet(client.get("/enforcement/?export=xlsx"))
    flat = [c for r in rows for c in r]
    assert case_a.number in flat and case_b.number not in flat


def test_the_api_reads_the_same_filters_and_names_a_bad_one(world, police, case_a, case_b, api_as):
    api = api_as(police)
    by_unit = api.get(f"/api/v1/cases/?org_unit={world.township_b.pk}").json()["results"]
    assert [c["number"] for c in by_unit] == [case_b.number]
    flagged = api.get("/api/v1/cases/?flag=zero_pack").json()["results"]
    assert [c["number"] for c in flagged] == [case_a.number]
    bad = api.get("/api/v1/cases/?offence=nonsense")
    assert bad.status_code == 400 and "offence" in bad.json()["errors"]
    bad_date = api.get("/api/v1/cases/?filed_from=2025-13-01")
    assert bad_date.status_code == 400 and "filed_from" in bad_date.json()["errors"]


def test_a_case_under_the_2025_revision_says_its_article_is_unverified(world, police, client):
    case = services.record_case(
        police,
        number="甲公(禁)行字[2026]001号",
        kind="administrative",
        offence="admin_drug_use",
        filed_date=datetime.date(2026, 1, 5),
        org_unit=world.township_a,
    )
    assert "2026年1月1日施行" in case.offence_article
    client.force_login(police)
    page = client.get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert "条文号尚未核实" in page and "修订文本未核对" in page
    old = services.record_case(
        police,
        number="甲公(禁)行字[2025]001号",
        kind="administrative",
        offence="admin_drug_use",
        filed_date=datetime.date(2025, 6, 5),
        org_unit=world.township_a,
    )
    assert old.offence_article == "治安管理处罚法第七十二条"
    assert "条文号尚未核实" not in client.get(f"/enforcement/cases/{old.pk}/").content.decode()
