"""A person's file is not read piecemeal (issue 16, item 2) and no number goes in a URL
(item 3)."""

import pytest

from jindu.accounts import services as accounts
from jindu.audit.models import AuditAction, AuditEvent
from jindu.control.services import orders

from .factories import D, person
from .test_api import open_file

SUB_RECORDS = [
    "urine-tests",
    "control-orders",
    "risk-assessments",
    "status-changes",
    "follow-ups",
    "control-assignments",
    "sick-disabled",
    "leave-requests",
    "contacts",
    "residence-changes",
]


@pytest.fixture
def tested(world):
    p = person(world)
    orders.record_test(world.users["township_a"], p, date=D(2021, 4, 1), result="positive")
    return p


@pytest.mark.parametrize("endpoint", SUB_RECORDS)
@pytest.mark.parametrize("role", ["township_a", "station_a", "leader", "office_admin"])
def test_sub_records_need_an_open_file(world, api_as, tested, endpoint, role):
    api = api_as(world.users[role])
    by_person = api.get(f"/api/v1/{endpoint}/?person={tested.pk}")
    assert by_person.status_code == 403, (endpoint, by_person.content)
    assert f"/persons/{tested.pk}/open/" in by_person.json()["detail"]
    assert api.get(f"/api/v1/{endpoint}/").json()["count"] == 0
    open_file(api, tested.pk)
    assert api.get(f"/api/v1/{endpoint}/?person={tested.pk}").status_code == 200


def test_a_detail_needs_the_open_file_and_the_grant_expires(world, api_as, tested):
    from django.utils import timezone

    from jindu.control.models import FileAccess

    api = api_as(world.users["township_a"])
    open_file(api, tested.pk)
    listed = api.get(f"/api/v1/urine-tests/?person={tested.pk}").json()["results"]
    assert [r["result"] for r in listed] == ["positive"]
    url = f"/api/v1/urine-tests/{listed[0]['id']}/"
    assert api.get(url).status_code == 200
    FileAccess.objects.filter(person=tested).update(at=timezone.now() - timezone.timedelta(hours=1))
    assert api.get(url).status_code == 403
    assert api.get("/api/v1/urine-tests/").json()["count"] == 0


def test_a_designated_integration_account_reads_and_each_read_is_logged(world, api_as, tested):
    office = world.users["office_admin"]
    system = world.users["station_a"]
    accounts.update_user(office, system, integration_purpose="省禁毒数据平台对接")
    system.refresh_from_db()
    api = api_as(system)
    before = AuditEvent.objects.filter(actor=system, action=AuditAction.READ).count()
    response = api.get(f"/api/v1/urine-tests/?person={tested.pk}")
    assert response.status_code == 200 and response.json()["count"] == 1
    api.get("/api/v1/follow-ups/")
    reads = AuditEvent.objects.filter(actor=system, action=AuditAction.READ).order_by("id")
    assert reads.count() == before + 2
    assert reads.first().changes["purpose"] == "省禁毒数据平台对接"


def test_no_identity_number_in_a_url(world, api_as, login, tested):
    api = api_as(world.users["township_a"])
    response = api.get(f"/api/v1/persons/?id_number={tested.id_number}")
    assert response.status_code == 400
    assert "/api/v1/persons/lookup/" in response.json()["detail"]
    # Anywhere in the query string, pages included.
    assert api.get(f"/api/v1/follow-ups/?q={tested.id_number}").status_code == 400
    page = login(world.users["township_a"]).get(f"/control/persons/?q={tested.id_number}")
    assert page.status_code == 400
    found = api.post("/api/v1/persons/lookup/", {"id_number": tested.id_number}, format="json")
    assert [p["id"] for p in found.json()] == [tested.pk]
    by_hash = api.get(f"/api/v1/persons/?id_hash={tested.id_hash}").json()
    assert [p["id"] for p in by_hash["results"]] == [tested.pk]


def test_the_lookup_stays_within_the_area(world, api_as, tested):
    api = api_as(world.users["township_b"])
    found = api.post("/api/v1/persons/lookup/", {"id_number": tested.id_number}, format="json")
    assert found.status_code == 200 and found.json() == []
