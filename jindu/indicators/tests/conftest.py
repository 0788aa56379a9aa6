import datetime

import pytest

D = datetime.date


@pytest.fixture
def organised(world):
    return organise(world)


def organise(world):
    """Township A organised as the Plan asks (letters, leading group, 一把手 while listed);
    township B not at all. Fictional names only."""
    from jindu.orgs import services as orgs
    from jindu.rectification.models import Designation
    from jindu.supervision.models import ResponsibilityLetter

    year = datetime.date.today().year
    ResponsibilityLetter.objects.create(
        year=year, upper_unit=world.county, lower_unit=world.township_a, signed_on=D(year, 1, 5)
    )
    ResponsibilityLetter.objects.create(
        year=year, upper_unit=world.township_a, lower_unit=world.village_a, signed_on=D(year, 1, 9)
    )
    orgs.appoint(
        None,
        org_unit=world.township_a,
        role="committee_director",
        holder_name="赵测试",
        title="党委书记",
        start_date=D(2019, 3, 1),
    )
    orgs.appoint(
        None,
        org_unit=world.township_a,
        role="office_director",
        holder_name="孙测试",
        title="禁毒办主任",
        start_date=D(2019, 3, 1),
    )
    Designation.objects.create(
        org_unit=world.township_a,
        policy_id="hengyang-2018",
        level="key_rectification",
        categories=[],
        source="office_proposal",
        status="active",
        listed_date=D(year, 1, 2),
        period_start=D(year, 1, 2),
        due_date=D(year + 1, 1, 1),
    )
    return world
