"""The REST contract of the issue: paths, fields and codes."""

import datetime

import pytest

from jindu.prevention import services

from .conftest import ANSWERS

pytestmark = pytest.mark.django_db


def test_township_posts_an_activity_with_the_contract_fields(world, api_as):
    api = api_as(world.users["township_a"])
    response = api.post(
        "/api/v1/prevention-activities/",
        {
            "kind": "six_into",
            "setting": "community",
            "date": "2019-06-25",
            "org_unit": world.village_a.pk,
            "organiser": world.member_unit.pk,
            "audience": "社区居民",
            "headcount": 80,
            "description": "禁毒宣传进社区",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    for field in ("kind", "setting", "date", "org_unit", "organiser", "audience", "headcount"):
        assert field in body
    assert body["policy_id"] == "hengyang-2018-prevention"
    listed = api.get("/api/v1/prevention-activities/").json()
    assert listed["count"] == 1
    assert (
        api_as(world.users["township_b"]).get("/api/v1/prevention-activities/").json()["count"] == 0
    )


def test_a_head_count_of_zero_is_refused_in_chinese_naming_the_field(world, api_as):
    response = api_as(world.users["township_a"]).post(
        "/api/v1/prevention-activities/",
        {"kind": "lecture", "date": "2019-05-01", "org_unit": world.village_a.pk, "headcount": 0},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "受教育人次" in response.json()["errors"]["headcount"][0]


def test_schools_classes_lessons_and_class_hours(world, api_as):
    api = api_as(world.users["member"])
    school = api.post(
        "/api/v1/schools/",
        {"name": "甲镇中学", "org_unit": world.township_a.pk, "stage": "junior"},
        format="json",
    )
    assert school.status_code == 201, school.content
    school_id = school.json()["id"]
    ids = {}
    for grade, name in ((7, "七(1)班"), (3, "三(1)班")):
        created = api.post(
            "/api/v1/school-classes/",
            {
                "school": school_id,
                "school_year": "2019-2020",
                "grade": grade,
                "name": name,
                "students": 45,
            },
            format="json",
        )
        assert created.status_code == 201, created.content
        ids[grade] = created.json()["id"]
    lesson = api.post(
        "/api/v1/lessons/",
        {
            "school_class": ids[7],
            "date": "2019-09-20",
            "hours": "2.0",
            "topic": "远离毒品",
            "teacher_name": "周老师",
        },
        format="json",
    )
    assert lesson.status_code == 201, lesson.content
    bad = api.post(
        "/api/v1/lessons/",
        {
            "school_class": ids[7],
            "date": "2019-09-20",
            "hours": "9",
            "topic": "x",
            "teacher_name": "y",
        },
        format="json",
    )
    assert bad.status_code == 400 and "hours" in bad.json()["errors"]
    rows = api.get(f"/api/v1/class-hours/?school={school_id}&school_year=2019-2020").json()[
        "results"
    ]
    by_class = {r["school_class"]: r for r in rows}
    assert by_class[ids[7]]["grade"] == 7
    assert (
        by_class[ids[7]]["required"],
        by_class[ids[7]]["recorded"],
        by_class[ids[7]]["met"],
    ) == (4, 2.0, False)
    assert (by_class[ids[3]]["required"], by_class[ids[3]]["met"]) == (0, None)
    # The township sees its school's class hours; the other township does not.
    assert len(api_as(world.users["township_a"]).get("/api/v1/class-hours/").json()["results"]) == 2
    assert api_as(world.users["township_b"]).get("/api/v1/class-hours/").json()["results"] == []


def test_surveys_and_results(world, api_as):
    office = api_as(world.users["office_admin"])
    created = office.post(
        "/api/v1/surveys/",
        {"title": "满意度调查", "period_start": "2019-01-01", "period_end": "2030-12-31"},
        format="json",
    )
    assert created.status_code == 201, created.content
    survey = created.json()
    assert [q["code"] for q in survey["questions"]][:2] == ["overall", "safety"]
    assert any(link["org_unit"] == world.township_a.pk for link in survey["links"])
    from jindu.prevention.models import Survey

    services.submit_response(
        None, survey=Survey.objects.get(pk=survey["id"]), org_unit=world.township_a, answers=ANSWERS
    )
    results = office.get(
        f"/api/v1/surveys/{survey['id']}/results/?org_unit={world.county.pk}"
    ).json()
    assert {"responses", "satisfaction_rate", "awareness_rate", "by_unit"} <= set(results)
    assert results["responses"] == 1 and results["satisfaction_rate"] == 100.0
    assert results["by_unit"][0]["org_unit"] == world.township_a.pk
    township = api_as(world.users["township_a"]).post(
        "/api/v1/surveys/",
        {"title": "x", "period_start": "2019-01-01", "period_end": "2019-02-01"},
        format="json",
    )
    assert township.status_code == 403


def test_prevention_kpis_have_the_control_targets_shape(world, api_as):
    response = api_as(world.users["office_admin"]).get(
        f"/api/v1/kpis/prevention/?org_unit={world.county.pk}&date_from=2019-01-01&date_to=2019-12-31"
    )
    assert response.status_code == 200
    indicators = {i["code"]: i for i in response.json()["indicators"]}
    assert set(indicators) == {"publicity_coverage", "grassroots_mobilisation", "tip_participation"}
    for i in indicators.values():
        assert {"numerator", "denominator", "value", "target", "met", "basis"} <= set(i)
        assert i["county_definition"] is True
    assert indicators["publicity_coverage"]["denominator"] == 2
    assert indicators["tip_participation"]["no_data"] is True
    outsider = api_as(world.users["township_a"]).get(
        f"/api/v1/kpis/prevention/?org_unit={world.township_b.pk}"
    )
    assert outsider.status_code == 404
    grid = api_as(world.users["grid_a"]).get("/api/v1/kpis/prevention/")
    assert grid.status_code == 403


def test_staff_entered_paper_answers(world, api_as, survey):
    response = api_as(world.users["township_a"]).post(
        "/api/v1/survey-responses/",
        {
            "survey": survey.pk,
            "org_unit": world.township_a.pk,
            "channel": "paper",
            "answered_on": str(datetime.date.today()),
            "answers": {**ANSWERS, "overall": 9},
        },
        format="json",
    )
    assert response.status_code == 400
    assert "overall" in response.json()["errors"]


def test_the_lists_parameters_filter_and_a_bad_one_names_itself(world, api_as):
    """Activities by unit subtree, kind and dates (prevention/filters.py); a bad value
    answers 400 naming the parameter in Chinese, instead of being ignored."""
    api = api_as(world.users["township_a"])
    for day, kind in (("2019-06-25", "six_into"), ("2019-09-01", "six_into")):
        created = api.post(
            "/api/v1/prevention-activities/",
            {
                "kind": kind,
                "setting": "community",
                "date": day,
                "org_unit": world.village_a.pk,
                "organiser": world.member_unit.pk,
                "audience": "社区居民",
                "headcount": 30,
            },
            format="json",
        )
        assert created.status_code == 201, created.content

    def count(query):
        response = api.get(f"/api/v1/prevention-activities/?{query}")
        assert response.status_code == 200, response.content
        return response.json()["count"]

    assert count(f"org_unit={world.township_a.pk}") == 2
    assert count(f"org_unit={world.township_b.pk}") == 0
    assert count("date_from=2019-07-01") == 1
    assert count("date_to=2019-07-01&kind=six_into") == 1
    for query in ("kind=nonsense", "date_from=1800-01-01", "date_to=2019-13-01", "org_unit=x"):
        response = api.get(f"/api/v1/prevention-activities/?{query}")
        assert response.status_code == 400, query
        name = query.split("=")[0]
        assert name in response.json()["errors"], (query, response.json())
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(response.json())), query
