"""Shared test fixtures: a small county built through the services, and named personas.

Personas (after healthchecks' alice/bob): ``office_admin``, ``leader``, ``township_a`` (our
township's staff), ``township_b`` (the outsider), ``station_a`` (police station covering
township A), ``grid_a`` (a grid worker in township A), ``member`` (member-unit staff).
"""

import datetime
from dataclasses import dataclass

import pytest

PASSWORD = "Test-password-2026"


@dataclass
class World:
    county: object
    township_a: object
    township_b: object
    village_a: object
    village_b: object
    grid_a: object
    grid_a2: object
    grid_b: object
    member_unit: object
    office_unit: object
    station_a: object
    station_b: object
    position_a: object
    position_b: object
    users: dict


def build_world():
    from jindu.accounts import services as accounts
    from jindu.orgs import services as orgs

    county = orgs.create_unit(None, code="430421000000", name="测试县", kind="county")
    township_a = orgs.create_unit(
        None, code="430421100000", name="甲镇", kind="township", parent=county
    )
    township_b = orgs.create_unit(
        None, code="430421101000", name="乙乡", kind="township", parent=county
    )
    village_a = orgs.create_unit(
        None, code="430421100201", name="甲一村", kind="village", parent=township_a
    )
    village_b = orgs.create_unit(
        None, code="430421101201", name="乙一村", kind="village", parent=township_b
    )
    grid_a = orgs.create_unit(
        None, code="430421100201001", name="甲一村第一网格", kind="grid", parent=village_a
    )
    grid_a2 = orgs.create_unit(
        None, code="430421100201002", name="甲一村第二网格", kind="grid", parent=village_a
    )
    grid_b = orgs.create_unit(
        None, code="430421101201001", name="乙一村第一网格", kind="grid", parent=village_b
    )
    office_unit = orgs.create_unit(
        None, code="430421M01", name="县禁毒办", kind="member_unit", parent=county
    )
    member_unit = orgs.create_unit(
        None, code="430421M02", name="县教育局", kind="member_unit", parent=county
    )
    station_a = orgs.create_unit(
        None,
        code="430421P01",
        name="甲镇派出所",
        kind="police_station",
        parent=county,
        covers=[township_a],
    )
    station_b = orgs.create_unit(
        None,
        code="430421P02",
        name="乙乡派出所",
        kind="police_station",
        parent=county,
        covers=[township_b],
    )
    position_a = orgs.appoint(
        None,
        org_unit=township_a,
        role="first_responsible",
        holder_name="赵测试",
        title="党委书记",
        start_date=datetime.date(2019, 3, 1),
    )
    position_b = orgs.appoint(
        None,
        org_unit=township_b,
        role="first_responsible",
        holder_name="钱测试",
        title="党委书记",
        start_date=datetime.date(2020, 5, 1),
    )
    specs = {
        "office_admin": ("office_admin", office_unit),
        "leader": ("leader", county),
        "member": ("member_unit", member_unit),
        "township_a": ("township", township_a),
        "township_b": ("township", township_b),
        "station_a": ("police_station", station_a),
        "grid_a": ("grid_worker", grid_a),
    }
    users = {
        name: accounts.create_user(None, username=name, password=PASSWORD, role=role, unit=unit)
        for name, (role, unit) in specs.items()
    }
    # The township's account integrates its own system: the office granted it API access
    # (set directly: the fixture's audit trail holds only what the tests do).
    from jindu.accounts.models import User

    User.objects.filter(pk=users["township_a"].pk).update(api_access=True)
    users["township_a"].api_access = True
    return World(
        county,
        township_a,
        township_b,
        village_a,
        village_b,
        grid_a,
        grid_a2,
        grid_b,
        member_unit,
        office_unit,
        station_a,
        station_b,
        position_a,
        position_b,
        users,
    )


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time_on_sqlite():
    """On the embedded SQLite the live server shares the test's one in-memory connection with
    every request thread, so two requests at once (a picker's search while a form is posted)
    interleave their savepoints on that connection and fail at random. One request at a time
    is what that connection can serve; the non-threaded server closes each connection after
    its answer, so the browser's keep-alive connections do not hold it. PostgreSQL gives each
    thread its own connection and keeps the threaded server."""
    from django.core.servers.basehttp import WSGIServer
    from django.db import connection
    from django.test.testcases import LiveServerThread

    class OneRequestAtATime(WSGIServer):
        # The thread itself already holds the shared connection: nothing to hand on.
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)

    if connection.vendor == "sqlite":
        LiveServerThread.server_class = OneRequestAtATime
    yield


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def login(client):
    """Log the test client in as one of the world's personas (by name)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def api_as(api_client):
    def _as(user):
        from jindu.accounts.tokens import issue

        _token, raw = issue(user, name="test")
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
        return api_client

    return _as
