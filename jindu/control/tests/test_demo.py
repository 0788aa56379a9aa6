import datetime

import pytest

from jindu.control import rules
from jindu.control.demo import load_demo_control
from jindu.control.models import ControlOrder, Person, RiskAssessment

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 29)


def test_demo_people_are_valid_fictional_records_and_loading_twice_adds_nothing(world):
    added = load_demo_control(TODAY)
    assert added == Person.objects.count() > 40
    for person in Person.objects.all():
        check = rules.check_id_number(person.id_number, gender=person.gender, today=TODAY)
        assert check.valid, (person.pk, check)
        assert person.phone.startswith("170")
    assert RiskAssessment.objects.count() == added
    assert ControlOrder.objects.exists()
    assert load_demo_control(TODAY) == 0
    assert Person.objects.count() == added
