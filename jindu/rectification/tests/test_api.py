"""The listing API contract: designations, assessments, decisions (409 on refusal)."""

from jindu.rectification.models import Decision, Designation

ALL_MET = dict.fromkeys(
    ["leadership", "mechanisms", "groundwork", "education", "enforcement", "problem_relief"], True
)
EVIDENCE = {code: f"{code}：实地考察记录" for code in ALL_MET}


def list_via_api(api, world, **extra):
    body = {
        "kind": "list",
        "date": "2018-06-01",
        "decision_no": "衡禁毒委〔2018〕1号",
        "org_unit": world.township_a.pk,
        "level": "key_supervision",
        "categories": ["drug_abuse", "outbound_trafficking"],
        "source": "office_proposal",
    }
    body.update(extra)
    return api.post("/api/v1/decisions/", body, format="json")


def test_leader_lists_a_township_over_the_api(world, api_as):
    response = list_via_api(api_as(world.users["leader"]), world)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "list"
    assert "第十六条" in body["basis"]
    result = body["result"]
    assert result["status"] == "active"
    assert result["start_date"] == "2018-06-01"
    assert result["due_date"] == "2019-06-01"
    assert result["extensions_used"] == 0
    assert result["source"] == "office_proposal"


def test_designations_list_with_filters(world, api_as):
    list_via_api(api_as(world.users["leader"]), world)
    api = api_as(world.users["office_admin"])
    rows = api.get(
        f"/api/v1/designations/?org_unit={world.township_a.pk}&status=active&level=key_supervision"
    ).json()["results"]
    assert len(rows) == 1
    assert set(rows[0]) >= {
        "id",
        "org_unit",
        "level",
        "categories",
        "start_date",
        "due_date",
        "status",
        "extensions_used",
        "source",
    }
    assert api.get("/api/v1/designations/?status=lifted").json()["count"] == 0


def test_a_refused_decision_is_409_with_the_article_and_nothing_changes(world, api_as):
    api = api_as(world.users["leader"])
    designation = list_via_api(api, world).json()["result"]["id"]
    ok = api.post(
        "/api/v1/decisions/",
        {
            "kind": "extend",
            "date": "2019-05-30",
            "decision_no": "2号",
            "designation": designation,
            "notes": "特殊情况",
        },
        format="json",
    )
    assert ok.status_code == 201
    decisions = Decision.objects.count()
    refused = api.post(
        "/api/v1/decisions/",
        {
            "kind": "extend",
            "date": "2020-05-30",
            "decision_no": "3号",
            "designation": designation,
            "notes": "特殊情况",
        },
        format="json",
    )
    assert refused.status_code == 409
    assert refused.json()["basis"] == ["第十三条"]
    assert "延长" in refused.json()["detail"]
    assert Decision.objects.count() == decisions
    assert Designation.objects.get(pk=designation).extensions_used == 1


def test_lift_with_an_assessment_posted_over_the_api(world, api_as):
    leader = api_as(world.users["leader"])
    designation = list_via_api(leader, world).json()["result"]["id"]
    office = api_as(world.users["office_admin"])
    partial = office.post(
        "/api/v1/assessments/",
        {
            "designation": designation,
            "date": "2019-05-01",
            "conditions": {**ALL_MET, "groundwork": False, "problem_relief": False},
            "evidence": EVIDENCE,
            "notes": "台账不全",
        },
        format="json",
    )
    assert partial.status_code == 201, partial.json()
    assert partial.json()["all_met"] is False
    assert partial.json()["missing"] == ["groundwork", "problem_relief"]
    api = api_as(world.users["leader"])
    refused = api.post(
        "/api/v1/decisions/",
        {
            "kind": "lift",
            "date": "2019-05-20",
            "decision_no": "4号",
            "designation": designation,
            "assessment": partial.json()["id"],
        },
        format="json",
    )
    assert refused.status_code == 409 and refused.json()["basis"] == ["第十四条"]
    # 第十四条: the refusal names each unmet condition by clause and name, and lists codes.
    assert refused.json()["missing"] == ["groundwork", "problem_relief"]
    assert "第十四条（三）基础工作扎实" in refused.json()["detail"]
    assert "第十四条（六）突出问题缓解" in refused.json()["detail"]
    office = api_as(world.users["office_admin"])  # one client: switch its token back
    unproven = office.post(
        "/api/v1/assessments/",
        {"designation": designation, "date": "2019-05-10", "conditions": ALL_MET},
        format="json",
    )
    # 第十四条: a condition cannot be marked met without evidence; the answer names it.
    assert unproven.status_code == 400
    assert "第十四条（一）组织领导到位" in unproven.json()["detail"]
    full = office.post(
        "/api/v1/assessments/",
        {
            "designation": designation,
            "date": "2019-05-10",
            "conditions": ALL_MET,
            "evidence": EVIDENCE,
            "points_met": {"leadership": [0, 1]},
        },
        format="json",
    ).json()
    assert full["evidence"]["leadership"] == EVIDENCE["leadership"]
    assert full["points_met"]["leadership"] == [0, 1]
    assert full["all_met"] is True
    api = api_as(world.users["leader"])
    lifted = api.post(
        "/api/v1/decisions/",
        {
            "kind": "lift",
            "date": "2019-05-20",
            "decision_no": "5号",
            "designation": designation,
            "assessment": full["id"],
        },
        format="json",
    )
    assert lifted.status_code == 201
    assert lifted.json()["result"]["status"] == "lifted"


def test_township_may_apply_and_read_but_not_decide(world, api_as):
    api = api_as(world.users["township_a"])
    applied = api.post(
        "/api/v1/applications/",
        {
            "org_unit": world.township_a.pk,
            "kind": "list",
            "year": 2018,
            "level": "key_supervision",
            "categories": ["drug_abuse"],
            "reasons": "吸毒人员增多",
        },
        format="json",
    )
    assert applied.status_code == 201, applied.json()
    assert api.get("/api/v1/applications/").json()["count"] == 1
    refused = list_via_api(api, world, source="application", application=applied.json()["id"])
    assert refused.status_code == 403
    assert not Designation.objects.exists()
    other = api.post(
        "/api/v1/applications/",
        {
            "org_unit": world.township_b.pk,
            "kind": "list",
            "year": 2018,
            "level": "key_supervision",
            "categories": ["drug_abuse"],
            "reasons": "x",
        },
        format="json",
    )
    assert other.status_code == 400  # township B does not exist for township A's user


def test_bad_application_gets_a_chinese_field_error(world, api_as):
    api = api_as(world.users["township_a"])
    response = api.post(
        "/api/v1/applications/",
        {
            "org_unit": world.township_a.pk,
            "kind": "list",
            "year": 2018,
            "level": "key_nothing",
            "categories": ["drug_abuse"],
            "reasons": "x",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["level"]


def test_evaluation_over_the_api(world, api_as):
    list_via_api(api_as(world.users["leader"]), world)
    api = api_as(world.users["office_admin"])
    response = api.post(
        "/api/v1/evaluations/",
        {
            "org_unit": world.township_a.pk,
            "year": 2018,
            "date": "2018-12-15",
            "methods": ["field_visit", "cross_check"],
            "member_units": [world.member_unit.pk],
            "recorded": {"planting_case": 1, "public_satisfaction": 90},
            "recommendation": "continue",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["grade"] == "fail" and body["vetoed_by"] == ["planting_case"]
    assert api.get("/api/v1/evaluations/?year=2018").json()["count"] == 1


def test_obligations_created_by_a_listing_are_listed(world, api_as):
    list_via_api(api_as(world.users["leader"]), world)
    township = api_as(world.users["township_a"])
    rows = township.get("/api/v1/obligations/").json()["results"]
    assert {r["kind"] for r in rows} == {"progress_report", "expiry_report"} or {
        r["kind"] for r in rows
    } == {"expiry_report"}
    office = api_as(world.users["office_admin"])
    inspections = office.get("/api/v1/obligations/?kind=annual_inspection").json()["results"]
    assert inspections and inspections[0]["basis"] == ["第二十一条"]
    assert office.get("/api/v1/obligations/?due_before=2000-01-01").json()["count"] == 0
