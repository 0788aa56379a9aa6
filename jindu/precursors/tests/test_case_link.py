"""Closing a flag with "criminal case opened" links the enforcement area's case (a foreign
key, chosen with the picker of cases the closing user may see), not a typed number."""

import datetime

import pytest

from conftest import PASSWORD
from jindu.enforcement import services as enforcement
from jindu.precursors import services
from jindu.precursors.models import Flag, FlagStatus

from . import factories as f

D = datetime.date


@pytest.fixture
def chem(db):
    return f.catalogue()


@pytest.fixture
def police(world):
    from jindu.accounts import services as accounts
    from jindu.orgs import services as orgs

    bureau = orgs.create_unit(
        None, code="430421M03", name="县公安局", kind="member_unit", parent=world.county
    )
    enforcement.set_police_authority(None, unit=bureau, area=world.county)
    return accounts.create_user(
        None, username="gongan", password=PASSWORD, role="member_unit", unit=bureau
    )


@pytest.fixture
def cases(world, police):
    def make(number, unit):
        return enforcement.record_case(
            police,
            number=number,
            kind="criminal",
            offence="precursor_offence",
            filed_date=D(2025, 3, 20),
            solved_date=D(2025, 3, 25),
            org_unit=unit,
        )

    return make("甲公(禁)立字[2025]010号", world.township_a), make(
        "乙公(禁)立字[2025]010号", world.township_b
    )


@pytest.fixture
def flag(world, chem):
    company = f.enterprise(world.township_a)
    f.entry(company, chem["acetone"], "sale", "10", D(2025, 3, 3), counterparty_name="外地公司",
            payment="cash")  # fmt: skip
    return Flag.objects.get(rule="cash_payment")


def test_a_criminal_case_outcome_links_the_case(world, flag, cases):
    case_a, _case_b = cases
    closed = services.close_flag(
        world.users["station_a"], flag, outcome="criminal_case", note="移送立案", case=case_a
    )
    closed.refresh_from_db()
    assert closed.status == FlagStatus.CLOSED
    assert closed.case == case_a and closed.case_reference == case_a.number
    assert list(case_a.precursor_flags.all()) == [closed]


def test_the_case_must_be_in_the_closers_jurisdiction(world, flag, cases):
    _case_a, case_b = cases
    with pytest.raises(services.Refused) as exc:
        services.close_flag(
            world.users["station_a"], flag, outcome="criminal_case", note="立案", case=case_b
        )
    assert "case" in exc.value.errors and "辖区" in str(exc.value.errors["case"][0])
    with pytest.raises(services.Refused) as exc:
        services.close_flag(
            world.users["station_a"], flag, outcome="criminal_case", note="立案",
            case_reference=case_b.number,
        )  # fmt: skip
    assert "case_reference" in exc.value.errors
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and flag.case is None


def test_the_api_closes_with_the_case_id_or_its_number(world, flag, cases, api_as):
    case_a, case_b = cases
    api = api_as(world.users["station_a"])
    url = f"/api/v1/precursor-flags/{flag.pk}/close/"
    refused = api.post(url, {"outcome": "criminal_case", "note": "立案", "case": case_b.pk},
                       format="json")  # fmt: skip
    assert refused.status_code == 400 and "case" in refused.json()["errors"]
    closed = api.post(url, {"outcome": "criminal_case", "note": "立案",
                            "case_reference": case_a.number}, format="json")  # fmt: skip
    assert closed.status_code == 200, closed.json()
    assert closed.json()["case"] == case_a.pk
    assert closed.json()["case_reference"] == case_a.number


def test_the_close_page_offers_the_case_picker(world, flag, cases, client):
    case_a, _ = cases
    client.force_login(world.users["station_a"])
    url = f"/precursors/flags/{flag.pk}/close/"
    page = client.get(url)
    assert page.status_code == 200 and 'data-picker="/pick/cases/' in page.content.decode()
    picked = client.get("/pick/cases/?q=2025").json()
    assert [r["text"] for r in picked["results"]] == [case_a.number]
    response = client.post(url, {"outcome": "criminal_case", "note": "立案", "case": case_a.pk})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.case == case_a
