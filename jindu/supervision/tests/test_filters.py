"""The obligations board and the API read one FilterSet and one selector (issue 10)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jindu.supervision import services
from jindu.supervision.models import Obligation

D = datetime.date


@pytest.mark.parametrize("query", [{"kind": "monthly_work_report"}, {"status": "overdue"}, {}])
def test_the_board_and_the_api_list_the_same_obligations(world, client, api_as, query):
    services.generate_obligations(None, D(2024, 3, 1), since=D(2024, 1, 1))
    office = world.users["office_admin"]
    api = api_as(office).get("/api/v1/obligations/", {**query, "page_size": 500}).json()
    ids = {row["id"] for row in api["results"]}
    assert ids and api["count"] == len(ids)
    client.force_login(office)
    page = client.get(reverse("supervision:board"), {**query, "page": 1})
    assert page.status_code == 200
    shown = {o.pk for o in page.context["page"].paginator.object_list}
    assert shown == ids
    bad = api_as(office).get("/api/v1/obligations/", {"status": "sleeping"})
    assert bad.status_code == 400 and "status" in bad.json()["errors"]
    assert Obligation.objects.count() >= len(ids)


GOOD = {"work_done": "开展禁毒宣传3场", "next_plan": "继续排查", "cases": "2"}


@pytest.mark.parametrize("query", [{}, {"status": "draft"}, {"status": "submitted"}])
@pytest.mark.parametrize("who", ["office_admin", "township_a", "township_b"])
def test_the_reports_page_and_the_api_list_the_same_reports(world, client, api_as, who, query):
    from jindu.supervision import reporting

    for unit, month in ((world.township_a, "2024-09"), (world.township_b, "2024-08")):
        reporting.save_report(
            None, kind="monthly_work_report", org_unit=unit, period=month, data=GOOD
        )
    user = world.users[who]
    client.force_login(user)
    page = client.get(reverse("supervision:report_list"), query)
    shown = {r.pk for r in page.context["page"].paginator.object_list}
    api = api_as(user).get("/api/v1/monthly-reports/", {**query, "page_size": 500}).json()
    assert shown == {row["id"] for row in api["results"]}
    if who != "office_admin" and query.get("status") != "submitted":
        assert len(shown) == 1
    bad = api_as(user).get("/api/v1/monthly-reports/", {"kind": "novel"})
    assert bad.status_code == 400 and "kind" in bad.json()["errors"]


@pytest.mark.parametrize("year", ["99999999999999999999", "1850", "abc"])
def test_the_letters_page_reads_the_year_as_the_api_does(world, client, api_as, year):
    """LetterFilter: a year outside 1900–2100 is a 400 over the API and the page shows this
    year's letters (it answered 500 for a year too large for the database)."""
    office = world.users["office_admin"]
    client.force_login(office)
    page = client.get(reverse("supervision:letters"), {"year": year})
    assert page.status_code == 200 and page.context["year"] == timezone.localdate().year
    answer = api_as(office).get("/api/v1/responsibility-letters/", {"year": year})
    assert answer.status_code == 400 and "year" in answer.json()["errors"]


@pytest.mark.parametrize(
    "target, lands",
    [
        ("https://evil.example/", "/supervision/notifications/"),
        ("//evil.example/x", "/supervision/notifications/"),
        ("/supervision/board/", "/supervision/board/"),
        ("", "/supervision/notifications/"),
    ],
)
def test_marking_notifications_read_returns_only_to_this_site(world, client, target, lands):
    client.force_login(world.users["township_a"])
    answer = client.post(reverse("supervision:notifications"), {"next": target})
    assert answer.status_code == 302 and answer["Location"] == lands
