"""The supervision API contract."""

from jindu.supervision.models import Obligation

GOOD = {"work_done": "宣传3场", "next_plan": "继续排查"}


def test_generate_is_office_only_and_idempotent(world, api_as):
    office = api_as(world.users["office_admin"])
    first = office.post("/api/v1/obligations/generate/", {"date": "2024-09-10"}, format="json")
    assert first.status_code == 200 and first.json()["created"] > 0
    again = office.post("/api/v1/obligations/generate/", {"date": "2024-09-10"}, format="json")
    assert again.json()["created"] == 0
    township = api_as(world.users["township_a"])
    assert (
        township.post(
            "/api/v1/obligations/generate/", {"date": "2024-09-10"}, format="json"
        ).status_code
        == 403
    )


def test_obligations_contract_and_filters(world, api_as):
    api = api_as(world.users["office_admin"])
    api.post("/api/v1/obligations/generate/", {"date": "2024-09-10"}, format="json")
    rows = api.get(
        "/api/v1/obligations/?kind=monthly_work_report&due_after=2024-10-01&due_before=2024-10-31"
    ).json()["results"]
    assert rows
    assert set(rows[0]) >= {
        "id",
        "kind",
        "org_unit",
        "period",
        "due_date",
        "status",
        "basis",
        "fulfilled_at",
    }
    assert {r["period"] for r in rows} == {"2024-09"}
    overdue = api.get("/api/v1/obligations/?status=overdue").json()["count"]
    assert (
        overdue
        == Obligation.objects.filter(
            status__in=["open", "overdue"], due_date__lt="2026-11-28"
        ).count()
        or overdue > 0
    )
    township = api_as(world.users["township_a"])
    own = township.get("/api/v1/obligations/?page_size=500").json()["results"]
    assert {r["org_unit"] for r in own} <= {world.township_a.pk, world.village_a.pk}


def test_monthly_report_workflow_over_the_api(world, api_as):
    office = api_as(world.users["office_admin"])
    office.post("/api/v1/obligations/generate/", {"date": "2024-09-10"}, format="json")
    township = api_as(world.users["township_a"])
    created = township.post(
        "/api/v1/monthly-reports/",
        {"org_unit": world.township_a.pk, "period": "2024-09", "data": GOOD},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    submitted = township.post(f"/api/v1/monthly-reports/{pk}/submit/", format="json")
    assert submitted.json()["status"] == "submitted"
    assert township.post(f"/api/v1/monthly-reports/{pk}/accept/", format="json").status_code == 403
    office = api_as(world.users["office_admin"])
    returned = office.post(
        f"/api/v1/monthly-reports/{pk}/return/", {"comment": "补充数据"}, format="json"
    )
    assert returned.json()["status"] == "returned"
    township = api_as(world.users["township_a"])
    township.post(f"/api/v1/monthly-reports/{pk}/submit/", format="json")
    office = api_as(world.users["office_admin"])
    accepted = office.post(f"/api/v1/monthly-reports/{pk}/accept/", format="json")
    assert accepted.json()["status"] == "accepted" and accepted.json()["locked"] is True


def test_meetings_letters_and_events(world, api_as):
    office = api_as(world.users["office_admin"])
    meeting = office.post(
        "/api/v1/meetings/",
        {
            "date": "2024-09-20",
            "title": "三季度例会",
            "minutes": "研判",
            "attendees": [world.member_unit.pk],
            "decisions": [
                {"text": "宣传月", "owner": world.member_unit.pk, "due_date": "2024-10-31"}
            ],
        },
        format="json",
    )
    assert meeting.status_code == 201, meeting.json()
    assert meeting.json()["decisions"][0]["obligation"]
    letter = office.post(
        "/api/v1/responsibility-letters/",
        {
            "year": 2024,
            "upper_unit": world.county.pk,
            "lower_unit": world.township_a.pk,
            "signed_on": "2024-03-01",
        },
        format="json",
    )
    assert letter.status_code == 201, letter.json()
    bad = office.post(
        "/api/v1/responsibility-letters/",
        {
            "year": 2024,
            "upper_unit": world.township_a.pk,
            "lower_unit": world.village_b.pk,
            "signed_on": "2024-03-01",
        },
        format="json",
    )
    assert bad.status_code == 400
    township = api_as(world.users["township_a"])
    event = township.post(
        "/api/v1/major-events/",
        {
            "org_unit": world.township_a.pk,
            "occurred_at": "2024-09-03T10:00:00+08:00",
            "title": "聚众吸毒",
            "description": "出租屋内5人",
        },
        format="json",
    )
    assert event.status_code == 201


def test_plan_5_2_monthly_report_periods_are_real_months_once_per_unit(world, api_as):
    township = api_as(world.users["township_a"])

    def post(period):
        return township.post(
            "/api/v1/monthly-reports/",
            {"org_unit": world.township_a.pk, "period": period, "data": GOOD},
            format="json",
        )

    for bad in ("2024-13", "2024-9", "九月", "2999-01"):
        answer = post(bad)
        assert answer.status_code == 400, (bad, answer.json())
        assert "period" in answer.json()["errors"]
    first = post("2024-09")
    assert first.status_code == 201
    duplicate = post("2024-09")
    assert duplicate.status_code == 400 and "period" in duplicate.json()["errors"]
    # The author deletes the draft; another user may not.
    pk = first.json()["id"]
    office = api_as(world.users["office_admin"])
    assert office.delete(f"/api/v1/monthly-reports/{pk}/").status_code == 403
    township = api_as(world.users["township_a"])
    assert township.delete(f"/api/v1/monthly-reports/{pk}/").status_code == 204
    assert post("2024-09").status_code == 201
