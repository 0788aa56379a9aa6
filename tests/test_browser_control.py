"""The registry of people under control in a real headless Chromium (Debian's, driven by
Playwright; never downloaded): register, open the file with a reason, assess the risk; the
list on a phone.

Fields are found by their names, not their labels, so the tests do not depend on the
translations of the new strings.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.test_browser import browser, live_world, log_in, new_page, pick  # noqa: F401

pytestmark = pytest.mark.browser


def test_township_registers_opens_the_file_and_assesses_the_risk(
    browser,  # noqa: F811
    live_server,
    live_world,  # noqa: F811
):
    from jindu.control.models import FileAccess, Person, RiskAssessment
    from jindu.control.tests.factories import id_number

    number = id_number(datetime.date(1988, 6, 15))
    page, problems = new_page(browser, live_server)
    log_in(page, "township_a")
    page.goto("/control/persons/")
    page.locator("a[href='/control/persons/new/']").click()
    page.wait_for_url("**/control/persons/new/")

    page.fill("input[name=name]", "周浏览")
    page.check("input[name=gender][value=male]")
    page.fill("input[name=id_number]", number)
    pick(page, "name=residence_unit", "甲一村")
    page.fill("input[name=phone]", "13700001234")
    page.check("input[name=drug_types][value=methamphetamine]")
    page.fill("input[name=first_found_date]", "2021-04-01")
    page.locator("main button.primary").click()

    # The file first asks why it is opened.
    page.wait_for_selector("input[name=reason]")
    person = Person.objects.get(name="周浏览")
    assert person.id_number == number
    assert not FileAccess.objects.exists()
    page.check("input[name=reason][value=control_work]")
    page.locator("main button.primary").click()
    page.wait_for_selector("section#risk")
    content = page.content()
    assert person.id_masked in content
    assert number not in content  # township staff see the number masked
    access = FileAccess.objects.get()
    assert access.user.username == "township_a" and access.reason == "control_work"

    page.locator(f"a[href='/control/persons/{person.pk}/risk/']").click()
    page.select_option("select[name=level]", "high")
    page.fill("textarea[name=factors]", "无固定职业\n独居")
    page.locator("main button.primary").click()
    page.wait_for_url(f"**/control/persons/{person.pk}/")
    assert "无固定职业" in page.locator("section#risk").inner_text()
    assert RiskAssessment.objects.get(person=person).level == "high"
    assert FileAccess.objects.count() == 1  # still open: no second reason asked
    assert problems == []


def test_the_list_fits_a_phone(browser, live_server, live_world):  # noqa: F811
    from jindu.control.tests.factories import person

    for i in range(3):
        person(live_world, name=f"手机测试{i}", household_address="甲镇甲一村很长很长的地址")
    page, problems = new_page(browser, live_server, viewport={"width": 390, "height": 844})
    log_in(page, "township_a")
    page.goto("/control/persons/")
    assert page.locator("text=手机测试0").is_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, overflow
    # Filtering by name updates the list in place.
    page.fill("input[name=q]", "手机测试1")
    page.press("input[name=q]", "Enter")
    expect(page).to_have_url(re.compile(r"q=%E6%89%8B|q=手"))
    expect(page.locator("text=手机测试0")).to_have_count(0)
    assert page.locator("text=手机测试1").is_visible()
    # The opened file fits too.
    page.locator("text=手机测试1").click()
    page.check("input[name=reason][value=statistics]")
    page.locator("main button.primary").click()
    page.wait_for_selector("section#orders")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, overflow
    assert problems == []
