"""A clerk's day (#17) in a real headless Chromium (Debian's; never downloaded): the pickers
by keyboard on a desktop and on a 390 px phone, the organisation tree, a notification
reaching a police station, and a roster import with its progress bar."""

import datetime
import io

import pytest
from openpyxl import Workbook

from tests.test_browser import browser, live_world, log_in, new_page, pick  # noqa: F401

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_pickers_by_keyboard_on_a_desktop_and_a_phone_and_the_tree(
    browser,  # noqa: F811
    live_server,
    live_world,  # noqa: F811
):
    page, problems = new_page(browser, live_server)
    log_in(page, "office_admin")
    page.goto("/accountability/eligibility/")
    # Typing the pinyin initials of the holder finds the tenure; Enter chooses it.
    holder = live_world.position_a.holder_name
    from jindu.core.search import search_key

    pick(page, "name=position", search_key(holder), holder)
    assert page.locator("select[name=position]").input_value() == str(live_world.position_a.pk)
    assert not problems, problems

    phone, phone_problems = new_page(browser, live_server, **PHONE)
    log_in(phone, "office_admin")
    phone.goto("/control/persons/")
    pick(phone, "name=unit", "甲镇")
    phone.wait_for_url(f"**unit={live_world.township_a.pk}**")
    dropdown_fits = phone.evaluate(
        "[...document.querySelectorAll('.ts-wrapper')].every("
        "w => w.getBoundingClientRect().right <= window.innerWidth)"
    )
    assert dropdown_fits and no_horizontal_scroll(phone)

    # The tree: open the county, then a township; counts and leaders on every node.
    phone.goto("/orgs/tree/")
    phone.locator(f"details[data-unit='{live_world.county.pk}'] > summary").click()
    township = phone.locator(f"details[data-unit='{live_world.township_a.pk}']")
    township.wait_for()
    assert live_world.position_a.holder_name in township.locator("summary").inner_text()
    township.locator("summary").click()
    phone.locator(f"[data-unit='{live_world.village_a.pk}']").wait_for()
    assert no_horizontal_scroll(phone)
    assert not phone_problems, phone_problems


def test_a_relapse_report_notifies_the_station(
    browser,  # noqa: F811
    live_server,
    live_world,  # noqa: F811
):
    from jindu.control.services import relapse

    relapse.submit_relapse_report(
        live_world.users["grid_a"],
        subject="穿灰色外套的男子",
        place="村口",
        observed_on=datetime.date.today(),
        observation="深夜聚集",
    )
    station, problems = new_page(browser, live_server)
    log_in(station, "station_a")
    badge = station.locator(".bell .count")
    assert badge.inner_text() == "1"
    station.locator(".bell").click()
    station.wait_for_url("**/supervision/notifications/")
    note = station.locator(".notifications li.unread a").first
    assert "复吸线索" in note.inner_text()
    note.click()
    station.wait_for_url("**/control/relapse/*/")
    assert "穿灰色外套的男子" in station.locator("main").inner_text()
    assert station.locator(".bell .count").count() == 0  # read once opened
    assert not problems, problems


def test_a_roster_import_shows_its_progress_and_result(
    browser,  # noqa: F811
    live_server,
    live_world,  # noqa: F811
    tmp_path,
):
    from jindu.control.roster import importer as roster
    from jindu.control.tests import factories

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(roster.HEADERS)
    for index in range(30):
        values = {
            "姓名": f"导入{index}",
            "性别": "男",
            "公民身份号码": factories.id_number(),
            "现居住地编码": live_world.village_a.code,
            "吸毒种类": "冰毒",
            "初次发现日期": "2020-05-01",
        }
        sheet.append([values.get(h) for h in roster.HEADERS])
    sheet.append([{"姓名": "坏行", "性别": "男"}.get(h) for h in roster.HEADERS])
    path = tmp_path / "roster.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())

    page, problems = new_page(browser, live_server)
    log_in(page, "township_a")
    page.goto("/control/roster/import/")
    page.locator("input[name=file]").set_input_files(str(path))
    page.locator("input[name=mode][value=good]").check()
    page.locator("input[name=background]").check()
    page.locator("main button[type=submit]").first.click()
    page.wait_for_url("**/jobs/*/")
    bar = page.locator("#job progress")
    bar.wait_for()
    page.locator("#job[data-status=done]").wait_for()
    assert bar.get_attribute("value") == "100"
    text = page.locator("#job").inner_text()
    assert "30" in text  # newly registered
    assert "坏行" not in text or "公民身份号码" in text  # the bad row, with its column
    assert not problems, problems
