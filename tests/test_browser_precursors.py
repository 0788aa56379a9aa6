"""The precursor closed loop in a real headless Chromium (Debian's, driven by Playwright;
never downloaded): the station opens an enterprise from the menu, records a ledger line
paid in cash, sees the flag on the flags page and closes it; the reconciliation view shows
opening + in − out against the count.

Fields are found by their names, not their labels, so the tests do not depend on the
translations of the new strings.
"""

import datetime

import pytest

from tests.test_browser import browser, live_world, log_in, new_page  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def company(live_world):  # noqa: F811
    from jindu.precursors.tests import factories as f

    chem = f.catalogue()
    enterprise = f.enterprise(live_world.township_a, name="甲镇浏览化工")
    acetone = chem["acetone"]
    f.entry(enterprise, acetone, "stock_count", "10", datetime.date(2025, 1, 31))
    f.entry(enterprise, acetone, "purchase", "50", datetime.date(2025, 2, 3))
    f.entry(enterprise, acetone, "use", "20", datetime.date(2025, 2, 10))
    f.entry(enterprise, acetone, "stock_count", "35", datetime.date(2025, 2, 28))
    return enterprise, acetone


def test_station_records_a_cash_sale_and_closes_the_flag(
    browser,  # noqa: F811
    live_server,
    live_world,  # noqa: F811
    company,
):
    from jindu.precursors.models import Flag

    enterprise, acetone = company
    page, problems = new_page(browser, live_server)
    log_in(page, "station_a")
    page.locator("#mainnav a[href='/precursors/']").click()
    page.locator(f"a[href='/precursors/enterprises/{enterprise.pk}/']").click()
    page.wait_for_url(f"**/precursors/enterprises/{enterprise.pk}/")
    page.locator(f"a[href='/precursors/enterprises/{enterprise.pk}/ledger/new/']").click()
    page.fill("input[name=date]", "2025-03-05")
    page.select_option("select[name=chemical]", str(acetone.pk))
    page.select_option("select[name=movement]", "sale")
    page.fill("input[name=quantity]", "5")
    page.fill("input[name=counterparty_name]", "外地某店")
    page.fill("input[name=counterparty_licence]", "外备9")
    page.fill("input[name=document_no]", "XS-B-1")
    page.select_option("select[name=payment]", "cash")
    page.locator("main button.primary").click()
    page.wait_for_url(f"**/precursors/enterprises/{enterprise.pk}/")
    assert "XS-B-1" in page.locator("table.ledger").inner_text()
    flag = Flag.objects.get(rule="cash_payment")

    page.locator(f"a[href='/precursors/flags/?enterprise={enterprise.pk}']").click()
    row = page.locator("tr.flag-cash_payment")
    assert "易制毒条例第五条" in row.inner_text()
    row.locator(f"a[href='/precursors/flags/{flag.pk}/close/']").click()
    page.select_option("select[name=outcome]", "penalty")
    page.fill("textarea[name=note]", "已依法处罚")
    page.locator("main button.primary").click()
    page.wait_for_url("**/precursors/flags/**")
    flag.refresh_from_db()
    assert flag.status == "closed" and flag.note == "已依法处罚"
    assert problems == []


def test_the_reconciliation_view_shows_the_gap(
    browser,  # noqa: F811
    live_server,
    live_world,  # noqa: F811
    company,
):
    enterprise, acetone = company
    page, problems = new_page(browser, live_server, viewport={"width": 390, "height": 844})
    log_in(page, "township_a")
    page.goto(
        f"/precursors/enterprises/{enterprise.pk}/reconciliation/"
        f"?chemical={acetone.pk}&date_from=2025-02-01&date_to=2025-02-28"
    )
    table = page.locator("table.reconciliation")
    assert table.locator("td.opening").inner_text() == "10"
    assert table.locator("td.expected").inner_text() == "40"
    assert table.locator("td.difference").inner_text().startswith("-5")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, overflow
    assert problems == []
