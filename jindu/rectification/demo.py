"""Demo listings for the demo county: a few townships and a village at different stages, so
that every page has something real to show. Built through the services (rules, audit and
obligations run as in production); loaded once — skipped if any listing exists."""

import datetime

from django.db import transaction
from django.utils import timezone

from jindu.accountability import services as accountability
from jindu.orgs.models import OrgUnit, UnitKind, UnitLevel

from . import services
from .models import Designation

ALL_MET = dict.fromkeys(
    ["leadership", "mechanisms", "groundwork", "education", "enforcement", "problem_relief"], True
)

# What the office found for each condition (art. 14 asks for each to be shown).
EVIDENCE = {
    "leadership": "镇党委书记任禁毒委主任，禁毒工作纳入平安建设考核（2025年镇党委会议纪要）。",
    "mechanisms": "建立情况通报、督导考核制度；2025年禁毒经费列入镇财政预算。",
    "groundwork": "吸毒人员台账完整，逢嫌必检落实，毒品来源流向基本掌握。",
    "education": "禁毒宣传“六进”活动全年开展42场，群众举报线索增加。",
    "enforcement": "2024年以来打掉贩毒团伙2个，执法绩效考核全县第三。",
    "problem_relief": "连续12个月未发现非法种植，群众满意度调查达91%。",
}


def _d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@transaction.atomic
def load_demo_listings(today: datetime.date | None = None) -> int:
    if Designation.objects.exists():
        return 0
    today = today or timezone.localdate()
    townships = list(
        OrgUnit.objects.filter(level=UnitLevel.TOWNSHIP, kind=UnitKind.TOWNSHIP).order_by("code")
    )
    if len(townships) < 5:
        return 0
    seat, second, third, fourth, fifth = townships[:5]
    member_units = {u.name: u for u in OrgUnit.objects.member_units()}

    def decide(kind, date, no, **kwargs):
        return services.record_decision(
            None, kind=kind, date=_d(date), decision_no=f"衡禁毒委〔{date[:4]}〕{no}号", **kwargs
        )

    # The county seat: key rectification since 2025, helped by the police bureau.
    seat_listing = decide(
        "list",
        "2025-03-01",
        3,
        org_unit=seat,
        level="key_rectification",
        categories=["drug_abuse", "outbound_trafficking"],
        source="office_proposal",
    ).designation
    # A township that applied in 2025 and was extended once.
    application = services.submit_application(
        None,
        org_unit=second,
        kind="list",
        year=2025,
        level="key_supervision",
        categories=["drug_abuse"],
        reasons="本镇2024年新发现吸毒人员明显增多，娱乐场所涉毒问题突出，申请列为县禁毒委员会重点督办乡镇。",
    )
    second_listing = decide(
        "list",
        "2025-06-01",
        5,
        org_unit=second,
        level="key_supervision",
        categories=["drug_abuse"],
        source="application",
        application=application,
    ).designation
    decide(
        "extend",
        "2026-05-28",
        6,
        designation=second_listing,
        notes="娱乐场所涉毒问题仍在专项整治中，特殊情况延长重点督办期限一年。",
    )
    # A township whose extension ran out in June 2026 with nothing decided: article 31.
    third_listing = decide(
        "list",
        "2023-06-01",
        4,
        org_unit=third,
        level="key_rectification",
        categories=["transit_hub", "drug_abuse"],
        source="office_proposal",
    ).designation
    decide(
        "extend",
        "2025-05-30",
        2,
        designation=third_listing,
        notes="毒品中转集散问题的主要团伙仍在侦办，特殊情况延长重点整治期限一年。",
    )
    # A township lifted after meeting all six conditions.
    fourth_listing = decide(
        "list",
        "2024-04-01",
        1,
        org_unit=fourth,
        level="key_supervision",
        categories=["illegal_planting"],
        source="office_proposal",
    ).designation
    assessment = services.record_assessment(
        None,
        designation=fourth_listing,
        date=_d("2025-03-20"),
        conditions=ALL_MET,
        notes="经实地考察、明查暗访，六项条件均已具备。",
        evidence=EVIDENCE,
    )
    decide("lift", "2025-04-10", 4, designation=fourth_listing, assessment=assessment)
    # A village the seat township proposed (art. 12, 17).
    village = OrgUnit.objects.filter(parent=seat, level=UnitLevel.VILLAGE).order_by("code").first()
    village_application = services.submit_application(
        None,
        org_unit=village,
        kind="list",
        year=2026,
        level="key_supervision",
        categories=["drug_abuse"],
        reasons="该村吸毒人员相对集中，复吸问题突出。",
        applicant_unit=seat,
    )
    decide(
        "list",
        "2026-03-01",
        2,
        org_unit=village,
        level="key_supervision",
        categories=["drug_abuse"],
        source="application",
        application=village_application,
    )
    # Pending this year: the second township asks to be lifted; the office proposes the fifth.
    services.submit_application(
        None,
        org_unit=second,
        kind="lift",
        year=2026,
        reasons="经一年多整治，六项条件已基本具备，申请取消重点督办。",
    )
    services.submit_application(
        None,
        org_unit=fifth,
        kind="list",
        year=2026,
        level="key_supervision",
        categories=["outbound_trafficking"],
        source="office_proposal",
        reasons="工作中发现该镇外流贩毒人员增多，未主动申报。",
    )

    # 2025 evaluations, inspections and assistance.
    for unit, recorded, recommendation in (
        (
            seat,
            {
                "new_users": 2,
                "trafficking_cases": 3,
                "leadership_work": 1,
                "public_satisfaction": 78,
            },
            "continue",
        ),
        (second, {"new_users": 1, "venue_cases": 1, "public_satisfaction": 85}, "extend"),
        (
            third,
            {
                "outbound_traffickers": 3,
                "incidents": 1,
                "groundwork_work": 2,
                "public_satisfaction": 70,
            },
            "continue",
        ),
    ):
        services.record_evaluation(
            None,
            org_unit=unit,
            year=2025,
            date=_d("2025-12-10"),
            methods=["field_visit", "covert_inspection", "cross_check"],
            member_units=[m for n, m in member_units.items() if n in ("县公安局", "县司法局")],
            recorded=recorded,
            recommendation=recommendation,
            satisfaction_respondents=200,
        )
    accountability.record_inspection(
        None,
        designation=seat_listing,
        date=_d("2026-04-15"),
        inspectors="县禁毒办督导组",
        findings="吸毒人员台账基本完整，社区戒毒协议签订率偏低。",
        follow_ups=[("完善社区戒毒协议", _d("2026-06-30"))],
    )
    police = member_units.get("县公安局")
    education = member_units.get("县教育局")
    if police:
        accountability.assign_assistance(
            None,
            designation=seat_listing,
            member_unit=police,
            role="paired",
            start_date=_d("2025-03-10"),
        )
    if education:
        accountability.assign_assistance(
            None,
            designation=second_listing,
            member_unit=education,
            role="supervising",
            start_date=_d("2025-06-10"),
        )
    accountability.record_duty(
        None,
        org_unit=seat,
        duty="dedicated_funding",
        met=True,
        note="2026年预算列支禁毒经费",
        checked_on=_d("2026-03-01"),
    )
    accountability.record_duty(
        None,
        org_unit=seat,
        duty="full_time_staff",
        met=False,
        note="禁毒办仅有兼职人员",
        checked_on=_d("2026-03-01"),
    )
    accountability.check_deadlines(None, today)
    _spread_over_time(today)
    return Designation.objects.count()


def _spread_over_time(today: datetime.date) -> None:
    """The services stamp everything "now"; a working county did these over months. Each
    proposal is dated a few days after the listing or deadline that raised it, each
    application in the spring of its year, so lists and the home page read like a history."""
    import random

    from jindu.accountability.models import AccountabilityAction

    from .models import Application

    rng = random.Random(2018)

    def at(day: datetime.date) -> datetime.datetime:
        day = min(day, today)
        return timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(rng.randint(9, 17), rng.randint(0, 59)))
        )

    for action in AccountabilityAction.objects.select_related("designation"):
        base = action.effective_from or (
            action.designation.listed_date if action.designation_id else today
        )
        AccountabilityAction.objects.filter(pk=action.pk).update(
            created_at=at(base + datetime.timedelta(days=rng.randint(2, 20)))
        )
    for application in Application.objects.all():
        Application.objects.filter(pk=application.pk).update(
            submitted_at=at(datetime.date(application.year, rng.randint(1, 4), rng.randint(1, 28)))
        )
