"""Prevention actions through the services: permissions, refusals in Chinese naming the
field (nothing changes), obligations for key dates and class hours."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from jindu.audit.models import AuditEvent
from jindu.core.errors import NotAllowed, Refused
from jindu.prevention import providers, selectors, services
from jindu.prevention.models import Activity, Lesson, SurveyResponse
from jindu.supervision.models import Obligation, ObligationStatus

from .conftest import ANSWERS

pytestmark = pytest.mark.django_db
D = datetime.date


def test_township_records_its_own_activity_and_it_counts_for_the_key_date(world):
    services.generate_key_date_obligations(None, 2019)
    owed = Obligation.objects.get(
        kind=services.KEY_DATE_KIND, org_unit=world.township_a, period="2019-06-26"
    )
    assert owed.due_date == D(2019, 7, 3)
    assert owed.basis == ["方案四（三）二是"]
    activity = services.record_activity(
        world.users["township_a"],
        kind="six_into",
        setting="school",
        date=D(2019, 6, 20),
        org_unit=world.village_a,
        headcount=120,
        audience="甲一村小学师生",
    )
    assert activity.policy_id == "hengyang-2018-prevention"
    owed.refresh_from_db()
    assert owed.status == ObligationStatus.FULFILLED
    # Township B has not: it is still owed, shown on the board as "who has not".
    assert (
        Obligation.objects.get(
            kind=services.KEY_DATE_KIND, org_unit=world.township_b, period="2019-06-26"
        ).status
        == ObligationStatus.OPEN
    )


def test_key_date_obligations_cover_the_named_member_units_and_are_idempotent(world):
    created = services.generate_key_date_obligations(None, 2019)
    assert created > 0
    assert (
        Obligation.objects.filter(kind=services.KEY_DATE_KIND, org_unit=world.member_unit).count()
        == 4
    )
    assert services.generate_key_date_obligations(None, 2019) == 0


def test_member_unit_records_activities_county_wide_as_organiser(world):
    activity = services.record_activity(
        world.users["member"],
        kind="lecture",
        date=D(2019, 5, 1),
        org_unit=world.village_b,
        headcount=40,
    )
    assert activity.organiser == world.member_unit


def test_township_cannot_record_in_another_township(world):
    with pytest.raises(NotAllowed):
        services.record_activity(
            world.users["township_a"],
            kind="lecture",
            date=D(2019, 5, 1),
            org_unit=world.village_b,
            headcount=4,
        )


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"headcount": 0}, "headcount"),
        ({"kind": "six_into"}, "setting"),
        ({"kind": "nonsense"}, "kind"),
        ({"photos": [SimpleUploadedFile("big.jpg", b"x" * 5_000_001)]}, "photos"),
    ],
)
def test_bad_activity_is_refused_in_chinese_naming_the_field(world, kwargs, field):
    before = AuditEvent.objects.count()
    data = {"kind": "lecture", "date": D(2019, 5, 1), "org_unit": world.village_a, "headcount": 10}
    data.update(kwargs)
    with translation.override("zh-hans"), pytest.raises(Refused) as caught:
        services.record_activity(world.users["township_a"], **data)
    assert field in caught.value.errors
    message = str(caught.value.errors[field][0])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    assert not Activity.objects.exists()
    assert AuditEvent.objects.count() == before


def test_class_becomes_an_obligation_and_lessons_fulfil_it(world, school_a):
    member = world.users["member"]
    fifth = services.add_class(
        member, school=school_a, school_year="2019-2020", grade=5, name="五(1)班"
    )
    fourth = services.add_class(
        member, school=school_a, school_year="2019-2020", grade=4, name="四(1)班"
    )
    owed = Obligation.objects.get(kind=services.CLASS_HOURS_KIND, source_id=str(fifth.pk))
    assert owed.org_unit == world.member_unit
    assert owed.due_date == D(2020, 7, 15)
    assert not Obligation.objects.filter(kind=services.CLASS_HOURS_KIND, source_id=str(fourth.pk))
    for day in (D(2019, 10, 8), D(2019, 11, 12)):
        services.record_lesson(
            member, school_class=fifth, date=day, hours="2", topic="认识毒品", teacher_name="李老师"
        )
    owed.refresh_from_db()
    assert owed.status == ObligationStatus.FULFILLED
    rows = {
        r["school_class"]: r
        for r in selectors.class_hours_rows(selectors.class_hours(member, school=school_a))
    }
    assert rows[fifth.pk]["required"] == 4 and rows[fifth.pk]["met"] is True
    assert rows[fourth.pk]["required"] == 0 and rows[fourth.pk]["met"] is None
    summary = selectors.class_hours_summary(member, school_year="2019-2020")
    assert summary == {
        "classes": 2,
        "required_classes": 1,
        "met": 1,
        "rate": 100.0,
        "basis": ["方案四（三）三是"],
    }


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"hours": "0"}, "hours"),
        ({"hours": "9"}, "hours"),
        ({"date": D(2020, 8, 1)}, "date"),
        ({"topic": " "}, "topic"),
    ],
)
def test_bad_lesson_is_refused_and_changes_nothing(world, school_a, kwargs, field):
    member = world.users["member"]
    cls = services.add_class(
        member, school=school_a, school_year="2019-2020", grade=6, name="六(1)班"
    )
    data = {"date": D(2019, 10, 8), "hours": "1", "topic": "认识毒品", "teacher_name": "李老师"}
    data.update(kwargs)
    with pytest.raises(Refused) as caught:
        services.record_lesson(member, school_class=cls, **data)
    assert field in caught.value.errors
    assert caught.value.basis == ["方案四（三）三是"]
    assert not Lesson.objects.exists()


def test_only_the_supervising_unit_runs_schools(world, school_a):
    with pytest.raises(NotAllowed):
        services.add_class(
            world.users["township_a"], school=school_a, school_year="2019-2020", grade=5, name="x"
        )


def test_township_sees_its_schools_and_the_education_bureau_sees_all(world, school_a, school_b):
    from jindu.core.scoping import VIEW
    from jindu.prevention.models import School

    assert set(School.objects.restrict(world.users["member"], VIEW)) == {school_a, school_b}
    assert set(School.objects.restrict(world.users["township_a"], VIEW)) == {school_a}


def test_online_answers_are_anonymous_and_unaudited(world, survey):
    before = AuditEvent.objects.count()
    response = services.submit_response(
        None, survey=survey, org_unit=world.township_a, answers=ANSWERS, on=D(2019, 6, 1)
    )
    assert response.entered_by is None
    assert (response.satisfied, response.satisfaction_answers, response.aware) == (2, 2, 1)
    assert AuditEvent.objects.count() == before
    field_names = {f.name for f in SurveyResponse._meta.get_fields()}
    assert not field_names & {"ip", "name", "phone", "user_agent", "created_at"}


def test_answer_outside_the_scale_is_refused(world, survey):
    with pytest.raises(Refused) as caught:
        services.submit_response(
            None, survey=survey, org_unit=world.township_a, answers={**ANSWERS, "overall": 7}
        )
    assert "overall" in caught.value.errors
    assert not SurveyResponse.objects.exists()


def test_staff_enter_paper_answers_for_their_own_township_only(world, survey):
    services.submit_response(
        world.users["township_a"],
        survey=survey,
        org_unit=world.township_a,
        answers=ANSWERS,
        channel="paper",
    )
    with pytest.raises(NotAllowed):
        services.submit_response(
            world.users["township_a"],
            survey=survey,
            org_unit=world.township_b,
            answers=ANSWERS,
            channel="paper",
        )


def test_survey_results_per_township_with_minimum_sample(world, survey):
    for _ in range(3):
        services.submit_response(None, survey=survey, org_unit=world.township_a, answers=ANSWERS)
    services.submit_response(
        None,
        survey=survey,
        org_unit=world.township_b,
        answers={**ANSWERS, "overall": 1, "safety": 2},
    )
    results = selectors.survey_results(world.users["office_admin"], survey)
    assert results["responses"] == 4
    assert results["satisfaction_rate"] == 75.0
    assert [u["responses"] for u in results["by_unit"]] == [3, 1]
    assert results["by_unit"][0]["sample_reached"] is False
    township_view = selectors.survey_results(world.users["township_a"], survey)
    assert township_view["responses"] == 3


def test_survey_feeds_the_evaluation_satisfaction_item(world, survey):
    """办法第五条: the evaluation takes the survey's rate instead of a typed number."""
    from jindu.rectification import services as rectification

    for answers in (ANSWERS, ANSWERS, {**ANSWERS, "overall": 2, "safety": 2}):
        services.submit_response(
            None, survey=survey, org_unit=world.township_a, answers=answers, on=D(2019, 6, 1)
        )
    evaluation = rectification.record_evaluation(
        world.users["office_admin"],
        org_unit=world.township_a,
        year=2019,
        date=D(2019, 12, 1),
        methods=["field_visit"],
        recorded={"public_satisfaction": 10},
        recommendation="list_key_supervision",
    )
    assert evaluation.recorded["public_satisfaction"] == pytest.approx(66.7)
    assert evaluation.satisfaction_respondents == 3


def test_tip_participation_says_no_data_without_a_source_and_counts_with_one(world):
    services.set_population(
        world.users["office_admin"],
        org_unit=world.county,
        year=2019,
        kind="registered",
        count=40000,
        source="县统计局",
    )
    period = (world.county, D(2019, 1, 1), D(2019, 12, 31))
    from jindu.prevention import enforcement_tips

    # The installed enforcement area is a source; without any source the indicator says so.
    providers.unregister_tip_source("enforcement.tips")
    try:
        tips = selectors.prevention_kpis(world.users["office_admin"], *period)[2]
        assert tips.code == "tip_participation" and tips.no_data is True
    finally:
        enforcement_tips.register()

    def fake(user, unit, date_from, date_to):
        return providers.TipCounts(
            tips=12 if date_to.year == 2019 else 8, cases=5, cases_from_tips=2
        )

    providers.register_tip_source("fake", fake)
    try:
        tips = selectors.prevention_kpis(world.users["office_admin"], *period)[2]
    finally:
        providers.unregister_tip_source("fake")
    assert tips.no_data is False
    assert tips.value == 3.0  # 12 per 40,000 → 3 per 10,000
    assert tips.met is True  # more than the 8 of the year before
    assert tips.extra["cases_from_tips_rate"] == 40.0


def test_village_targets_from_the_database_agree_with_the_rules(world):
    from jindu.prevention import rules
    from jindu.prevention.policy import prevention_policy
    from jindu.supervision import reporting

    township = world.users["township_a"]
    photo = SimpleUploadedFile("w.jpg", b"jpg")
    services.record_fixture(
        township,
        kind="window",
        org_unit=world.village_a,
        location="村部",
        photographed_on=D(2019, 3, 1),
        photos=[photo],
    )
    for day in (D(2019, 4, 1), D(2019, 5, 1)):
        services.record_activity(
            township, kind="lecture", date=day, org_unit=world.grid_a, headcount=20
        )
    reporting.record_letter(
        township,
        year=2019,
        upper_unit=world.township_a,
        lower_unit=world.village_a,
        signed_on=D(2019, 2, 1),
    )
    services.appoint_liaison(
        township, org_unit=world.village_a, name="孙联络", start_date=D(2019, 1, 1)
    )
    office = world.users["office_admin"]
    kpis = selectors.prevention_kpis(office, world.county, D(2019, 1, 1), D(2019, 6, 30))
    coverage, mobilisation = kpis[0], kpis[1]
    assert (coverage.numerator, coverage.denominator) == (1, 2)
    assert (mobilisation.numerator, mobilisation.denominator) == (1, 2)
    facts = [
        rules.VillageFacts(v.pk, v.activities, v.current_fixture, v.letter, v.liaison)
        for v in selectors.kpi_villages(
            office, world.county, D(2019, 1, 1), D(2019, 6, 30), "publicity_coverage", "denominator"
        )
    ]
    policy = prevention_policy()
    assert rules.publicity_coverage(policy, facts) == coverage
    assert rules.grassroots_mobilisation(policy, facts) == mobilisation
    gap = selectors.kpi_villages(
        office, world.county, D(2019, 1, 1), D(2019, 6, 30), "publicity_coverage", "gap"
    )
    assert list(gap) == [world.village_b]
    # Township B's staff see only their own villages.
    kpis_b = selectors.prevention_kpis(
        world.users["township_b"], world.township_b, D(2019, 1, 1), D(2019, 6, 30)
    )
    assert (kpis_b[0].numerator, kpis_b[0].denominator) == (0, 1)
