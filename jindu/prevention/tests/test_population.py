"""Population figures: one store (enforcement.Population) with kind (户籍/常住), year and
source, entered by the office on one page and one endpoint; the enforcement tip indicator,
the prevention targets and the cockpit read the same figure."""

import datetime

import pytest

from jindu.enforcement import selectors as enforcement_selectors
from jindu.enforcement.models import Population
from jindu.prevention import selectors

D = datetime.date


def test_the_office_enters_a_figure_on_the_page_and_every_area_reads_it(world, client):
    client.force_login(world.users["office_admin"])
    body = {"org_unit": world.township_a.pk, "year": 2025, "kind": "registered",
            "count": 20000, "source": "县公安局户籍统计"}  # fmt: skip
    assert client.post("/prevention/population/", body).status_code == 302
    row = Population.objects.get()
    assert (row.org_unit, row.year, row.kind, row.residents) == (world.township_a, 2025,
                                                                  "registered", 20000)  # fmt: skip
    assert selectors.population_of(world.township_a, 2025) == 20000
    indicators = {
        i.code: i
        for i in enforcement_selectors.enforcement_kpis(
            world.users["office_admin"], world.township_a, 2025
        )
    }
    assert indicators["tip_participation"].denominator == 20000
    page = client.get("/prevention/population/").content.decode()
    assert "县公安局户籍统计" in page and "20000" in page


def test_a_second_entry_replaces_and_both_kinds_keep_the_registered_one(world, api_as):
    api = api_as(world.users["office_admin"])
    url = "/api/v1/populations/"
    base = {"org_unit": world.township_a.pk, "year": 2025, "source": "统计年鉴"}
    for kind, count in (("resident", 30000), ("registered", 25000)):
        made = api.post(url, {**base, "kind": kind, "count": count}, format="json")
        assert made.status_code == 201, made.json()
    again = api.post(url, {**base, "kind": "registered", "count": 26000}, format="json")
    assert again.status_code == 201 and again.json()["count"] == 26000
    assert Population.objects.count() == 2
    kpis = {
        i.code: i
        for i in enforcement_selectors.enforcement_kpis(
            world.users["office_admin"], world.township_a, 2025
        )
    }
    assert kpis["tip_participation"].denominator == 26000


@pytest.mark.parametrize(
    "change, field",
    [({"count": 0}, "count"), ({"kind": "guess"}, "kind"), ({"source": " "}, "source")],
)
def test_bad_figures_are_refused_in_chinese_naming_the_field(world, api_as, change, field):
    api = api_as(world.users["office_admin"])
    body = {"org_unit": world.township_a.pk, "year": 2025, "kind": "registered",
            "count": 100, "source": "统计", **change}  # fmt: skip
    response = api.post("/api/v1/populations/", body, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not Population.objects.exists()


def test_only_the_office_enters_figures(world, api_as):
    api = api_as(world.users["township_a"])
    body = {"org_unit": world.township_a.pk, "year": 2025, "kind": "registered",
            "count": 100, "source": "统计"}  # fmt: skip
    assert api.post("/api/v1/populations/", body, format="json").status_code == 403
