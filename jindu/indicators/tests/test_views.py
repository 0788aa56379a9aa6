"""Pages: the cockpit (tiles, matrix, charts fed by JSON, no inline script), the home page's
panel, the list behind a number, warnings and briefings; roles see what they may use."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db


def test_cockpit_page_for_the_office(login, organised):
    client = login(organised.users["office_admin"])
    response = client.get("/indicators/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="cockpit-data"' in html and 'type="application/json"' in html
    data = json.loads(
        re.search(r'id="cockpit-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    assert len(data["trend"]["periods"]) == 24 and len(data["ranking"]["names"]) == 2
    # No inline script: every <script> is a src= or a JSON block.
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "vendor/echarts/echarts.min.js" in html
    # Matrix: one row per township, cells link to the list behind them.
    assert html.count('class="matrix-cell"') == 2 * 18
    assert "甲镇" in html and "乙乡" in html
    # Status in words as well as colour.
    missed = re.search(
        r'<span class="light light-missed"><span aria-hidden="true">✗</span> ([^<]+)</span>', html
    )
    assert missed and missed.group(1).strip()


def test_a_township_cockpit_shows_its_own_only(login, organised):
    client = login(organised.users["township_a"])
    html = client.get("/indicators/").content.decode()
    assert "甲镇" in html and "乙乡" not in html
    assert client.get(f"/indicators/?org_unit={organised.township_b.pk}").status_code == 404


def test_no_cockpit_for_grid_workers_and_member_units(login, world):
    for name in ("grid_a", "member"):
        assert login(world.users[name]).get("/indicators/").status_code == 403


def test_home_page_starts_with_the_cockpit_for_leaders(login, world):
    html = login(world.users["leader"]).get("/").content.decode()
    assert 'id="cockpit-panel"' in html
    assert html.index('id="cockpit-panel"') < html.index("stats") if "stats" in html else True
    assert 'id="cockpit-panel"' not in login(world.users["grid_a"]).get("/").content.decode()


def test_menu_shows_the_cockpit_only_to_its_users(login, world):
    assert "/indicators/" in login(world.users["leader"]).get("/").content.decode()
    assert "/indicators/" not in login(world.users["member"]).get("/").content.decode()


def test_list_behind_a_matrix_cell(login, organised):
    from jindu.orgs.models import Position

    Position.objects.filter(role="committee_director").update(holder_name="李测试")
    client = login(organised.users["leader"])
    response = client.get(
        f"/indicators/items/?code=first_leader_rule&org_unit={organised.county.pk}&which=gap"
    )
    assert response.status_code == 200
    assert "甲镇" in response.content.decode()
    assert client.get("/indicators/items/?code=nothing").status_code == 404


def test_warnings_page_and_compute_by_the_office_only(login, world):
    office = login(world.users["office_admin"])
    response = office.post("/indicators/warnings/compute/", {"period": "2026-03"})
    assert response.status_code == 302
    html = office.get("/indicators/warnings/?month=2026-03").content.decode()
    assert "甲镇" in html and "乙乡" in html
    leader = login(world.users["leader"])
    assert leader.post("/indicators/warnings/compute/", {"period": "2026-03"}).status_code == 403
    assert "warnings/compute/" not in leader.get("/indicators/warnings/").content.decode()


def test_briefings_page_issue_and_download(login, organised):
    office = login(organised.users["office_admin"])
    response = office.post(
        "/indicators/briefings/",
        {"kind": "monthly_summary", "period": "2026-02", "org_unit": organised.county.pk},
    )
    assert response.status_code == 302
    from jindu.indicators.models import Briefing

    briefing = Briefing.objects.get()
    download = office.get(f"/indicators/briefings/{briefing.pk}/document/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
    leader = login(organised.users["leader"])
    assert "Issue and freeze" not in leader.get("/indicators/briefings/").content.decode()
    assert leader.post("/indicators/briefings/", {"kind": "monthly_summary"}).status_code == 403


def test_a_township_cockpit_page_costs_the_same_queries_whatever_the_data(login, organised):
    """Issue 15 item 5: a township's cockpit in a constant number of queries — more people,
    listings, overdue obligations and warnings change no count."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from jindu.control.tests.factories import person
    from jindu.indicators import services
    from jindu.rectification.models import Designation
    from jindu.supervision.models import Obligation

    world = organised
    today = timezone.localdate()
    keys = services.recent_keys(today, 1)
    client = login(world.users["township_a"])

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/indicators/").status_code == 200
        return len(captured)

    listed = Designation.objects.get(org_unit=world.township_a)
    Designation.objects.filter(pk=listed.pk).update(status="lifted", lifted_date=today)
    person(world)
    services.refresh_aggregates(None, keys)
    client.get("/indicators/")  # the session and the caches of a first request
    first = count()
    Designation.objects.filter(pk=listed.pk).update(status="active", lifted_date=None)
    for i in range(4):
        person(world, name=f"王测试{i}")
        Obligation.objects.create(
            kind="indicators_briefing",
            org_unit=world.township_a,
            period=f"2020-{i + 1:02d}",
            due_date=today - datetime.timedelta(days=5 + i),
            basis=["第二十七条"],
            policy_id="hengyang-2018",
            source_model="test",
            source_id=str(i),
        )
    services.refresh_aggregates(None, keys)
    services.compute_warnings(None, keys[0])
    assert count() == first
