"""End to end in a real headless Chromium (Debian's, driven by Playwright; never downloaded).

Run alone with ``make browser-test`` (``pytest -m browser``).
"""

import datetime
import os
import re
import shutil

import pytest

from conftest import PASSWORD, build_world

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

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself are still synchronous and safe.
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
    return build_world()


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


def pick(page, label, typed, choice=None):
    """Choose in a searchable picker (Tom Select): type into it from the keyboard, wait for
    the option, choose it. ``label`` is the field's label, or ``name=<field>``; ``choice``
    the option's text (default: what was typed)."""
    if label.startswith("name="):
        box = page.locator(f"#id_{label[5:]}-ts-control")
    else:
        # The label names both the text box and its list: the text box is the combobox.
        box = page.get_by_role("combobox", name=re.compile(rf"^{re.escape(label)}( \*)?$"))
    box.focus()  # by keyboard, as a clerk without a mouse would
    box.press_sequentially(typed, delay=30)
    option = page.locator(".ts-dropdown .option", has_text=choice or typed).first
    option.wait_for()
    # The list is refreshed as answers arrive: Playwright's click retries on the fresh one.
    option.click()
    page.wait_for_function(
        "el => el.tomselect && el.tomselect.getValue().length > 0",
        arg=box.evaluate_handle("b => b.closest('.ts-wrapper').previousElementSibling"),
    )
    # On a slow machine a late answer can leave the list open over the next field. The search
    # for what was typed is sent 250 ms after the last key (loadThrottle) and may not have
    # started yet: wait past that, then for every search to be answered, then close the list,
    # as a clerk would with Esc, and leave the field.
    page.wait_for_timeout(400)
    page.wait_for_function(
        "el => el.tomselect.loading === 0",
        arg=box.evaluate_handle("b => b.closest('.ts-wrapper').previousElementSibling"),
    )
    box.press("Escape")
    box.evaluate("b => b.blur()")
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.ts-dropdown')].some(d => d.offsetParent !== null)"
    )


def test_office_admin_walks_the_main_pages(browser, live_server, live_world):
    page, problems = new_page(browser, live_server)
    log_in(page, "office_admin")
    assert page.get_by_role("heading", name="您好").is_visible() or "您好" in page.content()

    page.get_by_role("link", name="组织机构").first.click()
    page.wait_for_url("**/orgs/")
    assert page.get_by_role("link", name="甲镇").is_visible()
    assert page.get_by_role("link", name="乙乡").is_visible()

    # The level filter updates the list in place (HTMX) and keeps the URL shareable.
    page.get_by_label("层级").select_option("village")
    page.wait_for_url("**level=village**")
    page.get_by_role("link", name="甲一村").wait_for()
    assert page.get_by_role("link", name="甲镇").count() == 0

    page.get_by_role("link", name="甲一村").click()
    page.get_by_role("heading", name="甲一村").wait_for()
    assert page.get_by_text("甲一村第一网格").is_visible()

    page.goto(f"/orgs/{live_world.township_a.pk}/")
    assert page.get_by_role("cell", name="赵测试").is_visible()
    assert page.get_by_role("cell", name="第一责任人").is_visible()

    page.get_by_role("link", name="组织机构", exact=True).first.click()
    for link in ("成员单位", "派出所与司法所", "责任领导", "用户管理", "审计日志", "督办"):
        page.get_by_role("link", name=link).first.click()
        page.wait_for_load_state()
        assert page.locator("h1").first.is_visible()

    # English is one click away.
    page.get_by_label("语言").select_option("en")
    page.wait_for_load_state()
    page.get_by_role("link", name="Organisation").first.wait_for()

    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems


def test_office_admin_records_an_appointment_with_errors_in_chinese(
    browser, live_server, live_world
):
    page, _ = new_page(browser, live_server)
    log_in(page, "office_admin")
    page.goto(f"/orgs/{live_world.township_a.pk}/positions/new/")
    page.get_by_label("角色").select_option("first_responsible")
    page.get_by_role("button", name="保存").click()
    # Wait for the answer: is_visible() does not wait, and a loaded machine is slow.
    page.locator(".field-error").first.wait_for()
    assert "该字段是必填项" in page.content()
    page.get_by_label("任职人", exact=True).fill("孙继任")
    page.get_by_label("任职开始").fill("2025-03-01")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("任职已登记").wait_for()
    assert page.get_by_role("cell", name="孙继任").is_visible()


def test_township_user_sees_only_its_subtree(browser, live_server, live_world):
    page, _ = new_page(browser, live_server)
    log_in(page, "township_a")
    page.goto("/orgs/")
    assert page.get_by_role("link", name="甲镇").is_visible()
    assert "乙乡" not in page.content()
    response = page.goto(f"/orgs/{live_world.township_b.pk}/")
    assert response.status == 404
    assert "不在您的管辖范围内" in page.content()


def test_grid_worker_on_a_phone(browser, live_server, live_world):
    page, problems = new_page(
        browser, live_server, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    log_in(page, "grid_a")
    nav = page.locator("#mainnav")
    assert not nav.is_visible()
    page.get_by_role("button", name="菜单").click()
    assert nav.is_visible()
    nav.get_by_role("link", name="组织机构").click()
    page.wait_for_url("**/orgs/")
    assert page.get_by_role("link", name="甲一村第一网格").is_visible()
    assert "甲一村第二网格" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    assert not problems, problems


def test_leader_lists_a_township_and_a_refused_extension_cites_article_13(
    browser, live_server, live_world
):
    page, problems = new_page(browser, live_server)
    log_in(page, "leader")
    page.get_by_role("link", name="重点整治", exact=True).click()
    page.get_by_role("link", name="挂牌整治决定").click()
    pick(page, "单位", "甲镇")
    page.get_by_label("整治级别").select_option("key_supervision")
    page.get_by_label("（六）毒品滥用严重").check()
    page.get_by_label("挂牌来源").select_option("office_proposal")
    page.get_by_label("决定日期").fill("2018-06-01")
    page.get_by_label("文号").fill("衡禁毒委〔2018〕1号")
    page.get_by_role("button", name="录入决定").click()
    page.get_by_text("决定已录入").wait_for()
    assert page.get_by_text("2018-06-01 – 2019-06-01").is_visible()

    for attempt, date in enumerate(("2019-05-30", "2020-05-30"), start=2):
        page.get_by_role("link", name="录入决定").click()
        page.get_by_label("决定", exact=True).select_option("extend")
        page.get_by_label("决定日期").fill(date)
        page.get_by_label("文号").fill(f"衡禁毒委〔{date[:4]}〕{attempt}号")
        page.get_by_label("备注").fill("特殊情况：专项打击尚未结束")
        page.get_by_role("button", name="录入决定").click()
        page.wait_for_load_state()
    alert = page.locator(".refusal")
    assert alert.is_visible()
    assert "第十三条" in alert.inner_text()
    assert "最多可延长 1 次" in alert.inner_text()
    assert "未录入任何内容" in alert.inner_text()
    assert not problems, problems


def test_township_submits_an_application(browser, live_server, live_world):
    page, _ = new_page(browser, live_server)
    log_in(page, "township_a")
    page.goto("/rectification/applications/new/")
    pick(page, "申报对象", "甲一村")
    page.get_by_label("申报事项").select_option("list")
    page.get_by_label("申报级别").select_option("key_supervision")
    page.get_by_label("（六）毒品滥用严重").check()
    page.get_by_label("申报理由").fill("甲一村吸毒人员增多，申请列为重点督办。")
    page.get_by_label("附件").set_input_files(
        files=[{"name": "情况说明.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
    )
    page.get_by_role("button", name="报送").click()
    page.get_by_text("申报已报送").wait_for()
    assert page.get_by_role("link", name="情况说明.pdf").is_visible()
    assert "乙乡" not in page.content()


def test_township_files_its_monthly_report_on_a_phone_and_the_office_returns_it(
    browser, live_server, live_world
):
    from jindu.supervision import services

    services.generate_obligations(None, datetime.date(2024, 9, 10), since=datetime.date(2024, 9, 1))
    phone, problems = new_page(
        browser, live_server, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    log_in(phone, "township_a")
    phone.goto("/supervision/todo/")
    assert "每月向县禁毒办报送工作情况" in phone.content()
    phone.get_by_role("link", name="月度报告").click()
    phone.get_by_label("期间").fill("2024-09")
    phone.get_by_label("本月主要工作").fill("开展禁毒宣传进校园3场")
    phone.get_by_role("button", name="报送县禁毒办").click()
    phone.locator(".field-error").first.wait_for()  # 下月工作打算 is required
    phone.get_by_label("下月工作打算").fill("继续排查吸毒人员")
    phone.get_by_role("button", name="报送县禁毒办").click()
    phone.get_by_text("报告已报送").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391
    assert not problems, problems

    office, _ = new_page(browser, live_server)
    log_in(office, "office_admin")
    office.goto("/supervision/reports/")
    office.get_by_role("link", name="月度工作情况").first.click()
    office.get_by_label("意见").fill("请补充尿检人次")
    office.get_by_role("button", name="退回修改").click()
    office.get_by_text("已退回修改").first.wait_for()

    phone.goto("/supervision/notifications/")
    assert "请补充尿检人次" in phone.content()


def test_api_docs_render_under_the_content_security_policy(browser, live_server, live_world):
    page, problems = new_page(browser, live_server)
    log_in(page, "township_a")  # the docs are for logged-in users (issue 16, item 11)
    page.goto("/api/docs/")
    # The schema of every area takes a while to build on a busy machine.
    page.locator(".opblock").first.wait_for(timeout=120_000)
    # Swagger UI renders only the operations in view (a virtual list): scroll through the
    # whole document, so every area's operations must render under the policy.
    for path in ("/api/v1/org-units/", "/api/v1/warnings/"):
        operation = page.locator(".opblock-summary-path", has_text=re.compile(rf"^{path}$"))
        for _ in range(200):
            if operation.count():
                break
            page.mouse.wheel(0, 400)
            page.wait_for_timeout(50)
        operation.first.wait_for()
    assert not problems, problems
