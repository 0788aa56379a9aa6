"""One action, one transaction: a refused second step writes nothing, and the page and the
API apply the same rule (move destination, contact attribution) — issue 10."""

import pytest
from django.urls import reverse

from jindu.audit.models import AuditEvent
from jindu.control.models import ContactLog, ControlOrder, Person, ResidenceChange
from jindu.control.services import contacts, orders, registry
from jindu.core.errors import Refused

from . import factories
from .factories import D


@pytest.fixture
def person(world):
    return factories.person(world, name="张甲")


def test_an_order_recorded_with_a_refused_end_is_not_recorded(world, person, api_as):
    api = api_as(world.users["township_a"])
    events = AuditEvent.objects.count()
    response = api.post(
        "/api/v1/control-orders/",
        {
            "person": person.pk,
            "kind": "community_detox",
            "decision_date": "2021-01-01",
            "reported_date": "2021-01-10",
            # Early "expiry" of a three-year order: refused by the law (409).
            "end_date": "2022-01-01",
            "end_kind": "expiry",
        },
        format="json",
    )
    assert response.status_code == 409 and response.json()["basis"]
    assert not ControlOrder.objects.exists()
    assert AuditEvent.objects.count() == events


def test_an_order_recorded_with_an_allowed_end_is_one_action(world, person):
    order = orders.record_order_and_end(
        world.users["township_a"],
        person,
        kind="community_detox",
        decision_date=D(2020, 1, 1),
        reported_date=D(2020, 1, 10),
        end_date=D(2023, 1, 9),
        end_kind="expiry",
    )
    assert order.end_date == D(2023, 1, 9)


def test_a_change_with_a_refused_end_keeps_the_reported_facts_unwritten(world, person, api_as):
    api = api_as(world.users["township_a"])
    created = api.post(
        "/api/v1/control-orders/",
        {"person": person.pk, "kind": "community_detox", "decision_date": "2021-01-01"},
        format="json",
    ).json()
    response = api.patch(
        f"/api/v1/control-orders/{created['id']}/",
        {"reported_date": "2021-01-10", "end_date": "2022-01-01", "end_kind": "expiry"},
        format="json",
    )
    assert response.status_code == 409
    assert ControlOrder.objects.get(pk=created["id"]).reported_date is None


def test_fields_fixed_by_the_decision_are_refused_by_the_service_itself(world, person):
    order = orders.record_order(
        world.users["township_a"], person, kind="community_detox", decision_date=D(2021, 1, 1)
    )
    with pytest.raises(Refused) as refused:
        orders.change_order(world.users["township_a"], order, kind="community_rehab")
    assert refused.value.field == "kind"


def _open(client, person):
    client.post(reverse("control:person_detail", args=[person.pk]), {"reason": "control_work"})


def _other_county_village():
    from jindu.orgs import services as orgs

    county = orgs.create_unit(None, code="430422000000", name="邻县", kind="county")
    township = orgs.create_unit(
        None, code="430422100000", name="邻镇", kind="township", parent=county
    )
    return orgs.create_unit(None, code="430422100201", name="邻村", kind="village", parent=township)


@pytest.mark.parametrize(
    ("target", "allowed"), [("village_b", True), ("grid_b", True), ("elsewhere", False)]
)
def test_page_and_api_agree_on_where_a_person_may_move(world, client, api_as, target, allowed):
    """township_a may move a person to any village or grid of its county (the file follows),
    but not out of the county — on the page and over the API alike."""
    unit = _other_county_village() if target == "elsewhere" else getattr(world, target)
    by_page = factories.person(world, name="张页")
    by_api = factories.person(world, name="张接口")

    client.force_login(world.users["township_a"])
    _open(client, by_page)
    page = client.post(
        reverse("control:person_move", args=[by_page.pk]),
        {"residence_unit": unit.pk, "date": "2024-02-02"},
    )
    api = api_as(world.users["township_a"]).post(
        f"/api/v1/persons/{by_api.pk}/move/",
        {"residence_unit": unit.pk, "date": "2024-02-02"},
        format="json",
    )
    assert (page.status_code == 302) is allowed
    assert (api.status_code == 200) is allowed, api.json()
    for pk in (by_page.pk, by_api.pk):
        assert (Person.objects.get(pk=pk).residence_unit_id == unit.pk) is allowed
    assert ResidenceChange.objects.count() == (2 if allowed else 0)
    if not allowed:  # the rule is the service's, whoever calls it
        with pytest.raises(Refused):
            registry.move_residence(
                world.users["township_a"], by_api, residence_unit=unit, date=D(2024, 3, 1)
            )


def test_page_and_api_attribute_a_contact_to_the_current_assignment(world, client, api_as):
    by_page = factories.person(world, name="张页")
    by_api = factories.person(world, name="张接口")
    actor = world.users["township_a"]
    for p in (by_page, by_api):
        registry.assign(
            actor,
            p,
            start_date=D(2023, 1, 1),
            responsible_name="王社工",
            responsible_role="social_worker",
        )
    client.force_login(actor)
    _open(client, by_page)
    page = client.post(
        reverse("control:person_contact", args=[by_page.pk]),
        {"date": "2024-02-02", "kind": "visit", "summary": "家访"},
    )
    assert page.status_code == 302
    api = api_as(actor).post(
        "/api/v1/contacts/",
        {"person": by_api.pk, "date": "2024-02-02", "kind": "visit", "summary": "家访"},
        format="json",
    )
    assert api.status_code == 201, api.json()
    page_log = ContactLog.objects.get(person=by_page)
    api_log = ContactLog.objects.get(person=by_api)
    assert page_log.assignment is not None and api_log.assignment is not None
    assert page_log.by_name == api_log.by_name == "王社工"
    # The service applies it for any caller.
    direct = contacts.record_contact(
        actor, by_api, date=D(2024, 2, 3), kind="visit", summary="电话回访"
    )
    assert direct.assignment == api_log.assignment
