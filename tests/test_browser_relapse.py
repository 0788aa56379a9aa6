"""A grid relapse report end to end in a real headless Chromium: the grid worker files it on
a phone, the police station covering the township handles it, the grid worker sees that
it was handled, not what was found. Run alone with ``make browser-test`` (``pytest -m browser``)."""

import datetime

import pytest

from tests.test_browser import browser, live_world, log_in, new_page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_grid_worker_reports_on_a_phone_and_the_station_handles_it(
    browser,  # noqa: F811
    live_server,
    live_world,  # noqa: F811
):
    phone, problems = new_page(browser, live_server, **PHONE)
    log_in(phone, "grid_a")
    # The menu offers the grid worker their reports.
    phone.locator(".menu-toggle").click()
    phone.locator('#mainnav a[href="/control/relapse/mine/"]').click()
    phone.wait_for_url("**/control/relapse/mine/")
    assert no_horizontal_scroll(phone)
    phone.locator('a[href="/control/relapse/new/"]').first.click()
    phone.wait_for_url("**/control/relapse/new/")
    assert no_horizontal_scroll(phone)

    # Submitting empty shows the errors, and nothing is sent.
    phone.locator(".relapse-form button[type=submit]").click()
    phone.locator(".field-error").first.wait_for()

    seen = datetime.datetime.now() - datetime.timedelta(days=1)
    phone.locator('input[name="kind"][value="relapse"]').check()
    phone.locator("#id_subject").fill("村口出租屋穿灰色外套的男子")
    phone.locator("#id_place").fill("甲一村三组村口")
    phone.locator("#id_observed_at").fill(seen.strftime("%Y-%m-%dT20:30"))
    phone.locator("#id_observation").fill("深夜多人聚集，疑似吸食冰毒")
    assert phone.locator("#id_grid").input_value() == str(live_world.grid_a.pk)
    phone.screenshot(path="/tmp/relapse_form_phone.png", full_page=True)
    submit = phone.locator(".relapse-form button[type=submit]")
    box = submit.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a big touch target
    assert no_horizontal_scroll(phone)
    submit.click()
    phone.wait_for_url("**/control/relapse/mine/")
    phone.screenshot(path="/tmp/relapse_mine_phone.png", full_page=True)
    assert "甲镇派出所" in phone.locator(".messages").inner_text()
    card = phone.locator(".relapse-card.status-submitted")
    assert card.count() == 1 and "村口出租屋穿灰色外套的男子" in card.inner_text()
    assert no_horizontal_scroll(phone)
    assert not problems, problems

    station, station_problems = new_page(browser, live_server)
    log_in(station, "station_a")
    station.goto("/control/relapse/")
    station.get_by_role("link", name="村口出租屋穿灰色外套的男子").click()
    station.wait_for_url("**/control/relapse/*/")
    station.locator('button[value="accept"]').click()
    station.locator('button[value="check"]').wait_for()
    station.locator("#id_check-check_date").fill(datetime.date.today().isoformat())
    station.locator("#id_check-result").select_option("negative")
    station.locator('button[value="check"]').click()
    station.locator('button[value="close"]').wait_for()
    station.locator('input[name="close-outcome"][value="not_confirmed"]').check()
    station.locator("#id_close-note").fill("尿检阴性，未发现吸毒")
    station.locator('button[value="close"]').click()
    station.locator(".messages").wait_for()
    station.screenshot(path="/tmp/relapse_station.png", full_page=True)
    assert station.locator('button[value="close"]').count() == 0
    assert not station_problems, station_problems

    phone.reload()
    closed = phone.locator(".relapse-card.status-closed")
    assert closed.count() == 1
    assert "未确认" not in closed.inner_text()  # the outcome is about the person: not shown
    assert phone.locator(".relapse-card.status-submitted").count() == 0
    closed.locator("a").click()
    phone.wait_for_url("**/control/relapse/*/")
    text = phone.locator("main").inner_text()
    assert "尿检阴性" not in text  # the check's details are the station's
    assert no_horizontal_scroll(phone)
    assert not problems, problems


def test_the_office_reads_the_targets_and_drills_down_on_a_phone(
    browser,  # noqa: F811
    live_server,
    live_world,  # noqa: F811
):
    from jindu.control.tests.test_kpis import build

    build(live_world)
    page, problems = new_page(browser, live_server, **PHONE)
    log_in(page, "office_admin")
    page.goto(
        f"/control/kpis/?org_unit={live_world.county.pk}&date_from=2021-01-01&date_to=2021-12-31"
    )
    row = page.locator("tr.kpi-compulsory_isolation_execution_rate")
    assert "20.0%" in row.inner_text() and "强制隔离戒毒执行率" in row.inner_text()
    assert row.locator(".kpi-notmet").is_visible()
    page.screenshot(path="/tmp/kpis_phone.png", full_page=True)
    assert no_horizontal_scroll(page)
    row.locator("a.missing").click()
    page.wait_for_url("**/control/kpis/compulsory_isolation_execution_rate/**")
    names = page.locator("main table.data tbody tr").all_inner_texts()
    assert len(names) == 4 and any("钱测试乙" in n for n in names)  # P9 P10 P11 and B1
    assert no_horizontal_scroll(page)
    assert not problems, problems
