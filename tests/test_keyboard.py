"""The main workflows with the keyboard alone (WCAG 2.1.1, 2.4.1, 2.4.3, 3.3.1), in Debian's
Chromium: log in, skip to the content, file a relapse report (errors first, focus on the
error summary), and open a person's file with a stated reason. No mouse click is used.
"""

import datetime

import pytest

from conftest import PASSWORD
from tests.test_browser import browser, live_world, new_page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement;
            return { tag: e.tagName.toLowerCase(), id: e.id || "", name: e.name || "",
                     cls: e.className || "", text: (e.innerText || "").trim().slice(0, 40),
                     type: e.type || "", value: e.value || "" }; }"""
    )


def tab_to(page, match, limit=80, key="Tab"):
    """Press Tab until the focused element satisfies ``match``; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press(key)
        if match(focused(page)):
            return focused(page)
    raise AssertionError(f"never reached the element; last focus {focused(page)}")


def keyboard_log_in(page, username):
    page.goto("/login/")
    tab_to(page, lambda f: f["id"] == "id_username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_grid_worker_files_a_relapse_report_by_keyboard(browser, live_server, live_world):  # noqa: F811
    page, problems = new_page(browser, live_server)
    keyboard_log_in(page, "grid_a")

    # The first Tab stop is the skip link; following it puts focus in the main content.
    page.keyboard.press("Tab")
    first = focused(page)
    assert "skip-link" in first["cls"], first
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.goto("/control/relapse/new/")
    tab_to(page, lambda f: f["tag"] == "button" and "primary" in f["cls"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Refused: focus is on the error summary, which links to each field in error.
    assert "error-summary" in focused(page)["cls"]
    assert page.locator(".error-summary a").count() >= 1

    # The report type is a radio group: Tab reaches it, the arrow keys choose.
    tab_to(page, lambda f: f["name"] == "kind")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["id"] == "id_subject")
    page.keyboard.type("村口出租屋穿灰色外套的男子")
    tab_to(page, lambda f: f["id"] == "id_place")
    page.keyboard.type("甲一村三组村口")
    tab_to(page, lambda f: f["id"] == "id_observed_at")
    seen = datetime.datetime.now() - datetime.timedelta(days=1)
    page.keyboard.type(seen.strftime("%m%d%Y"))
    page.keyboard.press("Tab")
    page.keyboard.type("0830PM")
    tab_to(page, lambda f: f["id"] == "id_observation")
    page.keyboard.type("深夜多人聚集，疑似吸食冰毒")
    tab_to(page, lambda f: f["tag"] == "button" and "primary" in f["cls"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url("**/control/relapse/mine/")
    assert page.locator(".relapse-card.status-submitted").count() == 1
    assert not problems, problems


def test_a_township_opens_a_file_with_a_reason_by_keyboard(browser, live_server, live_world):  # noqa: F811
    from jindu.control.models import FileAccess
    from jindu.control.tests.factories import person as make_person

    person = make_person(live_world, name="周键盘")
    page, problems = new_page(browser, live_server)
    keyboard_log_in(page, "township_a")
    page.goto("/control/persons/")
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "周键盘")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The file asks why it is opened: a radio group with its question as the legend.
    assert page.locator("fieldset legend").count() >= 1
    tab_to(page, lambda f: f["name"] == "reason")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["tag"] == "button" and "primary" in f["cls"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("section#risk")
    assert FileAccess.objects.filter(person=person, user__username="township_a").exists()
    assert not problems, problems
