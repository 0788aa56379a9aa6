"""The bulk forms of the prevention actions (the demo's loader): the same checks, rows,
obligations and audit as one by one."""

import datetime

import pytest

from jindu.audit import chain
from jindu.audit.models import AuditEvent
from jindu.core.errors import NotAllowed, Refused
from jindu.prevention import services
from jindu.prevention.models import Activity, Lesson, SchoolClass
from jindu.supervision.models import Obligation, ObligationStatus

pytestmark = pytest.mark.django_db
D = datetime.date


def test_activities_together_fulfil_the_key_dates_as_one_by_one(world):
    services.generate_key_date_obligations(None, 2019)
    first, second, later = services.record_activities(
        world.users["township_a"],
        [
            {
                "kind": "lecture",
                "date": D(2019, 6, 20),
                "org_unit": world.village_a,
                "headcount": 40,
            },
            {
                "kind": "lecture",
                "date": D(2019, 6, 22),
                "org_unit": world.township_a,
                "headcount": 9,
            },
            {"kind": "lecture", "date": D(2019, 5, 2), "org_unit": world.village_a, "headcount": 5},
        ],
    )
    owed = Obligation.objects.get(
        kind=services.KEY_DATE_KIND, org_unit=world.township_a, period="2019-06-26"
    )
    assert owed.status == ObligationStatus.FULFILLED
    assert owed.fulfilled_by_id == str(first.pk)  # the first of the window, as one by one
    other = Obligation.objects.get(
        kind=services.KEY_DATE_KIND, org_unit=world.township_b, period="2019-06-26"
    )
    assert other.status == ObligationStatus.OPEN
    assert first.village == world.village_a and second.village is None
    created = AuditEvent.objects.filter(model="prevention.Activity", action="create")
    assert set(created.values_list("object_id", flat=True)) == {
        str(a.pk) for a in (first, second, later)
    }
    assert chain.verify()[1] is None


def test_one_bad_activity_refuses_them_all(world):
    good = {"kind": "lecture", "date": D(2019, 5, 1), "org_unit": world.village_a, "headcount": 9}
    with pytest.raises(Refused) as caught:
        services.record_activities(None, [good, {**good, "headcount": 0}])
    assert "headcount" in caught.value.errors
    with pytest.raises(NotAllowed):
        services.record_activities(
            world.users["township_a"], [{**good, "org_unit": world.village_b}]
        )
    assert not Activity.objects.exists()


def test_classes_and_lessons_together_owe_and_fulfil_the_class_hours(world, school_a):
    member = world.users["member"]
    fifth, fourth = services.add_classes(
        member,
        school=school_a,
        classes=[
            {"school_year": "2019-2020", "grade": 5, "name": "五(1)班", "students": 40},
            {"school_year": "2019-2020", "grade": 4, "name": " 四(1)班 "},
        ],
    )
    assert fourth.name == "四(1)班" and fifth.students == 40
    owed = Obligation.objects.get(kind=services.CLASS_HOURS_KIND, source_id=str(fifth.pk))
    assert owed.org_unit == world.member_unit and owed.due_date == D(2020, 7, 15)
    assert owed.subject_unit == school_a.org_unit and owed.note
    assert not Obligation.objects.filter(kind=services.CLASS_HOURS_KIND, source_id=str(fourth.pk))
    lesson = {"hours": "2", "topic": "认识毒品", "teacher_name": "李老师"}
    _one, two, _three = services.record_lessons(
        member,
        [
            {**lesson, "school_class": fifth, "date": D(2019, 10, 8)},
            {**lesson, "school_class": fifth, "date": D(2019, 11, 12)},
            {**lesson, "school_class": fifth, "date": D(2019, 12, 1)},
        ],
    )
    owed.refresh_from_db()
    assert owed.status == ObligationStatus.FULFILLED
    assert owed.fulfilled_by_id == str(two.pk)  # the lesson that reached the 4 hours
    assert AuditEvent.objects.filter(model="prevention.Lesson").count() == 3
    assert AuditEvent.objects.filter(model="prevention.SchoolClass").count() == 2
    assert chain.verify()[1] is None


def test_bad_classes_or_lessons_are_refused_and_change_nothing(world, school_a):
    member = world.users["member"]
    with pytest.raises(Refused) as caught:
        services.add_classes(
            member,
            school=school_a,
            classes=[
                {"school_year": "2019-2020", "grade": 5, "name": "五(1)班"},
                {"school_year": "2019-2020", "grade": 5, "name": "五(1)班"},
            ],
        )
    assert "name" in caught.value.errors
    assert not SchoolClass.objects.exists()
    with pytest.raises(NotAllowed):
        services.add_classes(
            world.users["township_a"],
            school=school_a,
            classes=[{"school_year": "2019-2020", "grade": 5, "name": "五(1)班"}],
        )
    (cls,) = services.add_classes(
        member, school=school_a, classes=[{"school_year": "2019-2020", "grade": 6, "name": "六"}]
    )
    with pytest.raises(Refused) as caught:
        services.record_lessons(
            member,
            [
                {
                    "school_class": cls,
                    "date": D(2019, 10, 8),
                    "hours": "9",
                    "topic": "认识毒品",
                    "teacher_name": "李老师",
                }
            ],
        )
    assert "hours" in caught.value.errors
    assert not Lesson.objects.exists()
