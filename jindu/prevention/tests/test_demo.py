import datetime

import pytest

from jindu.prevention import selectors
from jindu.prevention.demo import load_demo_prevention
from jindu.prevention.models import Activity, Lesson, SchoolClass, SurveyResponse

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_with_schools_activities_and_answers(world):
    today = datetime.date(2026, 12, 1)
    assert load_demo_prevention(today) > 0
    assert SchoolClass.objects.filter(school_year="2025-2026").exists()
    assert SchoolClass.objects.filter(school_year="2026-2027").exists()
    assert Lesson.objects.exists() and SurveyResponse.objects.exists()
    summary = selectors.class_hours_summary(world.users["office_admin"], school_year="2025-2026")
    assert summary["required_classes"] > 0
    # The demo's school account (login ``school``): the first township's junior school.
    from jindu.orgs.demo import DEMO_PASSWORD
    from jindu.prevention.models import SchoolAccount

    account = SchoolAccount.objects.select_related("school", "user").get(user__username="school")
    assert account.school.name == f"{world.township_a.name}中学"
    assert account.user.unit == world.township_a and account.user.role == "school"
    assert account.user.check_password(DEMO_PASSWORD)
    count = Activity.objects.count()
    assert load_demo_prevention(today) == 0
    assert Activity.objects.count() == count
