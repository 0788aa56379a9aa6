"""Enforcement in a real headless Chromium (Debian's, driven by Playwright; never
downloaded): a station enters a case with a refused 破案 date and then a good one, adds a
suspect (masked afterwards); the office reads the results statistics; the public tip form
works on a 390 px phone without logging in."""

import datetime

import pytest

from tests.test_browser import browser, live_world, log_in, new_page  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def live_police(live_world):  # noqa: F811
    from jindu.enforcement import services
    from jindu.orgs import services as orgs

    bureau = orgs.create_unit(
        None, code="430421M03", name="县公安局", kind="member_unit", parent=live_world.county
    )
    services.set_police_authority(None, unit=bureau, area=live_world.county)
    return live_world


def test_station_enters_a_case_and_a_suspect(browser, live_server, live_police):  # noqa: F811
    from jindu.control.tests.factories import id_number
    from jindu.enforcement.models import Case, Suspect

    page, problems = new_page(browser, live_server)
    log_in(page, "station_a")
    page.goto("/enforcement/")
    page.locator("a[href='/enforcement/cases/new/']").click()
    page.wait_for_url("**/enforcement/cases/new/")
    page.fill("input[name=number]", "甲公(禁)立字[2025]077号")
    page.select_option("select[name=kind]", "criminal")
    page.select_option("select[name=offence]", "trafficking")
    page.fill("input[name=filed_date]", "2025-05-10")
    page.fill("input[name=solved_date]", "2025-05-01")
    page.select_option("select[name=org_unit]", str(live_police.township_a.pk))
    page.check("input[name=flags][value=zero_pack]")
    page.locator("main button.primary").click()
    error = page.locator(".field-error").first
    assert "破案日期不能早于立案日期" in error.inner_text()
    assert not Case.objects.exists()

    page.fill("input[name=solved_date]", "2025-05-12")
    page.locator("main button.primary").click()
    page.wait_for_url("**/enforcement/cases/*/")
    case = Case.objects.get()
    assert case.flags == ["zero_pack"] and case.offence_article == "刑法第三百四十七条"

    number = id_number(datetime.date(1991, 3, 3))
    page.fill("input[name=s-name]", "吴浏览")
    page.select_option("select[name=s-gender]", "male")
    page.fill("input[name=s-id_number]", number)
    page.select_option("select[name=s-disposal]", "detained")
    page.locator("form[action$='/add/suspect/'] button.primary").click()
    page.wait_for_url(f"**/enforcement/cases/{case.pk}/")
    suspect = Suspect.objects.get()
    assert suspect.id_masked in page.content() and number not in page.content()
    assert not problems, problems


def test_office_reads_the_results_statistics(browser, live_server, live_police):  # noqa: F811
    from jindu.enforcement import services

    for year in (2024, 2025):
        case = services.record_case(
            None,
            number=f"统计-{year}",
            kind="criminal",
            offence="trafficking",
            filed_date=datetime.date(year, 3, 1),
            solved_date=datetime.date(year, 3, 2),
            org_unit=live_police.township_a,
        )
        services.add_seizure(None, case, drug_type="heroin", grams=10 * (year - 2023))
    page, problems = new_page(browser, live_server)
    log_in(page, "office_admin")
    page.goto("/enforcement/stats/?date_from=2025-01-01&date_to=2025-12-31")
    row = page.locator("tr.row-seizure_gramsheroin")
    assert row.locator("td.value").inner_text() == "20"
    assert "100.0%" in row.inner_text()
    assert page.locator("table.by-unit").get_by_text("甲镇").is_visible()
    assert not problems, problems


def test_public_tip_form_on_a_phone(browser, live_server, live_world):  # noqa: F811
    from jindu.enforcement.models import Tip

    page, problems = new_page(
        browser, live_server, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page.goto("/tip/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.select_option("select[name=org_unit]", str(live_world.township_a.pk))
    page.fill("textarea[name=content]", "村口小卖部后屋夜间常有人聚集吸毒")
    page.locator("main button.primary").click()
    page.wait_for_selector("p.thanks")
    tip = Tip.objects.get()
    assert tip.channel == "web" and not tip.has_reporter
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    assert not problems, problems
