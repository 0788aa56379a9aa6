"""Actions on the organisation: units, their places in the tree, and leadership tenures."""

import datetime

import pytest

from jindu.audit.models import AuditAction, AuditEvent
from jindu.core.errors import NotAllowed, Refused
from jindu.orgs import services
from jindu.orgs.models import OrgUnit, Position

D = datetime.date


def events_for(obj, action=None):
    events = AuditEvent.objects.filter(model=obj._meta.label, object_id=str(obj.pk))
    return events.filter(action=action) if action else events


# --- create_unit ---------------------------------------------------------------------------


def test_create_unit_computes_level_from_kind_and_path_from_parent(world):
    admin = world.users["office_admin"]
    park = services.create_unit(
        admin, code="430421400000", name="工业园区", kind="park", parent=world.county
    )
    community = services.create_unit(
        admin, code="430421400001", name="园区社区", kind="community", parent=park
    )
    grid = services.create_unit(
        admin, code="430421400001001", name="园区社区第一网格", kind="grid", parent=community
    )
    assert park.level == "township"
    assert community.level == "village"
    assert grid.level == "grid"
    assert park.path == f"/{world.county.pk}/{park.pk}/"
    assert grid.path == f"/{world.county.pk}/{park.pk}/{community.pk}/{grid.pk}/"
    stored = OrgUnit.objects.get(pk=grid.pk)
    assert stored.path == grid.path and stored.level == "grid"
    assert grid.depth == 3


def test_a_county_is_a_root_with_its_own_path(db):
    county = services.create_unit(None, code="430422000000", name="另一县", kind="county")
    assert county.level == "county"
    assert county.parent is None
    assert county.path == f"/{county.pk}/"


def test_departments_and_stations_get_their_levels(world):
    assert world.member_unit.level == "department"
    assert world.station_a.level == "station"
    assert world.station_a.path == f"/{world.county.pk}/{world.station_a.pk}/"
    assert list(world.station_a.covers.all()) == [world.township_a]


def test_create_unit_refuses_a_bad_code_on_the_code_field(world):
    before = OrgUnit.objects.count()
    with pytest.raises(Refused) as refused:
        services.create_unit(
            world.users["office_admin"],
            code="430421100999",  # a village code is not a township code
            name="错误镇",
            kind="township",
            parent=world.county,
        )
    assert set(refused.value.errors) == {"code"}
    assert refused.value.errors["code"][0]
    assert OrgUnit.objects.count() == before


def test_create_unit_refuses_a_parent_of_the_wrong_level_on_the_parent_field(world):
    before = OrgUnit.objects.count()
    with pytest.raises(Refused) as refused:
        services.create_unit(
            world.users["office_admin"],
            code="430421000201",  # well-formed under the county's code, but a village
            name="县直属村",
            kind="village",
            parent=world.county,
        )
    assert set(refused.value.errors) == {"parent"}
    assert OrgUnit.objects.count() == before


def test_create_unit_refuses_a_township_without_a_parent(world):
    with pytest.raises(Refused) as refused:
        services.create_unit(None, code="430421105000", name="无上级镇", kind="township")
    assert "parent" in refused.value.errors


def test_create_unit_refuses_a_duplicate_code_on_the_code_field(world):
    with pytest.raises(Refused) as refused:
        services.create_unit(
            world.users["office_admin"],
            code=world.village_a.code,
            name="重复村",
            kind="village",
            parent=world.township_a,
        )
    assert set(refused.value.errors) == {"code"}
    assert OrgUnit.objects.filter(code=world.village_a.code).count() == 1


def test_create_unit_refuses_an_empty_name_on_the_name_field(world):
    with pytest.raises(Refused) as refused:
        services.create_unit(
            None, code="430421100202", name="   ", kind="village", parent=world.township_a
        )
    assert set(refused.value.errors) == {"name"}


def test_only_stations_cover_townships(world):
    with pytest.raises(Refused) as refused:
        services.create_unit(
            None,
            code="430421M09",
            name="某局",
            kind="member_unit",
            parent=world.county,
            covers=[world.township_a],
        )
    assert "covers" in refused.value.errors
    assert not OrgUnit.objects.filter(code="430421M09").exists()


# --- update_unit ---------------------------------------------------------------------------


def test_moving_a_village_to_another_township_rewrites_its_grids_paths(world):
    admin = world.users["office_admin"]
    village = services.update_unit(
        admin, world.village_a, parent=world.township_b, code="430421101202"
    )
    assert village.path == f"{world.township_b.path}{village.pk}/"
    for grid in (world.grid_a, world.grid_a2):
        grid.refresh_from_db()
        assert grid.path == f"{world.township_b.path}{village.pk}/{grid.pk}/"
    # Jurisdiction follows the path: the grids now belong to township B's staff.
    township_b_sees = set(OrgUnit.objects.restrict(world.users["township_b"]))
    township_a_sees = set(OrgUnit.objects.restrict(world.users["township_a"]))
    assert {village, world.grid_a, world.grid_a2} <= township_b_sees
    assert township_a_sees == {world.township_a}
    assert world.grid_b.path.startswith(world.township_b.path)  # untouched


def test_moving_a_village_keeps_its_code_rules(world):
    """A village's code carries its township's digits; moving it needs a matching code."""
    with pytest.raises(Refused) as refused:
        services.update_unit(world.users["office_admin"], world.village_a, parent=world.township_b)
    assert "code" in refused.value.errors
    world.grid_a.refresh_from_db()
    assert world.grid_a.path.startswith(world.township_a.path)


def test_a_unit_cannot_be_moved_under_its_own_subtree(world):
    with pytest.raises(Refused):
        services.update_unit(None, world.township_a, parent=world.village_a)
    world.township_a.refresh_from_db()
    assert world.township_a.parent_id == world.county.pk


def test_renaming_a_township_without_covers_succeeds(world):
    unit = services.update_unit(world.users["office_admin"], world.township_a, name="甲镇（新）")
    assert OrgUnit.objects.get(pk=unit.pk).name == "甲镇（新）"


def test_an_empty_covers_list_on_a_township_is_not_a_station_coverage_change(world):
    """The unit form always sends ``covers`` (empty for a township): that is no change."""
    unit = services.update_unit(
        world.users["office_admin"], world.township_a, name="甲镇二", covers=OrgUnit.objects.none()
    )
    assert unit.name == "甲镇二"


def test_set_coverage_changes_what_a_station_covers(world):
    services.set_coverage(
        world.users["office_admin"], world.station_a, [world.township_a, world.township_b]
    )
    assert set(world.station_a.covers.all()) == {world.township_a, world.township_b}
    event = events_for(world.station_a, AuditAction.UPDATE).get()
    assert event.changes["covers"] == [
        [world.township_a.pk],
        sorted([world.township_a.pk, world.township_b.pk]),
    ]


# --- appoint -------------------------------------------------------------------------------


def test_a_new_holder_closes_the_previous_tenure_the_day_before_and_history_is_kept(world):
    admin = world.users["office_admin"]
    new = services.appoint(
        admin,
        org_unit=world.township_a,
        role="first_responsible",
        holder_name="孙新任",
        title="党委书记",
        start_date=D(2024, 6, 1),
    )
    previous = Position.objects.get(pk=world.position_a.pk)
    assert previous.end_date == D(2024, 5, 31)
    assert previous.holder_name == "赵测试"
    assert new.end_date is None
    tenures = Position.objects.filter(org_unit=world.township_a, role="first_responsible")
    assert tenures.count() == 2
    on = Position.objects.filter(org_unit=world.township_a, role="first_responsible").current
    assert [p.holder_name for p in on(D(2024, 5, 31))] == ["赵测试"]
    assert [p.holder_name for p in on(D(2024, 6, 1))] == ["孙新任"]


def test_appointing_to_another_role_does_not_close_the_first_responsible(world):
    services.appoint(
        world.users["office_admin"],
        org_unit=world.township_a,
        role="direct_responsible",
        holder_name="李分管",
        start_date=D(2024, 6, 1),
    )
    assert Position.objects.get(pk=world.position_a.pk).end_date is None


@pytest.mark.parametrize(
    "start",
    [
        pytest.param(D(2019, 3, 1), id="same-day-as-current-holder"),
        pytest.param(D(2018, 1, 1), id="open-tenure-before-current-holder"),
    ],
)
def test_appoint_refuses_a_start_on_or_before_the_current_holders_start(world, start):
    with pytest.raises(Refused) as refused:
        services.appoint(
            world.users["office_admin"],
            org_unit=world.township_a,
            role="first_responsible",
            holder_name="孙新任",
            start_date=start,
        )
    assert "start_date" in refused.value.errors
    assert Position.objects.get(pk=world.position_a.pk).end_date is None
    assert not Position.objects.filter(holder_name="孙新任").exists()


def test_a_refused_appointment_leaves_the_current_tenure_open(world):
    with pytest.raises(Refused) as refused:
        services.appoint(
            world.users["office_admin"],
            org_unit=world.township_a,
            role="first_responsible",
            holder_name="  ",
            start_date=D(2024, 6, 1),
        )
    assert "holder_name" in refused.value.errors
    assert Position.objects.get(pk=world.position_a.pk).end_date is None


def test_a_historic_tenure_that_fits_before_the_current_one_is_recorded(world):
    historic = services.appoint(
        world.users["office_admin"],
        org_unit=world.township_a,
        role="first_responsible",
        holder_name="周前任",
        start_date=D(2015, 1, 1),
        end_date=D(2019, 2, 28),
    )
    assert historic.pk
    assert Position.objects.get(pk=world.position_a.pk).end_date is None


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param(D(2016, 6, 1), D(2017, 6, 30), id="inside-an-earlier-tenure"),
        pytest.param(D(2014, 1, 1), D(2015, 1, 1), id="ending-on-its-first-day"),
        pytest.param(D(2018, 1, 1), D(2019, 3, 1), id="ending-on-the-current-start"),
    ],
)
def test_appoint_refuses_overlapping_historic_tenures(world, start, end):
    admin = world.users["office_admin"]
    services.appoint(
        admin,
        org_unit=world.township_a,
        role="first_responsible",
        holder_name="周前任",
        start_date=D(2015, 1, 1),
        end_date=D(2017, 12, 31),
    )
    with pytest.raises(Refused) as refused:
        services.appoint(
            admin,
            org_unit=world.township_a,
            role="first_responsible",
            holder_name="吴重叠",
            start_date=start,
            end_date=end,
        )
    assert "start_date" in refused.value.errors
    assert not Position.objects.filter(holder_name="吴重叠").exists()


def test_appoint_refuses_a_tenure_ending_before_it_starts(world):
    with pytest.raises(Refused) as refused:
        services.appoint(
            None,
            org_unit=world.township_b,
            role="direct_responsible",
            holder_name="郑倒序",
            start_date=D(2020, 1, 1),
            end_date=D(2019, 1, 1),
        )
    assert "end_date" in refused.value.errors


def test_update_position_refuses_to_overlap_the_next_holder(world):
    admin = world.users["office_admin"]
    services.appoint(
        admin,
        org_unit=world.township_a,
        role="first_responsible",
        holder_name="孙新任",
        start_date=D(2024, 6, 1),
    )
    with pytest.raises(Refused) as refused:
        services.update_position(admin, world.position_a, end_date=D(2024, 7, 1))
    assert "start_date" in refused.value.errors
    assert Position.objects.get(pk=world.position_a.pk).end_date == D(2024, 5, 31)


# --- who may act ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["leader", "township_a", "station_a", "member", "grid_a"])
def test_a_non_office_actor_may_not_change_the_organisation(world, persona):
    actor = world.users[persona]
    with pytest.raises(NotAllowed):
        services.create_unit(
            actor, code="430421100202", name="甲二村", kind="village", parent=world.township_a
        )
    with pytest.raises(NotAllowed):
        services.update_unit(actor, world.township_a, name="改名")
    with pytest.raises(NotAllowed):
        services.appoint(
            actor,
            org_unit=world.township_a,
            role="first_responsible",
            holder_name="越权",
            start_date=D(2024, 6, 1),
        )
    with pytest.raises(NotAllowed):
        services.update_position(actor, world.position_a, title="越权")
    assert not OrgUnit.objects.filter(code="430421100202").exists()
    assert OrgUnit.objects.get(pk=world.township_a.pk).name == "甲镇"
    assert not Position.objects.filter(holder_name="越权").exists()


# --- the audit trail -----------------------------------------------------------------------


def test_creating_a_unit_writes_an_audit_event_with_the_new_values(world):
    admin = world.users["office_admin"]
    unit = services.create_unit(
        admin, code="430421100202", name="甲二村", kind="village", parent=world.township_a
    )
    event = events_for(unit, AuditAction.CREATE).get()
    assert event.actor == admin
    assert event.actor_name == "office_admin"
    assert event.changes["code"] == [None, "430421100202"]
    assert event.changes["name"] == [None, "甲二村"]
    assert event.changes["parent"] == [None, world.township_a.pk]
    assert event.changes["path"] == [None, unit.path]


def test_updating_a_unit_writes_an_audit_event_with_before_and_after(world):
    admin = world.users["office_admin"]
    services.update_unit(admin, world.township_a, name="甲镇（新）", phone="0734-1234567")
    event = events_for(world.township_a, AuditAction.UPDATE).get()
    assert event.actor == admin
    assert event.changes == {"name": ["甲镇", "甲镇（新）"], "phone": ["", "0734-1234567"]}


def test_an_update_that_changes_nothing_writes_no_event(world):
    services.update_unit(world.users["office_admin"], world.township_a, name="甲镇")
    assert not events_for(world.township_a, AuditAction.UPDATE).exists()


def test_moving_a_village_records_the_old_and_new_parent_and_code(world):
    services.update_unit(
        world.users["office_admin"], world.village_a, parent=world.township_b, code="430421101202"
    )
    changes = events_for(world.village_a, AuditAction.UPDATE).get().changes
    assert changes["parent"] == [world.township_a.pk, world.township_b.pk]
    assert changes["code"] == ["430421100201", "430421101202"]


def test_appointments_write_create_and_update_events(world):
    admin = world.users["office_admin"]
    new = services.appoint(
        admin,
        org_unit=world.township_a,
        role="first_responsible",
        holder_name="孙新任",
        start_date=D(2024, 6, 1),
    )
    created = events_for(new, AuditAction.CREATE).get()
    assert created.actor == admin
    assert created.changes["holder_name"] == [None, "孙新任"]
    assert created.changes["start_date"] == [None, "2024-06-01"]
    closed = events_for(world.position_a, AuditAction.UPDATE).get()
    assert closed.changes == {"end_date": [None, "2024-05-31"]}

    services.update_position(admin, new, title="党委书记")
    edited = events_for(new, AuditAction.UPDATE).get()
    assert edited.changes == {"title": ["", "党委书记"]}


def test_moving_a_village_re_codes_its_grids_to_match(world):
    from jindu.orgs import services as org_services
    from jindu.orgs.rules import code_problem

    org_services.update_unit(None, world.village_a, parent=world.township_b, code="430421101202")
    for grid in (world.grid_a, world.grid_a2):
        grid.refresh_from_db()
        assert grid.code.startswith("430421101202")
        assert code_problem("grid", grid.code, "430421101202") is None
