"""The control targets page and its drill-down, on test_kpis.py's hand-counted county
(period 2021; the people P1–P12 in township A and B1 in township B)."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from jindu.audit.models import AuditEvent
from jindu.control import selectors

from .test_kpis import EXPECTED_A, EXPECTED_COUNTY, FROM, TO, build

PERIOD = f"date_from={FROM.isoformat()}&date_to={TO.isoformat()}"


@pytest.fixture
def county(world):
    world.people = build(world)
    return world


def page_numbers(response):
    return {
        i.code: (i.numerator, i.denominator)
        for i, _definition, _missing in response.context["indicators"]
    }


def people_url(code, unit, part):
    return f"{reverse('control:kpi_people', args=[code])}?org_unit={unit.pk}&{PERIOD}&part={part}"


def listed(client, url):
    page = client.get(url).context["page"]
    assert page.paginator.num_pages == 1
    return {p.name for p in page}


def test_the_page_shows_the_five_targets_of_township_a(county, client):
    client.force_login(county.users["township_a"])
    response = client.get(reverse("control:kpis") + f"?{PERIOD}")
    assert response.status_code == 200
    # The township's own unit by default.
    assert response.context["period"].unit == county.township_a
    assert page_numbers(response) == EXPECTED_A
    body = response.content.decode()
    assert "中等风险以上吸毒人员纳入管控率" in body and "强制隔离戒毒执行率" in body
    assert "分母：" in body  # the policy's definitions
    assert "50.0%" in body and "25.0%" in body and "33.3%" in body
    assert "≥ 85%" in body
    main_table = body.split("kpi-breakdown")[0]
    assert main_table.count("kpi-notmet") == 5 and "kpi-met" not in main_table
    # Township A's one village, in the breakdown.
    assert [c for c, _v, _q in response.context["children"]] == [county.village_a]
    assert "钱测试乙" not in body and "乙乡" not in body


def test_nobody_to_count_is_said_not_shown_as_a_rate(county, client):
    client.force_login(county.users["township_a"])
    body = client.get(reverse("control:kpis") + "?date_from=2030-01-01&date_to=2030-12-31")
    # Dates in the future still count the people as of the end; the orders are none.
    indicators = {i.code: i for i, _d, _m in body.context["indicators"]}
    assert indicators["community_execution_rate"].denominator == 0
    text = body.content.decode()
    assert "no one to count" in text or "无统计对象" in text
    row = text.split('class="kpi-community_execution_rate"')[1].split("</tr>")[0]
    assert "0.0%" not in row and "100.0%" not in row and "kpi-na" in row


def test_the_office_sees_the_county_with_each_township(county, client):
    client.force_login(county.users["office_admin"])
    response = client.get(reverse("control:kpis") + f"?org_unit={county.county.pk}&{PERIOD}")
    assert page_numbers(response) == EXPECTED_COUNTY
    rows = {child: values for child, values, _q in response.context["children"]}
    assert set(rows) == {county.township_a, county.township_b}
    assert {i.code: (i.numerator, i.denominator) for i in rows[county.township_a]} == EXPECTED_A
    b = {i.code: (i.numerator, i.denominator) for i in rows[county.township_b]}
    assert b == {
        "medium_high_risk_control_rate": (0, 1),
        "community_execution_rate": (0, 0),
        "compulsory_isolation_execution_rate": (0, 1),
        "sick_disabled_admission_rate": (0, 1),
        "not_executed_control_rate": (0, 1),
    }
    # The default unit for the office is the county, this year.
    default = client.get(reverse("control:kpis"))
    assert default.context["period"].unit == county.county
    assert default.context["period"].date_from.month == 1


def test_the_breakdown_costs_the_same_queries_whatever_the_townships(county):
    from jindu.orgs import services as orgs

    office = county.users["office_admin"]

    def count():
        with CaptureQueriesContext(connection) as queries:
            selectors.kpi_breakdown(office, county.county, FROM, TO)
        return len(queries)

    before = count()
    for n in range(5):
        orgs.create_unit(
            None, code=f"43042110{n + 2}000", name=f"新乡{n}", kind="township", parent=county.county
        )
    assert count() == before <= 4


def main(response) -> str:
    """The page below the header (the header's random CSRF token could contain "P1")."""
    return response.content.decode().split("</header>")[1]


def test_township_b_sees_only_its_own(county, client):
    client.force_login(county.users["township_b"])
    own = client.get(reverse("control:kpis") + f"?{PERIOD}")
    assert own.context["period"].unit == county.township_b
    assert page_numbers(own)["medium_high_risk_control_rate"] == (0, 1)
    assert "P1" not in main(own)
    refused = client.get(reverse("control:kpis") + f"?org_unit={county.township_a.pk}&{PERIOD}")
    assert refused.context["period"] is None
    assert "甲镇" not in main(refused)
    drill = client.get(
        people_url("medium_high_risk_control_rate", county.township_a, "denominator")
    )
    assert drill.context["period"] is None and "P1" not in main(drill)
    b_people = client.get(people_url("not_executed_control_rate", county.township_b, "denominator"))
    assert {p.name for p in b_people.context["page"]} == {"钱测试乙"}


@pytest.mark.parametrize(
    "code, numerator, denominator",
    [
        ("medium_high_risk_control_rate", {"P1"}, {"P1", "P2"}),
        ("community_execution_rate", {"P1"}, {"P1", "P2"}),
        ("compulsory_isolation_execution_rate", {"P8"}, {"P8", "P9", "P10", "P11"}),
        ("sick_disabled_admission_rate", {"P1"}, {"P1", "P2", "P10"}),
        ("not_executed_control_rate", {"P9"}, {"P9", "P10", "P11"}),
    ],
)
def test_the_drill_down_lists_the_people_behind_each_number(
    county, client, code, numerator, denominator
):
    client.force_login(county.users["township_a"])
    unit = county.township_a
    assert listed(client, people_url(code, unit, "numerator")) == numerator
    assert listed(client, people_url(code, unit, "denominator")) == denominator
    assert listed(client, people_url(code, unit, "missing")) == denominator - numerator


def test_the_drill_down_is_masked_and_linked_from_the_page(county, client):
    client.force_login(county.users["township_a"])
    p2 = county.people["P2"]
    body = client.get(
        people_url("medium_high_risk_control_rate", county.township_a, "missing")
    ).content.decode()
    assert p2.id_masked in body and p2.id_number not in body
    assert reverse("control:person_detail", args=[p2.pk]) in body
    assert "13812345678" not in body
    page = client.get(reverse("control:kpis") + f"?{PERIOD}").content.decode()
    assert "part=missing" in page and "part=numerator" in page and "part=denominator" in page
    assert client.get(reverse("control:kpi_people", args=["nonsense"])).status_code == 404


def test_the_drill_down_exports_masked_to_excel(county, client):
    client.force_login(county.users["township_a"])
    before = AuditEvent.objects.count()
    response = client.get(
        people_url("compulsory_isolation_execution_rate", county.township_a, "missing")
        + "&export=xlsx"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    # The title row names the target and the unit; then the period, who and when.
    assert county.township_a.name in rows[0][0] and "2021-01-01" in rows[1][0]
    rows = rows[2:]
    assert {r[0] for r in rows[1:]} == {"P9", "P10", "P11"}
    numbers = {r[1] for r in rows[1:]}
    assert numbers == {county.people[k].id_masked for k in ("P9", "P10", "P11")}
    assert not any(county.people[k].id_number in str(rows) for k in county.people)
    assert AuditEvent.objects.count() == before + 1


@pytest.mark.parametrize("persona", ["grid_a", "member"])
def test_roles_without_control_work_are_refused(county, client, persona):
    client.force_login(county.users[persona])
    assert client.get(reverse("control:kpis")).status_code == 403
    assert (
        client.get(reverse("control:kpi_people", args=["community_execution_rate"])).status_code
        == 403
    )


@pytest.mark.parametrize("persona", ["township_a", "office_admin", "station_a"])
def test_the_page_and_the_api_give_the_same_numbers(county, client, api_as, persona):
    user = county.users[persona]
    unit = county.township_a if persona != "office_admin" else county.county
    query = f"?org_unit={unit.pk}&{PERIOD}" if persona != "station_a" else f"?{PERIOD}"
    client.force_login(user)
    page = page_numbers(client.get(reverse("control:kpis") + query))
    api = api_as(user).get("/api/v1/kpis/control/" + query).json()
    assert {i["code"]: (i["numerator"], i["denominator"]) for i in api["indicators"]} == page
    assert page in (EXPECTED_A, EXPECTED_COUNTY)


def test_the_unit_picker_searches_the_units_and_any_unit_in_scope_is_accepted(county, client):
    client.force_login(county.users["office_admin"])
    page = client.get(reverse("control:kpis") + f"?{PERIOD}").content.decode()
    # A picker, not a list of every unit: the page carries the chosen unit only.
    assert 'data-picker="/pick/kpi-units/"' in page
    assert f'value="{county.village_a.pk}"' not in page
    found = client.get("/pick/kpi-units/", {"q": county.village_a.name}).json()["results"]
    assert str(county.village_a.pk) in [r["value"] for r in found]
    village = client.get(reverse("control:kpis") + f"?org_unit={county.village_a.pk}&{PERIOD}")
    assert village.context["period"].unit == county.village_a
    assert f'value="{county.village_a.pk}" selected' in village.content.decode()


@pytest.mark.parametrize("persona", ["township_a", "office_admin", "station_a"])
def test_the_page_and_the_api_read_one_query(county, client, api_as, persona):
    """KpiQuery: the same default unit and period with no query, and the same refusals."""
    user = county.users[persona]
    client.force_login(user)
    page = client.get(reverse("control:kpis")).context["period"]
    api = api_as(user).get("/api/v1/kpis/control/").json()
    assert (api["org_unit"], api["date_from"], api["date_to"]) == (
        page.unit.pk,
        page.date_from.isoformat(),
        page.date_to.isoformat(),
    )
    backwards = f"?date_from={TO.isoformat()}&date_to={FROM.isoformat()}"
    refused = api_as(user).get("/api/v1/kpis/control/" + backwards)
    assert refused.status_code == 400 and "date_from" in refused.json()["errors"]
    shown = client.get(reverse("control:kpis") + backwards)
    assert shown.context["period"] is None and shown.context["form"].errors["date_from"]
    no_target = api_as(user).get("/api/v1/kpis/control/people/")
    assert no_target.status_code == 400
    assert no_target.json()["errors"]["code"] == ["请选择指标。"]


def test_an_unknown_tab_opens_the_denominator(county, client):
    client.force_login(county.users["office_admin"])
    url = reverse("control:kpi_people", args=["community_execution_rate"])
    page = client.get(f"{url}?org_unit={county.county.pk}&{PERIOD}&part=bogus")
    assert page.context["period"] is not None and page.context["part"] == "denominator"
