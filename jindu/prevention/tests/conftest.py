import datetime

import pytest


@pytest.fixture
def school_a(world):
    from jindu.prevention import services

    return services.register_school(
        world.users["member"], name="甲镇中心小学", org_unit=world.village_a, stage="primary"
    )


@pytest.fixture
def school_b(world):
    from jindu.prevention import services

    return services.register_school(
        world.users["member"], name="乙乡中学", org_unit=world.township_b, stage="junior"
    )


@pytest.fixture
def survey(world):
    from jindu.prevention import services

    return services.create_survey(
        world.users["office_admin"],
        title="2019年群众禁毒工作满意度调查",
        period_start=datetime.date(2019, 1, 1),
        period_end=datetime.date(2030, 12, 31),
    )


ANSWERS = {"overall": 5, "safety": 4, "publicity_seen": 2, "know_report": 1}


@pytest.fixture(autouse=True)
def empty_cache():
    """The public page counts answers per connection in the cache; tests start from none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
