"""The relapse report pages: the grid worker files and follows their reports (and learns
nothing about the person); the police station covering the township handles them; others in
scope read them; nobody outside sees them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from jindu.accounts import services as accounts
from jindu.control.models import RelapseReport
from jindu.control.services import relapse

from .factories import D, id_number, person

PASSWORD = "Test-password-2026"


def zh(msgid, **values):
    """The message as the pages show it (Chinese by default)."""
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    return text % values if values else text


def other_user(username, role, unit):
    return accounts.create_user(None, username=username, password=PASSWORD, role=role, unit=unit)


def file_report(client, world, **extra):
    client.force_login(world.users["grid_a"])
    data = {
        "kind": "relapse",
        "subject": "村口出租屋的男子",
        "grid": world.grid_a.pk,
        "place": "甲一村三组",
        "observed_at": "2021-05-01T22:30",
        "observation": "深夜多人聚集，疑似吸食",
    }
    data.update(extra)
    return client.post(reverse("control:relapse_new"), data, follow=True)


def test_a_grid_worker_files_a_report_and_is_told_where_it_went(world, client):
    page = client.get(reverse("control:relapse_new"))
    assert page.status_code == 302  # not logged in
    client.force_login(world.users["grid_a"])
    form = client.get(reverse("control:relapse_new")).content.decode()
    # Only their own grid is offered, preselected.
    assert f'value="{world.grid_a.pk}" selected' in form
    assert world.grid_a2.name not in form and world.grid_b.name not in form
    response = file_report(client, world)
    assert response.redirect_chain[-1][0] == reverse("control:relapse_mine")
    body = response.content.decode()
    assert "甲镇派出所" in body  # sent to the station covering township A
    report = RelapseReport.objects.get()
    assert (report.grid, report.reporter, report.status) == (
        world.grid_a,
        world.users["grid_a"],
        "submitted",
    )
    assert report.observed_on == D(2021, 5, 1)
    assert report.observation == "深夜多人聚集，疑似吸食"
    assert (report.kind, report.observed_time) == ("relapse", datetime.time(22, 30))
    assert "村口出租屋的男子" in body and "甲一村三组" in body


def test_a_report_needs_who_where_and_what(world, client):
    response = file_report(client, world, subject=" ", observation="")
    assert response.status_code == 200
    assert RelapseReport.objects.count() == 0
    assert "field-error" in response.content.decode()


def test_a_report_cannot_be_in_the_future(world, client):
    file_report(client, world, observed_at="2099-01-01T10:00")
    assert RelapseReport.objects.count() == 0


@pytest.mark.parametrize("persona", ["township_a", "station_a", "member", "leader"])
def test_only_grid_workers_and_the_office_file_reports(world, client, persona):
    client.force_login(world.users[persona])
    assert client.get(reverse("control:relapse_new")).status_code == 403
    assert client.get(reverse("control:relapse_mine")).status_code == 403


def test_who_sees_the_report(world, client):
    file_report(client, world)
    report = RelapseReport.objects.get()
    detail = reverse("control:relapse_detail", args=[report.pk])
    inbox = reverse("control:relapse_inbox")
    station_b = other_user("station_b", "police_station", world.station_b)
    grid_a2 = other_user("grid_a2", "grid_worker", world.grid_a2)
    for user, sees in [
        (world.users["station_a"], True),
        (world.users["township_a"], True),
        (world.users["office_admin"], True),
        (world.users["leader"], True),
        (station_b, False),
        (world.users["township_b"], False),
    ]:
        client.force_login(user)
        listed = client.get(inbox).content.decode()
        assert ("村口出租屋的男子" in listed) is sees, user
        assert client.get(detail).status_code == (200 if sees else 404), user
    client.force_login(grid_a2)
    assert "村口出租屋的男子" not in client.get(reverse("control:relapse_mine")).content.decode()
    assert client.get(detail).status_code == 404
    client.force_login(world.users["member"])
    assert client.get(inbox).status_code == 403


def test_the_grid_worker_never_sees_the_person(world, client):
    p = person(world, unit=world.grid_a, household_address="甲一村幸福路8号", phone="13912345678")
    file_report(client, world)
    report = RelapseReport.objects.get()
    station = world.users["station_a"]
    relapse.accept_relapse_report(station, report, person=p)
    relapse.check_relapse_report(
        station, report, check_date=D(2021, 5, 2), result="positive", note="尿检阳性，甲基苯丙胺"
    )
    relapse.close_relapse_report(station, report, outcome="confirmed", note="复吸，已处理")
    client.force_login(world.users["grid_a"])
    for url in (
        reverse("control:relapse_mine"),
        reverse("control:relapse_detail", args=[report.pk]),
        reverse("control:relapse_inbox") + "?status=closed",
    ):
        body = client.get(url, follow=True).content.decode()
        assert zh("Closed") in body
        assert zh("Relapse confirmed") not in body  # the outcome is about the person
        for secret in (
            p.id_masked,
            p.id_number,
            "甲一村幸福路8号",
            p.phone_masked,
            "13912345678",
            "尿检阳性",
            "复吸，已处理",
        ):
            assert secret not in body, (url, secret)
    # Nor can they act on it.
    response = client.post(
        reverse("control:relapse_detail", args=[report.pk]), {"action": "accept"}
    )
    assert response.status_code == 403


def post_step(client, report, action, **data):
    payload = {"action": action, **{f"{action}-{k}": v for k, v in data.items()}}
    return client.post(reverse("control:relapse_detail", args=[report.pk]), payload, follow=True)


def test_the_station_accepts_checks_and_closes(world, client):
    p = person(world, unit=world.grid_a)
    file_report(client, world)
    report = RelapseReport.objects.get()
    client.force_login(world.users["station_a"])
    page = client.get(reverse("control:relapse_detail", args=[report.pk])).content.decode()
    assert 'value="accept"' in page
    assert reverse("control:person_create") in page  # register a new person, then link
    # A number nobody registered is refused and nothing moves.
    response = post_step(client, report, "accept", id_number=id_number())
    report.refresh_from_db()
    assert report.status == "submitted" and report.person is None
    assert "field-error" in response.content.decode()
    post_step(client, report, "accept", id_number=p.id_number)
    report.refresh_from_db()
    assert (report.status, report.person) == ("accepted", p)
    assert report.accepted_by == world.users["station_a"]
    post_step(client, report, "check", check_date="2021-05-02", test_kind="hair", result="positive")
    report.refresh_from_db()
    assert (report.status, report.check_result, report.check_date) == (
        "checked",
        "positive",
        D(2021, 5, 2),
    )
    assert (p.tests.get().kind, p.tests.get().result) == ("hair", "positive")
    assert report.check_kind == "hair"
    response = post_step(client, report, "close", outcome="confirmed", note="复吸")
    report.refresh_from_db()
    assert (report.status, report.outcome) == ("closed", "confirmed")
    assert p.findings.filter(relapse_report=report).exists()
    body = response.content.decode()
    assert zh("Next steps") in body
    assert reverse("control:person_order", args=[p.pk]) in body
    assert reverse("control:person_detail", args=[p.pk]) in body


def test_a_step_out_of_order_is_refused_with_its_message(world, client):
    file_report(client, world)
    report = RelapseReport.objects.get()
    client.force_login(world.users["station_a"])
    response = post_step(client, report, "close", outcome="not_confirmed")
    report.refresh_from_db()
    assert report.status == "submitted"
    body = response.content.decode()
    assert "msg-error" in body
    assert (
        zh("The report is %(status)s; this step is not possible now.", status=zh("Submitted"))
        in body
    )


def test_township_staff_read_but_do_not_handle(world, client):
    file_report(client, world)
    report = RelapseReport.objects.get()
    client.force_login(world.users["township_a"])
    page = client.get(reverse("control:relapse_detail", args=[report.pk])).content.decode()
    assert 'value="accept"' not in page
    assert zh("The police station covering the township handles this report.") in page
    response = post_step(client, report, "accept")
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == "submitted"


def test_the_inbox_lists_unhandled_reports_first(world, client):
    station = world.users["station_a"]
    first = relapse.submit_relapse_report(
        world.users["grid_a"], subject="甲某", place="x", observed_on=D(2021, 5, 1), observation="y"
    )
    second = relapse.submit_relapse_report(
        world.users["grid_a"], subject="乙某", place="x", observed_on=D(2021, 5, 2), observation="y"
    )
    relapse.accept_relapse_report(station, second)
    third = relapse.submit_relapse_report(
        world.users["grid_a"], subject="丙某", place="x", observed_on=D(2021, 5, 3), observation="y"
    )
    client.force_login(station)
    body = client.get(reverse("control:relapse_inbox")).content.decode()
    assert body.index("丙某") < body.index("甲某") < body.index("乙某")
    accepted = client.get(reverse("control:relapse_inbox") + "?status=accepted").content.decode()
    assert "乙某" in accepted and "甲某" not in accepted
    assert {first.pk, third.pk}
