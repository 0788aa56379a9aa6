"""The REST contract of issue 13: paths, fields and codes."""

import datetime

import pytest

from jindu.audit.models import AuditEvent
from jindu.precursors.models import Flag, LedgerEntry

from . import factories as f


@pytest.fixture
def chem(db):
    return f.catalogue()


def test_chemicals_list_has_the_contract_fields(world, chem, api_as):
    api = api_as(world.users["township_a"])
    response = api.get("/api/v1/chemicals/?category=1&page_size=100")
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert {"code", "name", "category", "unit", "listed_date"} <= set(row)
    assert response.json()["count"] == 19


def test_only_the_office_writes_the_catalogue(world, chem, api_as):
    body = {"code": "new_one", "name": "新增品种", "category": "2", "unit": "kg",
            "listed_date": "2024-09-20", "source_document": "某公告"}  # fmt: skip
    assert api_as(world.users["station_a"]).post("/api/v1/chemicals/", body).status_code == 403
    response = api_as(world.users["office_admin"]).post("/api/v1/chemicals/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["edited"] is True


def test_enterprise_create_checks_the_credit_code(world, chem, api_as):
    api = api_as(world.users["station_a"])
    body = {"name": "甲镇新厂", "credit_code": "91430421MA0000001Y",
            "org_unit": world.township_a.pk, "activities": ["use"],
            "sector": "chemical"}  # fmt: skip
    response = api.post("/api/v1/enterprises/", body, format="json")
    assert response.status_code == 400
    assert "credit_code" in response.json()["errors"]
    body["credit_code"] = f.credit_code()
    response = api.post("/api/v1/enterprises/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["station"] == world.station_a.pk and data["activities"] == ["use"]
    patch = api.patch(f"/api/v1/enterprises/{data['id']}/", {"name": "甲镇新厂二"}, format="json")
    assert patch.status_code == 200 and patch.json()["name"] == "甲镇新厂二"


def test_ledger_entry_through_the_api_raises_its_flags(world, chem, api_as):
    company = f.enterprise(world.township_a)
    api = api_as(world.users["station_a"])
    body = {"enterprise": company.pk, "date": "2025-03-01", "chemical": "acetone",
            "movement": "sale", "quantity": 50, "counterparty_name": "外地公司",
            "counterparty_licence": "", "document_no": "XS-1", "payment": "cash"}  # fmt: skip
    response = api.post("/api/v1/ledger-entries/", body, format="json")
    assert response.status_code == 201, response.json()
    assert set(response.json()["flags"]) == {"cash_payment", "unlicensed_sale"}
    again = api.post("/api/v1/ledger-entries/", {**body, "quantity": 60}, format="json")
    assert again.status_code == 409
    flags = api.get(
        f"/api/v1/precursor-flags/?enterprise={company.pk}&status=open&rule=cash_payment"
    )
    [flag] = flags.json()["results"]
    assert {"rule", "basis", "enterprise", "chemical", "period", "detail", "status"} <= set(flag)
    assert flag["basis"] == ["易制毒条例第五条", "87号令第二十条"] and flag["chemical"] == "acetone"
    closed = api.post(f"/api/v1/precursor-flags/{flag['id']}/close/",
                      {"outcome": "penalty", "note": "已处罚"}, format="json")  # fmt: skip
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_bad_ledger_input_is_refused_in_chinese_naming_the_field(world, chem, api_as):
    company = f.enterprise(world.township_a)
    api = api_as(world.users["station_a"])
    before = AuditEvent.objects.count()
    body = {"enterprise": company.pk, "date": "2099-01-01", "chemical": "acetone",
            "movement": "use", "quantity": 5, "document_no": "U-1"}  # fmt: skip
    response = api.post("/api/v1/ledger-entries/", body, format="json")
    assert response.status_code == 400
    assert "date" in response.json()["errors"]
    assert "今天" in str(response.json()["errors"]["date"])
    assert AuditEvent.objects.count() == before and not LedgerEntry.objects.exists()


def test_a_licence_ending_before_it_starts_is_refused(world, chem, api_as):
    company = f.enterprise(world.township_a)
    api = api_as(world.users["office_admin"])
    body = {"enterprise": company.pk, "kind": "purchase_filing", "number": "备1",
            "chemicals": ["acetone"], "annual_quantity": 100, "valid_from": "2025-05-01",
            "valid_to": "2025-04-01"}  # fmt: skip
    response = api.post("/api/v1/chemical-licences/", body, format="json")
    assert response.status_code == 400 and "valid_to" in response.json()["errors"]
    body["valid_to"] = "2025-12-31"
    assert api.post("/api/v1/chemical-licences/", body, format="json").status_code == 201


def test_reconciliation_endpoint(world, chem, api_as):
    company = f.enterprise(world.township_a)
    acetone = chem["acetone"]
    f.entry(company, acetone, "stock_count", "10", datetime.date(2025, 1, 31))
    f.entry(company, acetone, "purchase", "50", datetime.date(2025, 2, 3))
    f.entry(company, acetone, "use", "20", datetime.date(2025, 2, 10))
    f.entry(company, acetone, "stock_count", "38", datetime.date(2025, 2, 28))
    api = api_as(world.users["township_a"])
    url = (f"/api/v1/reconciliation/?enterprise={company.pk}&chemical=acetone"
           "&date_from=2025-02-01&date_to=2025-02-28")  # fmt: skip
    data = api.get(url).json()
    assert {k: data[k] for k in ("opening", "in", "out", "expected_closing", "counted",
                                 "difference")} == {
        "opening": 10, "in": 50, "out": 20, "expected_closing": 40, "counted": 38,
        "difference": -2}  # fmt: skip
    assert api_as(world.users["township_b"]).get(url).status_code == 404


def test_the_run_is_the_offices_and_idempotent(world, chem, api_as):
    body = {"date_from": "2025-02-01", "date_to": "2025-02-28"}
    assert (
        api_as(world.users["station_a"])
        .post("/api/v1/precursor-flags/run/", body, format="json")
        .status_code
        == 403
    )
    company = f.enterprise(world.township_a)
    f.entry(company, chem["acetone"], "stock_count", "10", datetime.date(2025, 2, 28))
    f.entry(company, chem["acetone"], "stock_count", "4", datetime.date(2025, 1, 31))
    api = api_as(world.users["office_admin"])
    first = api.post("/api/v1/precursor-flags/run/", body, format="json")
    assert first.status_code == 200 and first.json()["flags"]["stock_mismatch"] == 1
    second = api.post("/api/v1/precursor-flags/run/", body, format="json").json()
    assert second["reconciled"] == 1 and set(second["flags"].values()) == {0}


def test_inspection_with_an_order_to_rectify_needs_a_deadline(world, chem, api_as):
    company = f.enterprise(world.township_a)
    api = api_as(world.users["station_a"])
    body = {"enterprise": company.pk, "date": "2025-03-01",
            "departments": ["public_security"], "inspectors": "张某、李某",
            "checklist": {"no_cash": False}, "outcome": "rectify"}  # fmt: skip
    response = api.post("/api/v1/chemical-inspections/", body, format="json")
    assert response.status_code == 400 and "rectification_deadline" in response.json()["errors"]
    body["rectification_deadline"] = "2025-03-31"
    assert api.post("/api/v1/chemical-inspections/", body, format="json").status_code == 201


def test_kpis_in_the_shape_of_the_control_targets(world, chem, api_as):
    f.enterprise(world.township_a)
    api = api_as(world.users["office_admin"])
    data = api.get(f"/api/v1/kpis/precursors/?org_unit={world.county.pk}"
                   "&date_from=2025-01-01&date_to=2025-12-31").json()  # fmt: skip
    codes = [i["code"] for i in data["indicators"]]
    assert codes == ["enterprises_inspected", "ledgers_reconciled", "licences_valid",
                     "flags_closed_in_time"]  # fmt: skip
    first = data["indicators"][0]
    assert {"numerator", "denominator", "value", "target", "met", "basis"} <= set(first)
    assert (first["numerator"], first["denominator"]) == (0, 1)
    gap = api.get(
        f"/api/v1/kpis/precursors/enterprises/?org_unit={world.county.pk}"
        "&date_from=2025-01-01&date_to=2025-12-31&code=enterprises_inspected&which=gap"
    )
    assert gap.json()["count"] == 1


def test_outsiders_get_404(world, chem, api_as):
    company = f.enterprise(world.township_b, name="乙乡化工")
    f.entry(company, chem["acetone"], "sale", "10", datetime.date(2025, 3, 1), payment="cash")
    flag = Flag.objects.first()
    api = api_as(world.users["township_a"])
    assert api.get(f"/api/v1/enterprises/{company.pk}/").status_code == 404
    assert api.get(f"/api/v1/precursor-flags/{flag.pk}/").status_code == 404
    close = f"/api/v1/precursor-flags/{flag.pk}/close/"
    body = {"outcome": "penalty", "note": "x"}
    assert api.post(close, body, format="json").status_code == 404


def test_a_flag_names_the_criminal_band_its_quantity_reaches(world, chem, api_as):
    company = f.enterprise(world.township_a)
    f.entry(company, chem["acetic_anhydride"], "sale", "60", datetime.date(2025, 3, 1),
            payment="cash")  # fmt: skip
    api = api_as(world.users["office_admin"])
    flag = api.get("/api/v1/precursor-flags/?rule=cash_payment").json()["results"][0]
    assert flag["band"] == {"level": "serious", "basis": ["法释〔2016〕8号第八条"]}


def test_lists_read_one_filterset_with_the_page(world, chem, client, api_as):
    """The flag list page and GET /api/v1/precursor-flags/ parse the same FilterSet: the
    same query gives the same flags; a bad value is a 400 naming the parameter (the page
    shows it next to the field and ignores it)."""
    company = f.enterprise(world.township_a)
    other = f.enterprise(world.township_a, name="另一化工")
    f.entry(company, chem["acetone"], "sale", "5", datetime.date(2025, 3, 1), payment="cash")
    f.entry(other, chem["acetone"], "sale", "5", datetime.date(2025, 3, 2), payment="cash")
    office = world.users["office_admin"]
    api = api_as(office)
    data = api.get(f"/api/v1/precursor-flags/?enterprise={company.pk}&rule=cash_payment").json()
    assert {row["enterprise"] for row in data["results"]} == {company.pk}
    client.force_login(office)
    page = client.get(f"/precursors/flags/?enterprise={company.pk}&rule=cash_payment")
    assert [f.pk for f, _d, _m in page.context["rows"]] == [row["id"] for row in data["results"]]
    for query, name in (("status=bogus", "status"), ("enterprise=x", "enterprise"),
                        ("rule=nope", "rule")):  # fmt: skip
        answer = api.get(f"/api/v1/precursor-flags/?{query}")
        assert answer.status_code == 400 and name in answer.json()["errors"]
    bad = api.get("/api/v1/ledger-entries/?date_from=2025-13-01")
    assert bad.status_code == 400 and "date_from" in bad.json()["errors"]
    assert api.get("/api/v1/reconciliation/?chemical=acetone").status_code == 400
    assert api.get("/api/v1/kpis/precursors/?date_from=soon").status_code == 400


def test_the_schema_documents_the_filters_from_the_filtersets(api_as, world):
    schema = api_as(world.users["office_admin"]).get("/api/schema/?format=json").json()
    paths = schema["paths"]

    def names(path):
        return {p["name"] for p in paths[path]["get"].get("parameters", [])}

    assert {"enterprise", "status", "rule"} <= names("/api/v1/precursor-flags/")
    assert {"enterprise", "chemical", "movement", "date_from"} <= names("/api/v1/ledger-entries/")
    assert {"org_unit", "date_from", "date_to"} <= names("/api/v1/kpis/precursors/")
    assert {"enterprise", "chemical", "date_to"} <= names("/api/v1/reconciliation/")
    assert {"code", "which"} <= names("/api/v1/kpis/precursors/enterprises/")


@pytest.mark.parametrize("persona", ["office_admin", "township_a", "station_a"])
def test_the_indicators_page_and_api_read_one_filterset(world, chem, client, api_as, persona):
    """KpiFilter: the page (page=True) and GET /api/v1/kpis/precursors/ give the same unit and
    period with no query, and both refuse a period that starts after it ends."""
    user = world.users[persona]
    client.force_login(user)
    page = client.get("/precursors/kpis/").context["period"]
    api = api_as(user).get("/api/v1/kpis/precursors/").json()
    assert (api["org_unit"], api["date_from"], api["date_to"]) == (
        page.unit.pk,
        page.date_from.isoformat(),
        page.date_to.isoformat(),
    )
    backwards = "?date_from=2025-12-31&date_to=2025-01-01"
    refused = api_as(user).get("/api/v1/kpis/precursors/" + backwards)
    assert refused.status_code == 400 and "date_from" in refused.json()["errors"]
    shown = client.get("/precursors/kpis/" + backwards)
    assert shown.context["period"] is None and shown.context["form"].errors["date_from"]
