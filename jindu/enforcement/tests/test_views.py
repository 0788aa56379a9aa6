"""The pages: entry, statistics with the Excel export, targets, the public tip form."""

import datetime

import pytest
from django.core.cache import cache

from jindu.enforcement import services
from jindu.enforcement.models import Case, Tip

D = datetime.date


def test_case_entry_page_records_a_case(world, police, client):
    client.force_login(world.users["station_a"])
    page = client.get("/enforcement/cases/new/")
    assert page.status_code == 200 and "零包贩毒" in page.content.decode()
    response = client.post(
        "/enforcement/cases/new/",
        {
            "number": "甲-2025-9",
            "kind": "criminal",
            "offence": "trafficking",
            "filed_date": "2025-05-01",
            "solved_date": "2025-04-01",
            "org_unit": world.township_a.pk,
        },
    )
    assert response.status_code == 200 and 'class="field-error"' in response.content.decode()
    assert not Case.objects.exists()
    response = client.post(
        "/enforcement/cases/new/",
        {
            "number": "甲-2025-9",
            "kind": "criminal",
            "offence": "trafficking",
            "filed_date": "2025-05-01",
            "solved_date": "2025-05-02",
            "org_unit": world.township_a.pk,
            "flags": ["zero_pack"],
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/enforcement/cases/{case.pk}/"


def test_township_has_no_new_case_button_and_gets_403(world, police, client):
    client.force_login(world.users["township_a"])
    assert "/enforcement/cases/new/" not in client.get("/enforcement/").content.decode()
    assert client.get("/enforcement/cases/new/").status_code == 403


def test_stats_page_and_excel_export(world, police, case_a, client):
    client.force_login(world.users["office_admin"])
    page = client.get("/enforcement/stats/?date_from=2025-01-01&date_to=2025-12-31")
    assert page.status_code == 200 and "甲镇" in page.content.decode()
    export = client.get("/enforcement/stats/?date_from=2025-01-01&date_to=2025-12-31&export=xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_targets_page_shows_red_for_planting(world, police, client):
    services.record_planting(
        world.users["township_a"],
        org_unit=world.township_a,
        date=D(2025, 4, 1),
        species="opium_poppy",
        plants=3,
    )
    client.force_login(world.users["office_admin"])
    page = client.get("/enforcement/targets/?year=2025").content.decode()
    assert "badge danger" in page


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_public_tip_needs_no_login_and_is_rate_limited(world, client, fresh_cache):
    page = client.get("/tip/")
    assert page.status_code == 200
    data = {"org_unit": world.township_a.pk, "content": "某出租屋夜间有人聚集吸毒"}
    for _ in range(3):
        assert client.post("/tip/", data).status_code == 201
    assert client.post("/tip/", data).status_code == 429
    assert Tip.objects.count() == 3
    assert not any(t.has_reporter for t in Tip.objects.all())


def test_grid_worker_gets_the_tip_form_only(world, police, client):
    client.force_login(world.users["grid_a"])
    assert client.get("/enforcement/").status_code == 403
    assert "/tip/" in client.get("/").content.decode()


def test_a_registered_users_file_is_linked_for_those_who_may_open_it(world, case_a, client):
    from jindu.control.tests.factories import person

    registered = person(world)
    services.add_suspect(
        world.users["station_a"],
        case_a,
        name=registered.name,
        gender="male",
        id_number=registered.id_number,
        disposal="detained",
    )
    link = f"/control/persons/{registered.pk}/"
    client.force_login(world.users["station_a"])
    assert link in client.get(f"/enforcement/cases/{case_a.pk}/").content.decode()
    client.force_login(world.users["gongan"])  # the police bureau: no part in control files
    page = client.get(f"/enforcement/cases/{case_a.pk}/").content.decode()
    assert link not in page and registered.id_number not in page


@pytest.mark.parametrize("persona", ["office_admin", "township_a", "station_a"])
def test_the_targets_page_and_api_read_one_query(world, police, client, api_as, persona):
    """KpiQuery: the page (page=True) and GET /api/v1/kpis/enforcement/ open on the same unit
    and year; a year out of range is refused by the API and shown on the page beside its
    field, which then shows this year."""
    user = world.users[persona]
    client.force_login(user)
    page = client.get("/enforcement/targets/").context
    api = api_as(user).get("/api/v1/kpis/enforcement/").json()
    assert (api["org_unit"], api["year"]) == (page["unit"].pk, page["year"])
    assert api_as(user).get("/api/v1/kpis/enforcement/?year=1950").status_code == 400
    shown = client.get("/enforcement/targets/?year=1950").context
    assert shown["form"].errors["year"] and shown["year"] == api["year"]
