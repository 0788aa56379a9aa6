"""Named actions (issue 10): what a user may do with a report is computed once from the
model's action map and its state; the page's buttons and the API's ``actions`` are exactly
that."""

import pytest
from django.urls import reverse

from jindu.core.errors import NotAllowed
from jindu.supervision import reporting

GOOD = {"work_done": "开展禁毒宣传3场", "next_plan": "继续排查", "cases": "2"}


def _report(world):
    return reporting.save_report(
        world.users["township_a"],
        kind="monthly_work_report",
        org_unit=world.township_a,
        period="2024-09",
        data=GOOD,
    )


def test_the_actions_follow_the_role_and_the_state(world):
    township, office, leader = (world.users[n] for n in ("township_a", "office_admin", "leader"))
    report = _report(world)
    assert reporting.report_actions(township, report) == ("view", "change", "submit")
    assert reporting.report_actions(leader, report) == ("view",)
    assert "review" not in reporting.report_actions(office, report)
    report = reporting.submit_report(township, report)
    assert reporting.report_actions(township, report) == ("view",)
    assert reporting.report_actions(office, report) == ("view", "review")
    report = reporting.review_report(office, report, accept=True)
    assert reporting.report_actions(office, report) == ("view", "unlock")
    assert reporting.report_actions(township, report) == ("view",)


def test_the_page_and_the_api_show_exactly_those_actions(world, client, api_as):
    report = _report(world)
    url = reverse("supervision:report_detail", args=[report.pk])
    edit = reverse("supervision:report_edit")
    client.force_login(world.users["township_a"])
    assert edit in client.get(url).content.decode()
    client.force_login(world.users["office_admin"])
    page = client.get(url).content.decode()
    assert edit not in page and 'value="accept"' not in page
    body = api_as(world.users["office_admin"]).get(f"/api/v1/monthly-reports/{report.pk}/").json()
    assert body["actions"] == ["view"]
    reporting.submit_report(world.users["township_a"], report)
    assert 'value="accept"' in client.get(url).content.decode()
    body = api_as(world.users["office_admin"]).get(f"/api/v1/monthly-reports/{report.pk}/").json()
    assert body["actions"] == ["view", "review"]


def test_review_and_unlock_are_refused_to_the_unit_that_may_change_the_report(world):
    township, office = world.users["township_a"], world.users["office_admin"]
    report = reporting.submit_report(township, _report(world))
    with pytest.raises(NotAllowed):
        reporting.review_report(township, report, accept=True)
    report = reporting.review_report(office, report, accept=True)
    with pytest.raises(NotAllowed):
        reporting.unlock_report(township, report, "填错了")
    report.refresh_from_db()
    assert report.locked
