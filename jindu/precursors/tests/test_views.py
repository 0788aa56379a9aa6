"""Every precursor page renders for the roles that use it; a refusal is shown next to the
field; pages the role may not use answer 403."""

import datetime

import pytest

from jindu.precursors.models import Flag, LedgerEntry

from . import factories as f


@pytest.fixture
def setup(world, db):
    chem = f.catalogue()
    company = f.enterprise(world.township_a, name="甲镇页面化工")
    f.licence(company, [chem["acetone"]])
    f.entry(company, chem["acetone"], "sale", "10", datetime.date(2025, 3, 1), payment="cash")
    return world, chem, company


def test_every_page_renders_for_the_office(setup, client):
    world, chem, company = setup
    client.force_login(world.users["office_admin"])
    flag = Flag.objects.first()
    for url in (
        "/precursors/",
        "/precursors/enterprises/new/",
        f"/precursors/enterprises/{company.pk}/",
        f"/precursors/enterprises/{company.pk}/edit/",
        f"/precursors/enterprises/{company.pk}/ledger/new/",
        f"/precursors/enterprises/{company.pk}/licences/new/",
        f"/precursors/enterprises/{company.pk}/inspections/new/",
        f"/precursors/enterprises/{company.pk}/reports/new/",
        f"/precursors/enterprises/{company.pk}/reconciliation/?chemical={chem['acetone'].pk}",
        "/precursors/flags/",
        f"/precursors/flags/{flag.pk}/close/",
        "/precursors/catalogue/",
        "/precursors/catalogue/new/",
        f"/precursors/catalogue/{chem['acetone'].pk}/edit/",
        "/precursors/import/",
        "/precursors/kpis/",
        f"/precursors/kpis/enterprises_inspected/?org_unit={world.county.pk}&which=gap",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert client.get("/precursors/import/template/")["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )


def test_the_menu_offers_precursors_to_the_township_but_not_to_grid_workers(setup, client):
    world, _chem, _company = setup
    client.force_login(world.users["township_a"])
    assert 'href="/precursors/"' in client.get("/").content.decode()
    assert client.get("/precursors/enterprises/new/").status_code == 403
    client.force_login(world.users["grid_a"])
    assert 'href="/precursors/"' not in client.get("/").content.decode()
    assert client.get("/precursors/").status_code == 403


def test_a_bad_line_is_shown_next_to_its_field_and_nothing_changes(setup, client):
    world, chem, company = setup
    client.force_login(world.users["station_a"])
    before = LedgerEntry.objects.count()
    response = client.post(
        f"/precursors/enterprises/{company.pk}/ledger/new/",
        {
            "date": "2025-03-02",
            "chemical": chem["acetone"].pk,
            "movement": "use",
            "quantity": "-3",
            "document_no": "U-9",
        },
    )
    assert response.status_code == 200
    assert "数量不能为负数" in response.content.decode()
    assert LedgerEntry.objects.count() == before


def test_the_office_runs_the_flags_from_the_page(setup, client):
    world, _chem, _company = setup
    client.force_login(world.users["office_admin"])
    response = client.post(
        "/precursors/flags/run/", {"date_from": "2025-03-01", "date_to": "2025-03-31"}
    )
    assert response.status_code == 302
    client.force_login(world.users["station_a"])
    assert client.post("/precursors/flags/run/", {}).status_code == 403
