"""The accountability API contract."""

import datetime
import io
import subprocess

import pytest
from docx import Document

from jindu.accountability.models import AccountabilityAction
from jindu.rectification import services as rectification


@pytest.fixture
def listing(world):
    return rectification.record_decision(
        world.users["leader"],
        kind="list",
        date=datetime.date(2021, 6, 1),
        decision_no="1号",
        org_unit=world.township_a,
        level="key_rectification",
        categories=["drug_abuse"],
        source="office_proposal",
    ).designation


def test_actions_are_listed_with_filters(world, api_as, listing):
    api = api_as(world.users["office_admin"])
    rows = api.get(
        f"/api/v1/accountability-actions/?designation={listing.pk}&status=proposed&page_size=100"
    ).json()["results"]
    assert {r["kind"] for r in rows} >= {
        "criticism",
        "rectification_order",
        "interview",
        "award_ineligibility",
        "promotion_restriction",
        "discipline",
    }
    row = rows[0]
    assert set(row) >= {"id", "kind", "org_unit", "position", "status", "basis", "designation"}
    interviews = api.get("/api/v1/accountability-actions/?kind=interview").json()["results"]
    assert all(r["basis"] == ["第二十九条"] for r in interviews)


def test_confirm_and_reject_over_the_api(world, api_as, listing):
    api = api_as(world.users["office_admin"])
    action = AccountabilityAction.objects.filter(designation=listing, kind="interview").first()
    missing = api.post(
        f"/api/v1/accountability-actions/{action.pk}/confirm/",
        {"reason": "依规约谈"},
        format="json",
    )
    assert missing.status_code == 400 and "detail" in missing.json()
    done = api.post(
        f"/api/v1/accountability-actions/{action.pk}/confirm/",
        {"reason": "依规约谈", "decision_no": "衡禁毒办〔2021〕3号"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["status"] == "confirmed"
    other = AccountabilityAction.objects.filter(designation=listing, kind="criticism").first()
    rejected = api.post(
        f"/api/v1/accountability-actions/{other.pk}/reject/",
        {"reason": "已另行处理"},
        format="json",
    )
    assert rejected.json()["status"] == "rejected"
    leader = api_as(world.users["leader"])
    third = AccountabilityAction.objects.filter(status="proposed").first()
    assert (
        leader.post(
            f"/api/v1/accountability-actions/{third.pk}/confirm/",
            {"reason": "x", "decision_no": "y"},
            format="json",
        ).status_code
        == 403
    )


def test_eligibility_endpoint(world, api_as, listing):
    api = api_as(world.users["office_admin"])
    body = api.get(f"/api/v1/eligibility/?position={world.position_a.pk}&date=2021-08-01").json()
    assert body["award"] is False and body["promotion"] is False
    assert body["reasons"] and body["reasons"][0]["basis"] == ["第三十条（二）"]
    unit = api.get(f"/api/v1/eligibility/?org_unit={world.township_a.pk}&date=2022-03-01").json()
    assert unit == {"award": True, "promotion": True, "reasons": []}
    other = api.get(f"/api/v1/eligibility/?org_unit={world.township_b.pk}&date=2021-08-01")
    assert other.json()["award"] is True
    assert api.get("/api/v1/eligibility/?date=2021-08-01").status_code == 400
    township = api_as(world.users["township_b"])
    assert township.get(f"/api/v1/eligibility/?position={world.position_a.pk}").status_code == 404


def test_inspections_and_assignments_over_the_api(world, api_as, listing):
    api = api_as(world.users["office_admin"])
    created = api.post(
        "/api/v1/inspections/",
        {
            "designation": listing.pk,
            "date": "2021-09-01",
            "inspectors": "督导组",
            "findings": "台账不全",
            "member_units": [world.member_unit.pk],
            "follow_ups": [{"text": "补齐台账", "due_date": "2021-10-01"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["follow_ups"][0]["text"] == "补齐台账"
    assigned = api.post(
        "/api/v1/assistance-assignments/",
        {
            "designation": listing.pk,
            "member_unit": world.member_unit.pk,
            "role": "paired",
            "start_date": "2021-06-10",
        },
        format="json",
    )
    assert assigned.status_code == 201, assigned.json()
    member = api_as(world.users["member"])
    assert member.get("/api/v1/assistance-assignments/").json()["count"] == 1
    bad = api_as(world.users["office_admin"]).post(
        "/api/v1/assistance-assignments/",
        {
            "designation": listing.pk,
            "member_unit": world.township_b.pk,
            "role": "paired",
            "start_date": "2021-06-10",
        },
        format="json",
    )
    assert bad.status_code == 400


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_reports_and_interview_notice_are_word_documents(world, client, listing):
    """第二十八条 briefing, 第三十三条 accountability report, 第二十九条 interview notice."""
    client.force_login(world.users["office_admin"])
    briefing = client.get(
        "/accountability/reports/?kind=briefing&date_from=2021-01-01&date_to=2021-12-31"
    )
    assert briefing.status_code == 200
    text = docx_text(briefing.content)
    assert "甲镇" in text and "第二十八条" in text
    interview = AccountabilityAction.objects.filter(designation=listing, kind="interview").first()
    client.post(
        f"/accountability/actions/{interview.pk}/",
        {
            "decision": "confirm",
            "decided_on": "2021-06-10",
            "decision_no": "衡禁毒办〔2021〕8号",
            "reason": "依第二十九条约谈",
        },
    )
    interview.refresh_from_db()
    assert interview.status == "confirmed"
    notice = client.get(f"/accountability/actions/{interview.pk}/notice.docx")
    assert "约谈通知书" in docx_text(notice.content)
    report = client.get(
        "/accountability/reports/?kind=accountability&date_from=2021-01-01&date_to=2021-12-31"
    )
    text = docx_text(report.content)
    assert "衡阳市禁毒委员会" in text and "衡禁毒办〔2021〕8号" in text


def test_the_briefing_converts_to_pdf(world, listing, tmp_path):
    from jindu.accountability import documents

    source = tmp_path / "briefing.docx"
    source.write_bytes(
        documents.briefing(
            None,
            [listing],
            date_from=datetime.date(2021, 1, 1),
            date_to=datetime.date(2021, 12, 31),
        )
    )
    subprocess.run(
        [
            "libreoffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert (tmp_path / "briefing.pdf").read_bytes().startswith(b"%PDF")


def test_the_office_sees_which_listed_areas_are_not_yet_inspected_at_any_date(
    world, client, listing
):
    from jindu.accountability import services

    client.force_login(world.users["office_admin"])
    page = client.get("/accountability/inspections/?date=2021-08-01").content.decode()
    assert "甲镇" in page and "本年度尚未检查" in page
    services.record_inspection(
        world.users["office_admin"],
        designation=listing,
        date=datetime.date(2021, 9, 1),
        inspectors="督导组",
        findings="基本到位",
    )
    before = client.get("/accountability/inspections/?date=2021-08-31").content.decode()
    assert "本年度尚未检查" in before
    after = client.get("/accountability/inspections/?date=2021-09-02").content.decode()
    assert "本年度尚未检查" not in after
    next_year = client.get("/accountability/inspections/?date=2022-02-01").content.decode()
    assert "本年度尚未检查" in next_year
