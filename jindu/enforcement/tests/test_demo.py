import datetime

from jindu.control import rules
from jindu.enforcement.demo import load_demo_enforcement
from jindu.enforcement.models import (
    Case,
    OutboundTrafficker,
    PlantingFinding,
    Suspect,
    Tip,
    Venue,
)
from jindu.enforcement.selectors import enforcement_kpis

TODAY = datetime.date(2026, 11, 29)


def test_demo_is_fictional_valid_and_loads_once(world, police):
    added = load_demo_enforcement(TODAY)
    assert added == Case.objects.count() > 4
    for suspect in Suspect.objects.all():
        assert rules.check_id_number(suspect.id_number, gender=suspect.gender).valid
    years = {t.arrest_date.year for t in OutboundTrafficker.objects.all()}
    assert years <= {2025, 2026}
    assert PlantingFinding.objects.count() == 1
    assert Venue.objects.exists() and Tip.objects.exists()
    indicators = {
        i.code: i for i in enforcement_kpis(world.users["office_admin"], world.county, 2026)
    }
    assert indicators["zero_planting"].met is False
    assert load_demo_enforcement(TODAY) == 0
    assert Case.objects.count() == added
