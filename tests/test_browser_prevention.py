"""Prevention in a real headless Chromium: a township records an activity, the education
bureau records a lesson and reads the class-hour page, and a resident answers the survey on a
390 px phone with JavaScript off. Run alone with ``make browser-test``."""

import datetime

import pytest

from tests.test_browser import browser, live_world, log_in, new_page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_a_township_records_an_activity(browser, live_server, live_world):  # noqa: F811
    page, problems = new_page(browser, live_server)
    log_in(page, "township_a")
    page.goto("/prevention/")
    page.get_by_role("link", name="记录宣传教育活动").first.click()
    page.wait_for_url("**/prevention/activities/new/")
    page.locator("#id_kind").select_option("six_into")
    page.locator("#id_org_unit").select_option(str(live_world.village_a.pk))
    page.locator("#id_date").fill("2019-06-24")
    page.locator("#id_headcount").fill("0")
    page.locator(".activity-form button[type=submit]").click()
    # Refused in Chinese next to each field; nothing recorded.
    page.locator(".field-error").first.wait_for()
    errors = page.locator(".field-error").all_inner_texts()
    assert any("受教育人次至少为1" in e for e in errors)
    assert any("六进" in e for e in errors)
    page.locator("#id_setting").select_option("community")
    page.locator("#id_headcount").fill("86")
    page.locator("#id_audience").fill("甲一村居民")
    page.locator(".activity-form button[type=submit]").click()
    page.wait_for_url("**/prevention/activities/*/")
    assert "活动已记录" in page.locator(".messages").inner_text()
    assert "禁毒宣传“六进”" in page.locator("h1").inner_text()
    assert "进社区" in page.content()
    page.goto("/prevention/activities/")
    assert page.locator("table.data tbody tr").count() == 1
    assert not problems, problems


def test_the_education_bureau_records_a_lesson_and_reads_class_hours(
    browser,  # noqa: F811
    live_server,
    live_world,  # noqa: F811
):
    from jindu.prevention import rules, services
    from jindu.prevention.policy import prevention_policy

    member = live_world.users["member"]
    school = services.register_school(
        member, name="甲镇中心小学", org_unit=live_world.village_a, stage="primary"
    )
    year = rules.school_year_of(prevention_policy(), datetime.date.today()) or "2025-2026"
    fifth = services.add_class(member, school=school, school_year=year, grade=5, name="五(1)班")
    services.add_class(member, school=school, school_year=year, grade=3, name="三(1)班")
    start, _end = rules.school_year_bounds(prevention_policy(), year)

    page, problems = new_page(browser, live_server)
    log_in(page, "member")
    page.goto(f"/prevention/classes/{fifth.pk}/")
    page.locator("#id_date").fill(start.isoformat())
    page.locator("#id_hours").fill("4")
    page.locator("#id_topic").fill("认识毒品危害")
    page.locator("#id_teacher_name").fill("李老师")
    page.locator(".lesson-form button[type=submit]").click()
    page.locator(".messages").wait_for()
    assert "达标" in page.locator(".class-summary").inner_text()

    page.goto(f"/prevention/class-hours/?school_year={year}")
    rows = page.locator("tr.class-row")
    assert rows.count() == 2
    text = page.locator("table.class-hours").inner_text()
    assert "五(1)班" in text and "不作要求" in text
    assert "1个应开课班级中1个达标" in page.locator(".summary").inner_text()
    assert not problems, problems


def test_a_resident_answers_the_survey_on_a_phone_without_javascript(
    browser,  # noqa: F811
    live_server,
    live_world,  # noqa: F811
):
    from jindu.prevention import services
    from jindu.prevention.models import SurveyResponse
    from jindu.prevention.web import links

    today = datetime.date.today()
    survey = services.create_survey(
        live_world.users["office_admin"],
        title="群众禁毒工作满意度调查",
        period_start=today - datetime.timedelta(days=1),
        period_end=today + datetime.timedelta(days=30),
    )
    url = links.answer_url(survey, live_world.township_a)

    # The layout on a 390 px phone: no sideways scrolling, big touch targets.
    look, _ = new_page(browser, live_server, **PHONE)
    look.goto(url)
    assert look.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    phone, problems = new_page(browser, live_server, java_script_enabled=False, **PHONE)
    phone.goto(url)
    assert "甲镇" in phone.content()
    send = phone.locator(".survey-form button[type=submit]")
    # Sending with a question unanswered shows which one, in Chinese, and stores nothing.
    phone.locator('input[name="overall"][value="5"]').check()
    send.click()
    phone.locator(".field-error").first.wait_for()
    assert "请回答这道题" in phone.locator(".field-error").first.inner_text()
    assert SurveyResponse.objects.count() == 0
    phone.locator('input[name="overall"][value="5"]').check()
    phone.locator('input[name="safety"][value="4"]').check()
    phone.locator('input[name="publicity_seen"][value="2"]').check()
    phone.locator('input[name="know_report"][value="1"]').check()
    box = phone.locator("label.choice").first.bounding_box()
    assert box["height"] >= 36
    phone.screenshot(path="/tmp/survey_phone.png", full_page=True)
    phone.locator(".survey-form button[type=submit]").click()
    phone.locator(".thanks").wait_for()
    assert "您的答卷已收到" in phone.locator(".thanks").inner_text()
    stored = SurveyResponse.objects.get()
    assert stored.channel == "online" and stored.answers["overall"] == 5
    # The same phone again: thanked, nothing more stored.
    phone.goto(url)
    assert "已经收到" in phone.locator(".thanks").inner_text()
    assert SurveyResponse.objects.count() == 1
    assert not problems, problems
