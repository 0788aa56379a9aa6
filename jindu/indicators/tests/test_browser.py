"""The cockpit in real headless Chromium (Debian's, driven by Playwright; never downloaded),
on a desktop and on a 390 px phone: the charts render, the console shows no error (a CSP
violation would be one), and a click on a matrix cell or a chart point opens the list."""

import os
import shutil

import pytest

from conftest import PASSWORD, build_world

from .conftest import organise

pytestmark = pytest.mark.browser

# Debian's package first: a "chromium" elsewhere on PATH may be a downloaded build.
CHROMIUM = (
    "/usr/bin/chromium"
    if os.path.exists("/usr/bin/chromium")
    else shutil.which("chromium") or "/usr/bin/chromium"
)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            "Debian's chromium is required for the browser tests (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def live_world(transactional_db, live_server):
    return organise(build_world())


def new_page(browser, live_server, **context_args):
    context = browser.new_context(base_url=live_server.url, **context_args)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return page, problems


def log_in(page, username):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


def _charts_render(page):
    page.wait_for_selector("#chart-trend[data-rendered='1'] svg", timeout=20000)
    page.wait_for_selector("#chart-ranking[data-rendered='1'] svg", timeout=20000)
    # A line per series: this period and the same month last year.
    assert page.locator("#chart-trend svg path").count() >= 2


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 900}, {"width": 390, "height": 844}],
    ids=["desktop", "phone"],
)
def test_cockpit_renders_and_opens_the_list_behind_a_cell(
    browser, live_server, live_world, viewport
):
    page, problems = new_page(browser, live_server, viewport=viewport)
    log_in(page, "leader")
    # The leaders' home page starts with the cockpit.
    assert page.locator("#cockpit-panel").is_visible()
    page.goto("/indicators/")
    _charts_render(page)
    if viewport["width"] == 390:
        # Readable on a phone: nothing wider than the screen (tables scroll in their box).
        assert page.evaluate("document.documentElement.scrollWidth") <= 392
    page.locator("a.matrix-cell[data-code='first_leader_rule']").first.click()
    page.wait_for_url("**/indicators/items/**")
    assert page.get_by_role("heading", level=1).inner_text().startswith("重点整治乡镇")
    assert not problems, problems


def test_a_click_on_the_trend_opens_the_months_list(browser, live_server, live_world):
    from django.utils import timezone

    from jindu.indicators import rules, services

    # Above the townships the trend reads the precomputed months: this month's are built.
    services.refresh_aggregates(None, [rules.month_of(timezone.localdate())])
    page, problems = new_page(browser, live_server, viewport={"width": 1280, "height": 900})
    log_in(page, "office_admin")
    page.goto("/indicators/?code=leading_group_in_place")
    _charts_render(page)
    page.locator("#chart-trend").scroll_into_view_if_needed()
    box = page.locator("#chart-trend").bounding_box()
    # Click the last month's point where ECharts drew it (a real mouse click on the chart).
    clicked = page.evaluate(
        """() => new Promise(resolve => {
            const c = echarts.getInstanceByDom(document.getElementById('chart-trend'));
            const last = c.getOption().series[0].data[23] ?? 0;
            const [x, y] = c.convertToPixel({seriesIndex: 0}, [23, last]);
            resolve([x, y]);
        })"""
    )
    page.mouse.move(box["x"] + clicked[0], box["y"] + clicked[1])
    page.mouse.click(box["x"] + clicked[0], box["y"] + clicked[1])
    page.wait_for_url("**/indicators/items/**", timeout=10000)
    assert "leading_group_in_place" in page.url
    assert not problems, problems
