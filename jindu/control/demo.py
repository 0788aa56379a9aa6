"""Demo people under control: fictional persons with a plausible history, so every control
page has something to show after ``make run``.

Everything is invented: names come from the demo county's seeded name generator, identity
numbers are valid in format (GB 11643 check digit) but drawn at random, phone numbers use the
reserved-looking 170 block. Everything is written through the services, so the rows are the
same as those a user would create, with their audit records. Loaded once: if anyone is
registered already, nothing is added.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from jindu.orgs.demo import Names
from jindu.orgs.models import OrgUnit, UnitKind

from . import rules
from .models import OrderKind, Person, ResponsibleRole, TestResult
from .services import orders, registry, relapse

SEED = 4304
# Heavier in the first township (the demo ``township`` login) so its pages are full.
FIRST_TOWNSHIP_PEOPLE = 48
OTHER_PEOPLE = 132
DRUGS = ["methamphetamine", "heroin", "ketamine", "magu", "happy_water", "mdma", "cannabis"]
DRUG_WEIGHTS = [50, 20, 10, 8, 6, 4, 2]
AUTHORITIES = ["衡阳县公安局", "衡阳县公安局禁毒大队"]
WORKER_TITLES = {
    ResponsibleRole.SOCIAL_WORKER: "禁毒社工",
    ResponsibleRole.POLICE: "社区民警",
    ResponsibleRole.GRID_WORKER: "网格员",
    ResponsibleRole.VILLAGE_CADRE: "村干部",
}
MEDIUM_FACTORS = ["无固定职业", "家庭监管缺失", "曾复吸", "与吸毒人员交往"]
HIGH_FACTORS = ["多次复吸", "有肇事肇祸倾向", "拒不接受尿检", "涉嫌以贩养吸"]
CONDITIONS = ["艾滋病病毒感染", "肢体残疾（二级）", "严重肝病", "精神障碍", "肺结核"]


def _id_number(rng: random.Random, birth: datetime.date, male: bool) -> str:
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"430421{birth:%Y%m%d}{sequence:03d}"
    return first17 + rules.check_digit(first17)


def _day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return start
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def _residences() -> tuple[list[OrgUnit], list[OrgUnit]]:
    """Villages/communities of the first township, and of all the others."""
    townships = list(
        OrgUnit.objects.filter(kind__in=[UnitKind.TOWNSHIP, UnitKind.PARK]).order_by("code")
    )
    if not townships:
        return [], []
    homes = OrgUnit.objects.filter(kind__in=[UnitKind.VILLAGE, UnitKind.COMMUNITY]).order_by("code")
    first = [u for u in homes if u.parent_id == townships[0].pk]
    others = [u for u in homes if u.parent_id != townships[0].pk]
    return first, others


def _tests(rng, person: Person, start: datetime.date, today: datetime.date, every: int) -> None:
    """Tests at the schedule's pace over the whole term so far, mostly negative (written
    together: ``orders.record_tests``)."""
    tests = []
    day = start + datetime.timedelta(days=20)
    while day < today:
        draw = rng.random()
        result = (
            TestResult.NEGATIVE
            if draw < 0.96
            else TestResult.MISSED
            if draw < 0.98
            else TestResult.POSITIVE
            if draw < 0.99
            else TestResult.REFUSED
        )
        tests.append(
            {"date": day, "result": result, "place": "乡镇禁毒办", "tested_by": "禁毒社工"}
        )
        day += datetime.timedelta(days=every + rng.randint(-3, 3))
    orders.record_tests(None, person, tests)


def _person(rng, names: Names, home: OrgUnit, today: datetime.date) -> Person:
    male = rng.random() < 0.82
    birth = _day(rng, datetime.date(1966, 1, 1), datetime.date(2003, 12, 31))
    found = _day(rng, max(birth.replace(year=birth.year + 18), datetime.date(2010, 1, 1)), today)
    drugs = rng.choices(DRUGS, weights=DRUG_WEIGHTS, k=rng.choice([1, 1, 1, 2]))
    for _attempt in range(20):
        number = _id_number(rng, birth, male)
        if not Person.objects.filter(id_masked=number[:6] + "*" * 8 + number[14:]).exists():
            break
    return registry.register_person(
        None,
        name=names.person(),
        gender="male" if male else "female",
        id_number=number,
        residence_unit=home,
        household_address=f"{home.parent.name}{home.name}{rng.randint(1, 40)}组",
        phone=f"170{rng.randrange(10**8):08d}",
        drug_types=list(dict.fromkeys(drugs)),
        first_found_date=found,
        finding_place=home.name,
        finding_circumstances="公安机关查获吸毒",
    )


def _history(rng, names: Names, person: Person, today: datetime.date) -> None:
    found = person.first_found_date
    level = rng.choices(["low", "medium", "high"], weights=[50, 35, 15])[0]
    registry.assess_risk(
        None,
        person,
        date=_day(rng, max(found, today - datetime.timedelta(days=300)), today),
        level=level,
        factors={
            "low": [],
            "medium": rng.sample(MEDIUM_FACTORS, 1),
            "high": rng.sample(HIGH_FACTORS, 2),
        }[level],
        assessor_name="禁毒社工",
    )
    draw = rng.random()
    if draw < 0.45:
        kind = OrderKind.COMMUNITY_DETOX if rng.random() < 0.75 else OrderKind.COMMUNITY_REHAB
        decided = _day(rng, max(found, today - datetime.timedelta(days=900)), today)
        late = rng.random() < 0.08
        reported = decided + datetime.timedelta(
            days=rng.randint(16, 25) if late else rng.randint(1, 12)
        )
        if reported > today:
            reported = None
        orders.record_order(
            None,
            person,
            kind=kind,
            decision_date=decided,
            authority=rng.choice(AUTHORITIES),
            decision_no=f"衡县公（禁）决字〔{decided.year}〕{rng.randint(100, 999)}号",
            reported_date=reported,
            late_reason="住院治疗" if late and rng.random() < 0.5 else "",
            agreement_signed_date=reported,
            working_group="禁毒社工、社区民警、村医、家属",
        )
        if reported:
            _tests(rng, person, reported, today, 30 if kind == OrderKind.COMMUNITY_DETOX else 60)
    elif draw < 0.6:
        decided = _day(rng, max(found, today - datetime.timedelta(days=700)), today)
        not_executed = rng.random() < 0.15
        reason = ""
        if not_executed:
            reason = rng.choice(
                ["serious_illness", "disability"]
                + (["pregnancy", "nursing"] if person.gender == "female" else [])
            )
        executed = (
            None
            if not_executed
            else min(today, decided + datetime.timedelta(days=rng.randint(0, 3)))
        )
        orders.record_order(
            None,
            person,
            kind=OrderKind.COMPULSORY_ISOLATION,
            decision_date=decided,
            authority=rng.choice(AUTHORITIES),
            decision_no=f"衡县公（强戒）决字〔{decided.year}〕{rng.randint(100, 999)}号",
            executed_date=executed,
            not_executed_reason=reason,
        )
    if person.status == "in_society" and (level != "low" or rng.random() < 0.3):
        if rng.random() < 0.93:  # a few medium/high-risk people without anyone: the KPI shows it
            role = rng.choice(list(WORKER_TITLES))
            registry.assign(
                None,
                person,
                responsible_name=names.person(),
                responsible_role=role,
                start_date=_day(rng, max(found, today - datetime.timedelta(days=400)), today),
                notes=WORKER_TITLES[role],
            )
    if rng.random() < 0.06:
        identified = _day(rng, found, today)
        registry.flag_sick_disabled(
            None,
            person,
            condition=rng.choice(CONDITIONS),
            identified_date=identified,
            admitted_date=_day(rng, identified, today) if rng.random() < 0.7 else None,
            admitted_to="县人民医院" if rng.random() < 0.5 else "市康复医院",
        )


def _relapse_reports(rng, today: datetime.date) -> int:
    """Two reports from the demo grid worker, so their phone page and the station's inbox
    show the workflow."""
    from jindu.accounts.models import User

    worker = User.objects.filter(username="grid", role="grid_worker").first()
    if worker is None:
        return 0
    reports = [
        ("relapse", "村东头一名中年男子", "村部东侧出租屋", "夜间多人聚集，有锡纸和吸管遗留"),
        ("new_user", "不知姓名，二十多岁，染黄发", "农贸市场后巷", "精神亢奋、连续数日不睡"),
    ]
    for index, (kind, subject, place, observation) in enumerate(reports):
        relapse.submit_relapse_report(
            worker,
            kind=kind,
            observed_time=datetime.time(21 + index, 30),
            subject=subject,
            place=place,
            observed_on=today - datetime.timedelta(days=3 + index * 5),
            observation=observation,
        )
    return len(reports)


@transaction.atomic
def load_demo_control(today: datetime.date | None = None) -> int:
    """Register the demo people with their history; returns how many were added."""
    if Person.objects.exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    names = Names(rng)
    first, others = _residences()
    if not first:
        return 0
    homes = [rng.choice(first) for _ in range(FIRST_TOWNSHIP_PEOPLE)]
    homes += [rng.choice(others) for _ in range(OTHER_PEOPLE)] if others else []
    for home in homes:
        person = _person(rng, names, home, today)
        _history(rng, names, person, today)
    _close_old_follow_ups(today)
    _relapse_reports(rng, today)
    return len(homes)


def _close_old_follow_ups(today: datetime.date) -> None:
    """What the rules raised long ago has been dealt with; the recent ones are still open."""
    from .models import FollowUp, FollowUpKind, FollowUpStatus
    from .services.followups import close_follow_up

    old = FollowUp.objects.filter(
        status=FollowUpStatus.OPEN,
        kind=FollowUpKind.TEST_RESULT,
        test__date__lt=today - datetime.timedelta(days=60),
    )
    for follow_up in old:
        close_follow_up(None, follow_up, outcome="已谈话教育，督促按期检测。")
