"""Visits and conversations, and the report after a move: on the file page and over the API."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from jindu.control.models import ContactLog
from jindu.control.services import orders, registry
from jindu.control.tests.factories import person

pytestmark = pytest.mark.django_db
D = datetime.date


def _moved_under_detox(world):
    actor = world.users["township_a"]
    p = person(world)
    orders.record_order(
        actor, p, kind="community_detox", decision_date=D(2021, 1, 1), reported_date=D(2021, 1, 5)
    )
    return p, registry.move_residence(actor, p, residence_unit=world.village_b, date=D(2021, 3, 1))


def test_a_visit_is_logged_on_the_file_for_the_responsible_worker(world, client):
    actor = world.users["township_a"]
    p = person(world)
    registry.assign(
        actor,
        p,
        responsible_name="李社工",
        responsible_role="social_worker",
        start_date=D(2021, 1, 1),
    )
    client.force_login(actor)
    client.post(reverse("control:person_detail", args=[p.pk]), {"reason": "control_work"})
    response = client.post(
        reverse("control:person_contact", args=[p.pk]),
        {"date": "2021-02-01", "kind": "conversation", "summary": "谈话教育，表示愿意配合尿检"},
    )
    assert response.status_code == 302
    contact = ContactLog.objects.get()
    assert (contact.by_name, contact.assignment.responsible_name) == ("李社工", "李社工")
    page = client.get(reverse("control:person_detail", args=[p.pk])).content.decode()
    assert "谈话教育，表示愿意配合尿检" in page
    # An empty summary changes nothing and says why next to the field.
    response = client.post(
        reverse("control:person_contact", args=[p.pk]),
        {"date": "2021-02-02", "kind": "visit", "summary": ""},
    )
    assert response.status_code == 200 and ContactLog.objects.count() == 1


def test_the_new_township_records_the_report_after_the_move(world, client):
    _person, move = _moved_under_detox(world)
    client.force_login(world.users["township_a"])
    url = reverse("control:move_report", args=[move.pk])
    assert client.get(url).status_code == 404  # the file moved with the person
    client.force_login(world.users["township_b"])
    first = client.post(url, {"reported_date": "2021-03-10"})
    assert "?next=" in first.url  # the file is opened with a reason first
    move.refresh_from_db()
    assert move.reported_date is None
    client.post(reverse("control:person_detail", args=[_person.pk]), {"reason": "control_work"})
    assert client.post(url, {"reported_date": "2021-03-10"}).status_code == 302
    move.refresh_from_db()
    assert move.reported_date == D(2021, 3, 10)
    # Twice is refused, with the reason shown.
    response = client.post(url, {"reported_date": "2021-03-11"})
    assert response.status_code == 200
    move.refresh_from_db()
    assert move.reported_date == D(2021, 3, 10)


def test_contacts_and_moves_over_the_api_are_scoped(world):
    p, move = _moved_under_detox(world)
    api = APIClient()
    api.force_authenticate(world.users["township_b"])
    created = api.post(
        "/api/v1/contacts/",
        {"person": p.pk, "date": "2021-03-05", "kind": "visit", "summary": "上门走访"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["kind"] == "visit"
    opened = api.post(f"/api/v1/persons/{p.pk}/open/", {"reason": "statistics"}, format="json")
    assert opened.status_code == 200
    listed = api.get(f"/api/v1/residence-changes/?person={p.pk}").json()["results"]
    assert [m["report_due"] for m in listed] == ["2021-03-16"]
    reported = api.post(
        f"/api/v1/residence-changes/{move.pk}/report/",
        {"reported_date": "2021-03-12"},
        format="json",
    )
    assert reported.status_code == 200 and reported.json()["reported_date"] == "2021-03-12"
    again = api.post(
        f"/api/v1/residence-changes/{move.pk}/report/",
        {"reported_date": "2021-03-13"},
        format="json",
    )
    assert again.status_code in (400, 409)
    outsider = APIClient()
    outsider.force_authenticate(world.users["township_a"])
    assert outsider.get("/api/v1/contacts/").json()["results"] == []
    assert outsider.get(f"/api/v1/residence-changes/{move.pk}/").status_code == 404


def test_a_township_moves_a_person_to_another_township_and_the_file_goes_with_them(world, client):
    p = person(world)
    client.force_login(world.users["township_a"])
    client.post(reverse("control:person_detail", args=[p.pk]), {"reason": "control_work"})
    url = reverse("control:person_move", args=[p.pk])
    # The move's picker offers villages of other townships of the county too.
    assert client.get(url).status_code == 200
    offered = client.get("/pick/move-destinations/", {"q": world.village_b.name}).json()
    assert str(world.village_b.pk) in [r["value"] for r in offered["results"]]
    response = client.post(
        url, {"residence_unit": world.village_b.pk, "date": "2021-03-01", "reason": "投靠亲属"}
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.residence_unit == world.village_b
    assert client.get(reverse("control:person_detail", args=[p.pk])).status_code == 404
    client.force_login(world.users["township_b"])
    assert client.get(reverse("control:person_detail", args=[p.pk])).status_code == 200
