import datetime

import pytest

from conftest import PASSWORD


@pytest.fixture
def police(world):
    """The county police bureau (县公安局) as a member unit marked as the police authority
    for the county, and one of its staff."""
    from jindu.accounts import services as accounts
    from jindu.enforcement import services
    from jindu.orgs import services as orgs

    bureau = orgs.create_unit(
        None, code="430421M03", name="县公安局", kind="member_unit", parent=world.county
    )
    services.set_police_authority(None, unit=bureau, area=world.county)
    user = accounts.create_user(
        None, username="gongan", password=PASSWORD, role="member_unit", unit=bureau
    )
    world.users["gongan"] = user
    world.police_bureau = bureau
    return user


@pytest.fixture
def case_a(world, police):
    from jindu.enforcement import services

    return services.record_case(
        world.users["station_a"],
        number="甲公(禁)立字[2025]001号",
        kind="criminal",
        offence="trafficking",
        filed_date=datetime.date(2025, 3, 1),
        solved_date=datetime.date(2025, 3, 10),
        org_unit=world.township_a,
        flags=["zero_pack"],
    )


@pytest.fixture
def case_b(world, police):
    from jindu.enforcement import services

    return services.record_case(
        police,
        number="乙公(禁)立字[2025]001号",
        kind="criminal",
        offence="accommodating",
        filed_date=datetime.date(2025, 4, 1),
        solved_date=datetime.date(2025, 4, 2),
        org_unit=world.township_b,
    )
