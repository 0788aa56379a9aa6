"""Demo prevention data: two school years of schools, classes and lessons (most classes meet
the 4 hours, some do not), a year of activities around every key date in most townships but
not all, fixtures and liaisons in most villages, and a survey with a few hundred fictional
answers. Written through the services (with their audit rows), the many rows through their
bulk forms (activities, classes, lessons); loaded once."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from jindu.orgs.demo import Names
from jindu.orgs.models import OrgUnit, UnitLevel
from jindu.supervision import reporting

from . import rules, services
from .models import Activity, School
from .policy import prevention_policy

SEED = 4305
TOPICS = ["认识毒品危害", "远离新型毒品", "拒绝第一口", "禁毒法律知识", "珍爱生命 远离毒品"]
PLACES = ["村部", "文化广场", "村小学门口", "集市路口", "综治中心"]


def _day(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return start
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


@transaction.atomic
def load_demo_prevention(today: datetime.date | None = None) -> int:
    """Returns the number of activities created (0 when the demo is already there)."""
    if Activity.objects.exists():
        return 0
    supervisor = services.supervisor_unit()
    townships = list(
        OrgUnit.objects.filter(level=UnitLevel.TOWNSHIP, is_active=True).order_by("code")
    )
    if supervisor is None or not townships:
        return 0
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    names = Names(rng)
    policy = prevention_policy()
    county = OrgUnit.objects.filter(level=UnitLevel.COUNTY).order_by("pk").first()
    villages = {
        t.pk: list(OrgUnit.objects.filter(parent=t, level=UnitLevel.VILLAGE).order_by("code"))
        for t in townships
    }
    year_ago = today - datetime.timedelta(days=365)

    # Key dates of this year (and activities in most townships around each).
    services.generate_key_date_obligations(None, today.year)
    skipped = set(t.pk for t in townships[-3:])  # these townships miss the key dates
    activities = []  # recorded together below (services.record_activities)
    for township in townships:
        for key, start, end in rules.key_date_windows(policy, today.year):
            if township.pk in skipped or start > today or rng.random() < 0.1:
                continue
            places = villages[township.pk] or [township]
            activities.append(_key_date_activity(rng, places, key, start, end, today))

    # Everyday work in most villages; fixtures, liaisons and letters in most.
    letters = []  # recorded together below (reporting.record_letters)
    for township in townships:
        for village in villages[township.pk]:
            draw = rng.random()
            for _ in range(0 if draw < 0.1 else (1 if draw < 0.6 else 2)):
                kind = rng.choice(
                    ["lecture", "six_into", "little_hands", "family", "volunteer", "high_risk"]
                )
                activities.append(
                    dict(
                        kind=kind,
                        setting=rng.choice(["community", "village", "family", "venue"])
                        if kind == "six_into"
                        else "",
                        group=rng.choice(["idle", "migrant_workers", "venue_staff"])
                        if kind == "high_risk"
                        else "",
                        date=_day(rng, year_ago, today),
                        org_unit=village,
                        headcount=rng.randint(15, 200),
                        audience="村民",
                        materials=rng.randint(0, 200),
                    )
                )
            if rng.random() < 0.85:
                services.record_fixture(
                    None,
                    kind="window",
                    org_unit=village,
                    location=rng.choice(PLACES),
                    photographed_on=_day(rng, today - datetime.timedelta(days=240), today),
                )
            if rng.random() < 0.8:
                services.appoint_liaison(
                    None,
                    org_unit=village,
                    name=names.person(),
                    title="禁毒专干",
                    start_date=datetime.date(today.year, 1, rng.randint(1, 28)),
                )
            if rng.random() < 0.75:
                letters.append(
                    (township, village, datetime.date(today.year, 3, rng.randint(1, 28)))
                )
        services.set_population(
            None,
            org_unit=township,
            year=today.year - 1,
            kind="registered",
            count=rng.randint(18000, 60000),
            source="县公安局户籍统计",
        )

    services.record_activities(None, activities)
    reporting.record_letters(None, year=today.year, letters=letters)

    # Schools: a primary and a junior school per township, a senior high in the first.
    current = rules.school_year_of(policy, today) or f"{today.year - 1}-{today.year}"
    first = int(current[:4])
    years = [f"{first - 1}-{first}", current]
    lessons = []  # recorded together below (services.record_lessons)
    for i, township in enumerate(townships):
        specs = [
            ("primary", f"{township.name}中心小学", range(1, 7)),
            ("junior", f"{township.name}中学", range(7, 10)),
        ]
        if i == 0:
            specs.append(("senior", "县第一中学", range(10, 13)))
        for stage, name, grades in specs:
            school = services.register_school(
                None, name=name, org_unit=township, stage=stage, supervisor=supervisor
            )
            classes = services.add_classes(
                None,
                school=school,
                classes=[
                    {
                        "school_year": school_year,
                        "grade": grade,
                        "name": f"{grade}年级1班",
                        "students": rng.randint(35, 55),
                    }
                    for school_year in years
                    for grade in grades
                ],
            )
            for cls in classes:
                start, end = rules.school_year_bounds(policy, cls.school_year)
                end = min(end, today)
                if not rules.required_hours(policy, cls.grade) or end <= start:
                    continue
                # Most classes meet the 4 hours; some stop short.
                for _ in range(2 if rng.random() < 0.8 else 1):
                    lessons.append(
                        {
                            "school_class": cls,
                            "date": _day(rng, start, end),
                            "hours": 2,
                            "topic": rng.choice(TOPICS),
                            "teacher_name": names.person(),
                        }
                    )
            services.record_school_activity(
                None,
                school=school,
                kind="five_ones",
                date=_day(rng, year_ago, today),
                title="禁毒“五个一”主题活动",
                participants=rng.randint(100, 600),
            )

    services.record_lessons(None, lessons)
    _school_login(townships[0])

    # The survey: a few hundred fictional answers.
    survey = services.create_survey(
        None,
        title=f"{today.year}年群众禁毒工作满意度调查",
        period_start=today - datetime.timedelta(days=60),
        period_end=today + datetime.timedelta(days=30),
        org_unit=county,
    )
    for township in townships:
        for _ in range(rng.randint(6, 16)):
            answers = {
                q.code: (
                    rng.choices(
                        range(1, len(q.scale) + 1), weights=[1, 2, 4, 8, 6][: len(q.scale)]
                    )[0]
                    if q.kind == "satisfaction"
                    else rng.choices([1, 2], weights=[1, 3])[0]
                )
                for q in policy.survey.questions
            }
            services.submit_response(
                None,
                survey=survey,
                org_unit=township,
                answers=answers,
                on=_day(rng, survey.period_start, today),
            )
    return Activity.objects.count()


def _school_login(township) -> None:
    """The demo's school account (学校账号, login ``school``): the first township's junior
    school, created as the education bureau would create it (the password: the demo's)."""
    from jindu.accounts.models import User
    from jindu.orgs.demo import DEMO_PASSWORD, build_plan

    spec = next((u for u in build_plan().users if u.username == "school"), None)
    if spec is None or User.objects.filter(username__iexact=spec.username).exists():
        return
    school = School.objects.get(org_unit=township, name=f"{township.name}中学")
    services.create_school_account(
        None,
        school=school,
        username=spec.username,
        password=DEMO_PASSWORD,
        full_name=spec.full_name,
        api_access=True,  # the demo's accounts may use the API, as the README shows
    )


def _key_date_activity(rng, places, key, start, end, today) -> dict:
    return dict(
        kind="key_date",
        date=_day(rng, start, min(end, today)),
        org_unit=rng.choice(places),
        headcount=rng.randint(40, 400),
        audience="群众",
        materials=rng.randint(50, 500),
        pledges=rng.randint(0, 120),
        description=f"{key.name}集中宣传",
    )
