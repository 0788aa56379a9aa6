"""The demo county loader: shape of the county, valid codes, positions, idempotence, logins.

Loading takes a few seconds, so the county is loaded once for the module inside a
transaction that is rolled back afterwards; each test runs in its own savepoint within it.
"""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory

from jindu.accounts.models import User
from jindu.audit.models import AuditEvent
from jindu.orgs import demo, rules
from jindu.orgs.models import OrgUnit, Position, PositionRole, UnitKind, UnitLevel

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        result = demo.load_demo()
        yield result
        transaction.set_rollback(True)


def _counts():
    return (
        OrgUnit.objects.count(),
        Position.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
        sorted(Position.objects.filter(end_date__isnull=False).values_list("pk", "end_date")),
    )


def test_plan_is_deterministic():
    assert demo.build_plan() == demo.build_plan()


def test_county_has_26_township_level_units_including_one_park(loaded):
    county = OrgUnit.objects.get(code=demo.COUNTY_CODE)
    assert county.name == "衡阳县" and county.kind == UnitKind.COUNTY
    townships = OrgUnit.objects.townships()
    assert townships.count() == 26
    assert all(t.parent_id == county.pk for t in townships)
    park = townships.get(kind=UnitKind.PARK)
    assert park.name == "界牌园区" and park.code == "430421400000"


def test_every_township_has_15_to_25_villages_and_villages_have_grids(loaded):
    for township in OrgUnit.objects.townships():
        villages = township.children.all()
        assert 15 <= villages.count() <= 25, township.name
        assert {v.level for v in villages} == {UnitLevel.VILLAGE}
    for village in OrgUnit.objects.filter(level=UnitLevel.VILLAGE):
        assert 2 <= village.children.filter(kind=UnitKind.GRID).count() <= 4, village.name


def test_all_codes_are_valid(loaded):
    units = OrgUnit.objects.select_related("parent")
    assert units.count() == len(demo.build_plan().units)
    for unit in units:
        parent_code = unit.parent.code if unit.parent else None
        assert rules.code_problem(unit.kind, unit.code, parent_code) is None, unit.code
        assert rules.parent_problem(unit.kind, unit.parent.level if unit.parent else None) is None


def test_member_units_and_stations(loaded):
    members = OrgUnit.objects.member_units().order_by("code")
    assert members.count() == len(demo.MEMBER_UNITS)
    assert members.first().code == "430421M01" and members.first().name == "县禁毒委员会办公室"
    covered = set()
    for station in OrgUnit.objects.filter(kind=UnitKind.POLICE_STATION):
        covers = list(station.covers.all())
        assert 1 <= len(covers) <= 2
        assert station.name == demo._short(covers[0].name) + "派出所"
        covered.update(t.pk for t in covers)
    assert covered == set(OrgUnit.objects.townships().values_list("pk", flat=True))
    for office in OrgUnit.objects.filter(kind=UnitKind.JUDICIAL_OFFICE):
        assert office.covers.count() == 1
        assert office.name == demo._short(office.covers.get().name) + "司法所"


def test_every_township_has_one_current_first_and_direct_responsible(loaded):
    for township in OrgUnit.objects.townships():
        current = Position.objects.filter(org_unit=township).current()
        for role in (PositionRole.FIRST_RESPONSIBLE, PositionRole.DIRECT_RESPONSIBLE):
            assert current.filter(role=role).count() == 1, (township.name, role)
            open_tenures = Position.objects.filter(org_unit=township, role=role, end_date=None)
            assert open_tenures.count() == 1, (township.name, role)


def test_committee_director_is_the_secretary_in_most_townships_but_not_all(loaded):
    same, different = 0, 0
    for township in OrgUnit.objects.townships():
        current = Position.objects.filter(org_unit=township).current()
        secretary = current.get(role=PositionRole.FIRST_RESPONSIBLE).holder_name
        director = current.get(role=PositionRole.COMMITTEE_DIRECTOR).holder_name
        if director == secretary:
            same += 1
        else:
            different += 1
    assert 3 <= different <= 4
    assert same == 26 - different


def test_some_units_have_ended_tenures_before_the_current_holder(loaded):
    ended = Position.objects.filter(end_date__isnull=False)
    assert ended.exists()
    for position in ended[:50]:
        successor = Position.objects.get(
            org_unit=position.org_unit, role=position.role, start_date__gt=position.start_date
        )
        assert (successor.start_date - position.end_date).days == 1


def test_every_row_has_an_audit_record(loaded):
    created = AuditEvent.objects.filter(action="create")
    assert created.filter(model="orgs.OrgUnit").count() == OrgUnit.objects.count()
    assert created.filter(model="orgs.Position").count() == Position.objects.count()
    assert created.filter(model="accounts.User").count() == User.objects.count()


def test_loading_twice_changes_nothing(loaded):
    before = _counts()
    result = demo.load_demo()
    assert not result.created and not result.conflicts
    assert _counts() == before


def test_every_demo_user_can_log_in_with_the_demo_password(loaded):
    plan = demo.build_plan()
    assert [u.username for u in plan.users] == [
        "office",
        "leader",
        "gongan",
        "township",
        "township2",
        "station",
        "grid",
        "school",
    ]
    for spec in plan.users:
        if spec.bound:
            continue  # the school account: made by prevention's demo, bound to a school
        request = RequestFactory().post("/login/")
        user = authenticate(request, username=spec.username, password=demo.DEMO_PASSWORD)
        assert user is not None, spec.username
        assert user.role == spec.role and user.unit.code == spec.unit_code
        assert not user.is_superuser
    first = OrgUnit.objects.get(code=demo.township_code(0))
    assert User.objects.get(username="station").unit.covers.filter(pk=first.pk).exists()
    assert User.objects.get(username="grid").unit.path.startswith(first.path)
    assert User.objects.get(username="gongan").unit.name == "县公安局"


def test_command_prints_summary_and_logins(loaded, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "created: nothing" in out
    assert "township2" in out and demo.DEMO_PASSWORD in out
    call_command("load_demo", "--logins-only")
    out = capsys.readouterr().out
    assert "乡镇（园区）工作人员" in out and "created" not in out
