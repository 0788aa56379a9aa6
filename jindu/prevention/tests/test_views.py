"""Pages: menu, recording through the forms, the public survey page and the poster."""

import datetime

import pytest
from django.urls import reverse

from jindu.prevention import services
from jindu.prevention.models import Activity, SurveyResponse
from jindu.prevention.web import links

from .conftest import ANSWERS

pytestmark = pytest.mark.django_db


def test_the_menu_offers_prevention_to_townships_not_to_grid_workers(world, client):
    client.force_login(world.users["township_a"])
    assert reverse("prevention:home") in client.get("/").content.decode()
    client.force_login(world.users["grid_a"])
    assert reverse("prevention:home") not in client.get("/").content.decode()
    assert client.get(reverse("prevention:home")).status_code == 403


def test_township_records_an_activity_on_the_page(world, client):
    client.force_login(world.users["township_a"])
    response = client.post(
        reverse("prevention:activity_create"),
        {
            "kind": "little_hands",
            "date": "2019-06-01",
            "org_unit": world.village_a.pk,
            "headcount": "35",
            "audience": "小学生及家长",
        },
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("prevention:activity_detail", args=[activity.pk])
    page = client.get(response.url).content.decode()
    assert "小手拉大手" in page


def test_a_bad_activity_shows_the_chinese_error_next_to_the_field(world, client):
    client.force_login(world.users["township_a"])
    response = client.post(
        reverse("prevention:activity_create"),
        {
            "kind": "six_into",
            "date": "2019-06-01",
            "org_unit": world.village_a.pk,
            "headcount": "0",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "受教育人次至少为1" in page and "请选择“六进”的场所" in page
    assert not Activity.objects.exists()


def test_the_public_survey_page_needs_no_login_and_limits_repeats(world, client, survey):
    url = links.answer_url(survey, world.township_a)
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "<script" not in body and "甲镇" in body
    data = {code: str(value) for code, value in ANSWERS.items()}
    answered = client.post(url, data)
    assert answered.status_code == 200 and "答卷已收到" in answered.content.decode()
    assert "sessionid" not in answered.cookies
    response = SurveyResponse.objects.get()
    assert response.channel == "online" and response.entered_by is None
    # The same phone (its signed cookie) is thanked again and nothing more is stored.
    again = client.post(url, data)
    assert "已经收到" in again.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_the_connection_limit_holds_without_the_cookie(world, client, survey, monkeypatch):
    from jindu.prevention.web import survey as survey_views

    monkeypatch.setattr(survey_views, "MAX_PER_CONNECTION", 2)
    url = links.answer_url(survey, world.township_a)
    data = {code: str(value) for code, value in ANSWERS.items()}
    for _ in range(3):
        client.cookies.clear()
        client.post(url, data)
    assert SurveyResponse.objects.count() == 2


def test_an_answer_outside_the_scale_is_refused_on_the_public_page(world, client, survey):
    url = links.answer_url(survey, world.township_a)
    response = client.post(url, {**{c: str(v) for c, v in ANSWERS.items()}, "overall": "9"})
    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_forged_or_guessed_link_is_not_found(world, client, survey):
    assert client.get(f"/prevention/s/{survey.pk}/").status_code == 404
    token = links.token_for(survey, world.township_a)
    assert client.get(f"/prevention/s/{token[:-2]}xx/").status_code == 404


def test_posters_are_png_and_pdf(world, client, survey):
    client.force_login(world.users["office_admin"])
    png = client.get(
        reverse("prevention:survey_poster", args=[survey.pk, world.township_a.pk, "png"])
    )
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = client.get(
        reverse("prevention:survey_poster", args=[survey.pk, world.township_a.pk, "pdf"])
    )
    assert pdf["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    client.force_login(world.users["township_a"])
    outsider = client.get(
        reverse("prevention:survey_poster", args=[survey.pk, world.township_b.pk, "png"])
    )
    assert outsider.status_code == 404


def test_class_hours_page_shows_compliance(world, client, school_a):
    member = world.users["member"]
    cls = services.add_class(
        member, school=school_a, school_year="2019-2020", grade=9, name="九(2)班"
    )
    services.record_lesson(
        member,
        school_class=cls,
        date=datetime.date(2019, 10, 1),
        hours=4,
        topic="新型毒品",
        teacher_name="王老师",
    )
    client.force_login(world.users["township_a"])
    page = client.get(reverse("prevention:class_hours") + "?school_year=2019-2020").content.decode()
    assert "九(2)班" in page and "1个达标" in page


def test_education_bureau_records_a_lesson_on_the_page(world, client, school_a):
    member = world.users["member"]
    cls = services.add_class(
        member, school=school_a, school_year="2019-2020", grade=5, name="五(3)班"
    )
    client.force_login(member)
    response = client.post(
        reverse("prevention:class_detail", args=[cls.pk]),
        {"date": "2020-07-16", "hours": "1", "topic": "x", "teacher_name": "y"},
    )
    assert "不在2019-2020学年内" in response.content.decode()
    client.force_login(world.users["township_a"])
    assert (
        client.post(
            reverse("prevention:class_detail", args=[cls.pk]), {"date": "2019-10-10"}
        ).status_code
        == 403
    )


def test_the_supervision_board_shows_who_has_not_held_a_key_date_activity(world, client):
    services.generate_key_date_obligations(None, 2019)
    services.record_activity(
        world.users["township_a"],
        kind="key_date",
        date=datetime.date(2019, 6, 26),
        org_unit=world.village_a,
        headcount=50,
    )
    client.force_login(world.users["office_admin"])
    page = client.get(reverse("supervision:board") + "?q=乙乡").content.decode()
    assert "“6.26”国际禁毒日集中宣传活动" in page
    # Township A's own to-do no longer lists the 6.26 duty it fulfilled.
    client.force_login(world.users["township_a"])
    todo = client.get(reverse("supervision:todo")).content.decode()
    assert "“12.4”国家宪法日（法制宣传日）集中宣传活动" in todo
    assert "“6.26”国际禁毒日集中宣传活动" not in todo
