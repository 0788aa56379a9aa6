"""The bulk actions (create_units, appoint_many, accounts.create_users) behave as their
one-row counterparts: same checks, same tree, same succession, every row audited, and the
audit trail's batch writer keeps the chain intact."""

import datetime

import pytest
from django.db import transaction

from jindu.accounts import services as accounts
from jindu.audit import chain
from jindu.audit import services as audit
from jindu.audit.models import AuditAction, AuditEvent
from jindu.core.errors import NotAllowed, Refused
from jindu.orgs import services
from jindu.orgs.models import OrgUnit, Position

D = datetime.date
U = services.NewUnit


def test_create_units_builds_the_tree_level_by_level_and_audits_each(world):
    admin = world.users["office_admin"]
    new = services.create_units(
        admin,
        [
            U("430421102000", "丙镇", "township", world.county.code),
            U("430421102201", "丙一村", "village", "430421102000"),
            U("430421102201001", "丙一村第一网格", "grid", "430421102201"),
            U("430421P09", "丙镇派出所", "police_station", world.county.code, 9, ("430421102000",)),
        ],
    )
    grid = OrgUnit.objects.get(code="430421102201001")
    township = new["430421102000"]
    village = new["430421102201"]
    assert grid.path == f"/{world.county.pk}/{township.pk}/{village.pk}/{grid.pk}/"
    assert grid.level == "grid" and grid.search_key  # pinyin initials as save() computes them
    assert list(new["430421P09"].covers.all()) == [township]
    for unit in new.values():
        event = AuditEvent.objects.get(model="orgs.OrgUnit", object_id=str(unit.pk))
        assert event.action == AuditAction.CREATE and event.actor_name == admin.username
    station_event = AuditEvent.objects.get(object_id=str(new["430421P09"].pk), model="orgs.OrgUnit")
    assert station_event.changes["covers"] == [None, [township.pk]]


@pytest.mark.parametrize(
    "bad, field_text",
    [
        (U("430421100000", "重复镇", "township", "430421000000"), "430421100000"),  # code taken
        (U("430421103201", "孤村", "village", "430421103000"), "430421103000"),  # no parent
        (U("430421102201", "村在县下", "village", "430421000000"), "430421102201"),  # wrong level
        (U("430421102000", "  ", "township", "430421000000"), "430421102000"),  # no name
        (U("430421M09", "某局", "member_unit", "430421000000", 0, ("430421100000",)), "430421M09"),
    ],
)
def test_create_units_refuses_the_whole_list_naming_the_unit(world, bad, field_text):
    admin = world.users["office_admin"]
    good = U("430421104000", "丁镇", "township", world.county.code)
    before = OrgUnit.objects.count()
    with pytest.raises(Refused) as exc:
        services.create_units(admin, [good, bad])
    assert field_text in str(exc.value.message)
    assert OrgUnit.objects.count() == before


def test_create_units_is_for_the_office(world):
    with pytest.raises(NotAllowed):
        services.create_units(
            world.users["township_a"], [U("430421104000", "丁镇", "township", "430421000000")]
        )


def test_appoint_many_succeeds_open_tenures_as_appoint_does(world):
    unit = world.village_a
    P = services.NewPosition
    created, refused = services.appoint_many(
        None,
        [
            P(unit, "first_responsible", "张一", D(2020, 1, 1)),
            P(unit, "first_responsible", "李二", D(2023, 3, 1)),
            P(unit, "direct_responsible", "王三", D(2022, 5, 1)),
        ],
    )
    assert refused == []
    tenures = {
        p.holder_name: p
        for p in Position.objects.filter(org_unit=unit, holder_name__in=["张一", "李二", "王三"])
    }
    assert tenures["张一"].end_date == D(2023, 2, 28)
    assert tenures["李二"].end_date is None and tenures["王三"].end_date is None
    assert all(p.search_key for p in tenures.values())
    assert (
        AuditEvent.objects.filter(
            model="orgs.Position",
            action=AuditAction.CREATE,
            object_id__in=[str(p.pk) for p in created],
        ).count()
        == 3
    )


def test_appoint_many_refuses_an_overlap_or_skips_it_when_asked(world):
    unit = world.village_a
    P = services.NewPosition
    services.appoint_many(None, [P(unit, "first_responsible", "张一", D(2024, 1, 1))])
    overlapping = [
        P(unit, "first_responsible", "赵四", D(2023, 1, 1), end_date=D(2024, 6, 30)),
        P(unit, "first_responsible", "", D(2025, 1, 1)),
    ]
    count = Position.objects.count()
    with pytest.raises(Refused):
        services.appoint_many(None, overlapping)
    assert Position.objects.count() == count
    created, refused = services.appoint_many(None, overlapping, skip_refused=True)
    assert created == []
    assert [r[0].holder_name for r in refused] == ["赵四", ""]
    assert "张一" in refused[0][1]


def test_create_users_hashes_one_password_once_and_checks_each(world):
    admin = world.users["office_admin"]
    users = accounts.create_users(
        admin,
        [
            {"username": "bulk1", "role": "township", "unit": world.township_a},
            {"username": "bulk2", "role": "township", "unit": world.township_a, "api_access": True},
        ],
        password="Jindu-demo-2026!",
    )
    assert users[0].check_password("Jindu-demo-2026!") and users[1].api_access
    assert users[0].must_change_password  # chosen by someone else: changed at first login
    with pytest.raises(Refused) as exc:
        accounts.create_users(
            admin,
            [{"username": "bulk3", "role": "township", "unit": world.township_a}],
            password="123",
        )
    assert exc.value.errors["password"]
    with pytest.raises(Refused):
        accounts.create_users(
            admin, [{"username": "BULK1", "role": "leader"}], password="Jindu-demo-2026!"
        )


def test_batched_audit_events_form_the_same_unbroken_chain(world):
    before = AuditEvent.objects.count()
    with transaction.atomic(), audit.batched():
        services.create_units(None, [U("430421104000", "丁镇", "township", world.county.code)])
        services.appoint(
            None,
            org_unit=world.township_a,
            role="first_responsible",
            holder_name="钱五",
            start_date=D(2026, 1, 5),
        )
        assert AuditEvent.objects.count() == before  # written at the end of the batch
    assert AuditEvent.objects.count() >= before + 2
    checked, broken = chain.verify()
    assert broken is None and checked == AuditEvent.objects.count()


def test_batched_audit_writes_nothing_when_the_action_fails(world):
    before = AuditEvent.objects.count()
    with pytest.raises(Refused), transaction.atomic(), audit.batched():
        services.create_units(None, [U("430421104000", "丁镇", "township", world.county.code)])
        services.create_units(None, [U("430421104000", "丁镇", "township", world.county.code)])
    assert AuditEvent.objects.count() == before
    assert not OrgUnit.objects.filter(code="430421104000").exists()


def test_batched_audit_needs_a_transaction(transactional_db):
    with pytest.raises(RuntimeError), audit.batched():
        pass
