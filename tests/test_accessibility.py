"""WCAG 2.1 A and AA on every page a role reaches from the navigation, checked by axe-core in
Debian's Chromium (GB/T 37668-2019 follows WCAG 2.0/2.1; docs/accessibility.md).

The demo county is loaded once; each demo role logs in, walks the pages its menu offers and the
pages those link to (one example per URL shape), at desktop width and on a 390 px phone, and
each form is also checked in its error state. Any violation of a WCAG A/AA rule fails the test
with the rule, the page and the offending elements.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests.test_browser import browser  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "Jindu-demo-2026"
ROLES = ("office", "leader", "gongan", "township", "station", "grid", "school")
# Narrow the walk while fixing a page: A11Y_ROLES=grid pytest tests/test_accessibility.py
ROLES = tuple(os.environ.get("A11Y_ROLES", ",".join(ROLES)).split(","))
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Rules that need a person's judgement are decided in docs/accessibility.md; none is
# switched off here.
DISABLED_RULES: list[str] = []
# Pages per role; the walk takes one example of each URL shape (ids replaced by N).
MAX_PAGES = 45
SKIP = re.compile(
    r"/logout/|/export|\.xlsx|\.docx|/document|/download|/template|/api/|/admin/|/static/|/media/"
)


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async ([tags, disabled]) => {
            const rules = {};
            disabled.forEach((r) => { rules[r] = { enabled: false }; });
            const r = await axe.run(document, { runOnly: { type: "tag", values: tags }, rules });
            return r.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
            }));
        }""",
        [TAGS, DISABLED_RULES],
    )
    return result


def log_in(page, username):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()


def links_on(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("main a[href], nav a[href]", "els => els.map(e => e.href)")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or SKIP.search(parts.path):
            continue
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def walk(page, origin: str, deep: bool = True) -> list[str]:
    """The menu's pages and what they link to, one example per URL shape."""
    page.goto("/")
    menu = [p for p in links_on(page, origin)]
    seen, order = set(), []
    for path in ["/", *menu]:
        if shape(path) not in seen:
            seen.add(shape(path))
            order.append(path)
    queue = list(order) if deep else []
    while queue and len(order) < MAX_PAGES:
        path = queue.pop(0)
        response = page.goto(path)
        if not response or not response.ok:
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        for link in links_on(page, origin):
            key = shape(urlsplit(link).path)
            if key not in seen and len(order) < MAX_PAGES:
                seen.add(key)
                order.append(link)
    return order


def submit_empty_forms(page) -> bool:
    """Submit the page's first form with required fields, unvalidated in the browser, so the
    server answers with its error state. Returns whether a form was submitted."""
    forms = page.locator("main form[method=post]:has([required])")
    if forms.count() == 0:
        return False
    form = forms.first
    page.evaluate(
        """(form) => {
            const folded = form.closest("details");  // a form folded away is opened first
            if (folded) { folded.open = true; }
            form.noValidate = true;
            form.querySelectorAll("[required]").forEach((el) => {
                if (el.type === "radio" || el.type === "checkbox") { el.checked = false; }
                else if (el.tagName === "SELECT") { el.selectedIndex = -1; }
                else { el.value = ""; }
            });
        }""",
        form.element_handle(),
    )
    with page.expect_navigation():
        form.locator("button[type=submit], input[type=submit]").first.click()
    return True


@pytest.fixture
def demo_county(transactional_db, live_server):
    call_command("load_demo", "--no-logins", verbosity=0)
    return live_server


def test_every_page_of_every_role_meets_wcag_21_aa(browser, demo_county):  # noqa: F811
    origin = demo_county.url
    failures: dict[str, list] = {}
    checked = 0
    for role in ROLES:
        for width, options in (("desktop", DESKTOP), ("phone", PHONE)):
            context = browser.new_context(base_url=origin, bypass_csp=True, **options)
            page = context.new_page()
            log_in(page, role)
            # The phone pass covers the menu's pages; the desktop pass walks one level deeper.
            paths = walk(page, origin, deep=width == "desktop")
            assert len(paths) > 1, f"{role}: the menu offers no page"
            for path in paths:
                response = page.goto(path)
                if not response or "text/html" not in (response.headers.get("content-type") or ""):
                    continue
                checked += 1
                for violation in run_axe(page):
                    failures.setdefault(f"{role}/{width} {path}", []).append(violation)
                if width == "desktop" and submit_empty_forms(page):
                    checked += 1
                    for violation in run_axe(page):
                        failures.setdefault(f"{role}/{width} {path} (errors)", []).append(violation)
            context.close()
    anonymous = browser.new_context(base_url=origin, bypass_csp=True, **PHONE).new_page()
    for path in ("/login/",):
        anonymous.goto(path)
        checked += 1
        for violation in run_axe(anonymous):
            failures.setdefault(f"anonymous {path}", []).append(violation)
    assert checked > 50
    assert not failures, "\n".join(
        f"{where}: {v['id']} ({v['impact']}) {v['help']} — {v['nodes']}"
        for where, violations in failures.items()
        for v in violations
    )
