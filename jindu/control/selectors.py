"""Read side of people under control: the five targets of 方案一（三） for an org unit's
subtree and a period, the people behind each number, and test schedules.

The targets are counted in the database, read on one as-of date (the period's end, or today
while it runs): one statement over persons and one over the orders decided in the period,
whatever the number of people (``asof``: the statements, their shape and why; plus, on
PostgreSQL, switching JIT off for that transaction: compiling took longer than running). The
definitions are the policy file's; ``rules.control_indicators`` computes the same from plain
facts and the tests hold the two together. Figures at province scale: bench/README.md.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from jindu.accounts.roles import Role
from jindu.core.scoping import VIEW, scope_for
from jindu.orgs.models import OrgUnit, UnitLevel
from jindu.orgs.subtrees import owners_of

from . import asof, rules
from .models import (
    COMMUNITY_KINDS,
    ControlAssignment,
    ControlOrder,
    FileAccess,
    FollowUp,
    Person,
    RelapseReport,
    SickDisabled,
    TestResult,
    UrineTest,
)
from .policy import control_policy

# Where a person lives: a village or community, or a grid within one.
RESIDENCE_LEVELS = (UnitLevel.VILLAGE, UnitLevel.GRID)

PERSON_TARGETS = (
    "medium_high_risk_control_rate",
    "sick_disabled_admission_rate",
    "not_executed_control_rate",
)
ORDER_TARGETS = ("community_execution_rate", "compulsory_isolation_execution_rate")
DRILL = ("numerator", "denominator", "gap", "pending")
# The units a target may be asked for: the county, a township or a village (people live in
# villages; a grid is too small for a rate).
KPI_UNIT_LEVELS = (UnitLevel.COUNTY, UnitLevel.TOWNSHIP, UnitLevel.VILLAGE)


@dataclass(frozen=True)
class Period:
    unit: OrgUnit
    date_from: datetime.date
    date_to: datetime.date


def persons_in(user, unit: OrgUnit) -> QuerySet:
    """Persons living in ``unit``'s subtree that ``user`` may see."""
    return Person.objects.restrict(user, VIEW).filter(residence_unit__path__startswith=unit.path)


def as_of_date(date_to: datetime.date) -> datetime.date:
    """The date the targets of a period ending ``date_to`` are read on (``rules.as_of_date``):
    its end, or today while it runs."""
    from django.utils import timezone

    return rules.as_of_date(date_to, timezone.localdate())


@contextmanager
def _without_jit():
    """On PostgreSQL, run the block with just-in-time compilation off. The planner's cost
    estimate for the targets' statements at province scale is far above the JIT thresholds,
    and compiling takes longer than running them. Off until the end of the transaction
    (``SET LOCAL``): this block's own when it opens one, else the caller's (no savepoint: it
    only reads)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def _indicators(counts: dict[str, int]) -> list[rules.Indicator]:
    policy = control_policy()
    return [
        rules.indicator(
            policy,
            t.code,
            counts.get(f"{t.code}__num", 0),
            counts.get(f"{t.code}__den", 0),
            counts.get(f"{t.code}__pending", 0),
        )
        for t in policy.targets
    ]


def control_kpis(
    user, unit: OrgUnit, date_from: datetime.date, date_to: datetime.date
) -> list[rules.Indicator]:
    """The five targets for ``unit``'s subtree over the period, as ``user`` may see them, read
    on the period's as-of date (``as_of_date``; the statements: ``asof``). Two statements."""
    with _without_jit():
        counts = asof.counts(user, unit, date_from, as_of_date(date_to))
    return _indicators(counts)


def control_kpis_by_unit(
    user, unit: OrgUnit, date_from: datetime.date, date_to: datetime.date
) -> dict[int, dict[str, int]]:
    """The parts of the five targets per unit the people lived in on the as-of date (the
    page's per-township table sums them by subtree). Two statements."""
    with _without_jit():
        return asof.counts_by_unit(user, unit, date_from, as_of_date(date_to))


def control_kpis_for_units(
    user, units: list[OrgUnit], date_from: datetime.date, date_to: datetime.date
) -> dict[int, list[rules.Indicator]]:
    """``control_kpis`` of each of ``units`` (e.g. the townships a refresh recomputes) in one
    statement: the parts per as-of residence unit, summed to every unit whose subtree holds
    it. The same facts as ``control_kpis``, so a unit's figure is the same either way."""
    units = list({u.pk: u for u in units}.values())
    parts = dict.fromkeys((*asof.PERSON_PARTS, *asof.ORDER_PARTS), 0)
    totals = {u.pk: dict(parts) for u in units}
    if units:
        with _without_jit():
            by_unit = asof.counts_by_unit(user, units, date_from, as_of_date(date_to))
        paths = dict(OrgUnit.objects.filter(pk__in=by_unit).values_list("pk", "path"))
        owners = owners_of(units)
        for unit_id, counts in by_unit.items():
            for owner in owners(paths.get(unit_id)):
                for key, value in counts.items():
                    totals[owner][key] += value
    return {pk: _indicators(counts) for pk, counts in totals.items()}


def kpi_units(user) -> QuerySet:
    """The units whose targets ``user`` may ask for on the page (and its picker): the
    geographic units in scope down to villages, and the county for the roles the scoping
    narrows to parts of it (the office, leaders and police stations see its whole figure)."""
    units = OrgUnit.objects.restrict(user, VIEW).filter(level__in=KPI_UNIT_LEVELS)
    if scope_for(user).role in (Role.OFFICE_ADMIN, Role.LEADER, Role.POLICE_STATION):
        units = units | OrgUnit.objects.filter(parent__isnull=True, level=UnitLevel.COUNTY)
    return units.distinct().order_by("path")


def default_kpi_unit(user) -> OrgUnit | None:
    """The unit the targets open on: the user's own (a township, a county leader) when it is
    one of ``kpi_units``, else the county."""
    units = kpi_units(user)
    if user.unit_id and user.unit.level in KPI_UNIT_LEVELS:
        own = units.filter(pk=user.unit_id).first()
        if own is not None:
            return own
    return units.filter(parent__isnull=True).first() or units.first()


def kpi_breakdown(
    user, unit: OrgUnit, date_from: datetime.date, date_to: datetime.date
) -> list[tuple[OrgUnit, list[rules.Indicator]]]:
    """Each direct child of ``unit`` the user may see, with its five targets
    (``control_kpis_for_units``: one grouped count, whatever the number of children)."""
    children = list(
        OrgUnit.objects.restrict(user, VIEW)
        .filter(parent=unit, level__in=(UnitLevel.TOWNSHIP, UnitLevel.VILLAGE, UnitLevel.GRID))
        .order_by("sort_order", "path")
    )
    figures = control_kpis_for_units(user, children, date_from, date_to)
    return [(child, figures[child.pk]) for child in children]


def indicators_of(counts: dict[str, int]) -> list[rules.Indicator]:
    """The five indicators from summed parts (``control_kpis_by_unit``)."""
    return _indicators(counts)


def kpi_people(
    user,
    unit: OrgUnit,
    date_from: datetime.date,
    date_to: datetime.date,
    code: str,
    which: str = "denominator",
) -> QuerySet:
    """The persons behind one number: the ``denominator``, the ``numerator``, the ``gap``
    between them (those not yet counted as met), or the ``pending`` (community orders whose
    15 days to report have not run out on the as-of date; none for the other targets).
    A lazy queryset, scoped to ``user``, of the people who lived in the subtree on the
    as-of date."""
    from django.db.models.expressions import RawSQL

    if which not in DRILL:
        raise ValueError(which)
    end = as_of_date(date_to)
    if code in PERSON_TARGETS:
        facts, key = asof.person_facts(user, unit, end), "id"
    elif code in ORDER_TARGETS:
        facts, key = asof.order_facts(user, unit, date_from, end), "person_id"
    else:
        raise ValueError(code)
    if facts is None:
        return Person.objects.none()
    condition = {
        "denominator": f"{code}__den = 1",
        "numerator": f"{code}__num = 1",
        "gap": f"{code}__den = 1 AND {code}__num = 0",
        "pending": f"{code}__pending = 1" if code == "community_execution_rate" else "1 = 0",
    }[which]
    sql, params = facts.select(f"SELECT {key} FROM f WHERE {condition}")
    return Person.objects.restrict(user, VIEW).filter(pk__in=RawSQL(sql, params))


# ---------------------------------------------------------------- a person's file


def abstinence_of(person: Person, on: datetime.date) -> rules.AbstinenceOutcome:
    """Where the person stands on 戒断三年未复吸 on ``on`` (``rules.abstinence`` from the
    orders and positive tests on record)."""
    orders = list(ControlOrder.objects.filter(person=person, decision_date__lte=on))
    active = any(o.end_date is None or o.end_date > on for o in orders if not o.not_executed_reason)
    ended = [o.end_date for o in orders if o.end_date and o.end_date <= on]
    positives = list(
        UrineTest.objects.filter(
            person=person, result=TestResult.POSITIVE, date__lte=on
        ).values_list("date", flat=True)
    )
    if ended:
        positives = [d for d in positives if d >= max(ended)]
    return rules.abstinence(
        control_policy(),
        measures_ended=max(ended) if ended else None,
        measure_active=active,
        positive_dates=positives,
        on=on,
    )


def person_file(user, person: Person, on: datetime.date) -> dict:
    """Everything the file's page shows of an opened file, read on ``on``: the person (with
    residence), the histories, each running order's test schedule, the relapse reports the
    user may see and the three-year abstinence review. The caller has checked that the file
    is open (the opening is what is logged)."""
    person = Person.objects.select_related("residence_unit__parent").get(pk=person.pk)
    policy = control_policy()
    tests = list(person.tests.all())
    orders = list(person.orders.select_related("continues").prefetch_related("continued_by"))
    schedules = [s for s in (schedule_of(o, tests, on) for o in orders) if s is not None]
    return {
        "person": person,
        "drug_types": [policy.code_name("drug_types", c) for c in person.drug_types],
        "status_changes": person.status_changes.all(),
        "moves": person.moves.select_related("from_unit", "to_unit"),
        "findings": person.findings.all(),
        "risks": person.risk_assessments.all(),
        "orders": orders,
        "schedules": schedules,
        "assignments": person.assignments.select_related("responsible_user"),
        "contacts": person.contacts.all(),
        "tests": tests,
        "leaves": person.leaves.all(),
        "follow_ups": person.follow_ups.select_related("test", "order"),
        "sick": person.sick_disabled.all(),
        "relapses": RelapseReport.objects.restrict(user, VIEW).filter(person=person),
        "abstinence": None if person.left_control_on else abstinence_of(person, on),
    }


# ---------------------------------------------------------------- test schedules


@dataclass(frozen=True)
class Schedule:
    order: ControlOrder
    windows: tuple[rules.WindowState, ...]

    @property
    def overdue(self) -> tuple[rules.WindowState, ...]:
        return tuple(w for w in self.windows if w.overdue)


def schedule_of(order: ControlOrder, tests, on: datetime.date) -> Schedule | None:
    """The test windows of a community order and which are done or overdue on ``on``."""
    if not order.is_community or order.reported_date is None or order.expected_end is None:
        return None
    windows = rules.schedule_windows(
        control_policy(), order.kind, order.reported_date, order.expected_end
    )
    last = order.end_date or on
    windows = [w for w in windows if w.start <= last]
    return Schedule(
        order, tuple(rules.schedule_state(windows, [(t.date, t.result) for t in tests], on))
    )


def overdue_tests(user, on: datetime.date, *, responsible=None) -> list[Schedule]:
    """Running community orders with an overdue test window, for the township (all it may
    see) or one responsible person (``responsible``: a user named on an active assignment).
    Three queries; the windows are worked out per order in Python."""
    orders = ControlOrder.objects.restrict(user, VIEW).filter(
        kind__in=COMMUNITY_KINDS,
        reported_date__isnull=False,
        end_date__isnull=True,
    )
    if responsible is not None:
        assigned = ControlAssignment.objects.filter(
            responsible_user=responsible, start_date__lte=on
        ).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        orders = orders.filter(person__in=assigned.values("person_id"))
    orders = list(orders.select_related("person"))
    tests: dict[int, list] = {}
    for test in UrineTest.objects.filter(
        person_id__in=[o.person_id for o in orders],
        result__in=[TestResult.NEGATIVE, TestResult.POSITIVE],
    ).only("person_id", "date", "result"):
        tests.setdefault(test.person_id, []).append(test)
    result = []
    for order in orders:
        schedule = schedule_of(order, tests.get(order.person_id, []), on)
        if schedule is not None and schedule.overdue:
            result.append(schedule)
    return result


# ---------------------------------------------------------------- the registry list


def person_list(
    user,
    *,
    q: str = "",
    id_number: str = "",
    id_hash: str = "",
    unit: OrgUnit | None = None,
    status: str = "",
    risk_level: str = "",
    drug_type: str = "",
    order_kind: str = "",
    assignment: str = "",
    sick: bool = False,
    on: datetime.date | None = None,
    base: QuerySet | None = None,
) -> QuerySet:
    """Persons ``user`` may see, filtered; the list page, its Excel export, the API and the
    benchmark share it. The page's columns are fetched by ``with_list_columns``.

    ``id_number`` is matched exactly through the keyed hash (or ``id_hash`` is that hash
    already), never by decrypting;
    ``assignment`` is ``"yes"`` (an assignment covers ``on``) or ``"no"``."""
    from django.db.models import TextField
    from django.db.models.functions import Cast
    from django.utils import timezone

    from . import crypto

    on = on or timezone.localdate()
    persons = (base if base is not None else Person.objects.all()).restrict(user, VIEW)
    if q:
        persons = persons.filter(name__icontains=q.strip())
    if id_number:
        persons = persons.filter(id_hash=crypto.lookup_hash(id_number.strip().upper()))
    if id_hash:
        persons = persons.filter(id_hash=id_hash)
    if unit is not None:
        persons = persons.filter(residence_unit__path__startswith=unit.path)
    if status:
        persons = persons.filter(status=status)
    if risk_level:
        persons = persons.filter(risk_level=risk_level)
    if drug_type:
        # The codes are plain ASCII, so the JSON text holds them quoted as given.
        persons = persons.annotate(drug_types_text=Cast("drug_types", TextField())).filter(
            drug_types_text__contains=f'"{drug_type}"'
        )
    if order_kind:
        running = ControlOrder.objects.filter(
            person=OuterRef("pk"), kind=order_kind, end_date__isnull=True
        ).filter(Q(reported_date__isnull=False) | Q(executed_date__isnull=False))
        persons = persons.filter(Exists(running))
    active = _active_assignments(on)
    if assignment in ("yes", "no"):
        covered = Exists(active.filter(person=OuterRef("pk")))
        persons = persons.filter(covered if assignment == "yes" else ~covered)
    if sick:
        persons = persons.filter(Exists(SickDisabled.objects.filter(person=OuterRef("pk"))))
    return persons


def _active_assignments(on: datetime.date) -> QuerySet:
    return ControlAssignment.objects.filter(start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )


def with_list_columns(persons: QuerySet, on: datetime.date | None = None) -> QuerySet:
    """The list page's and the export's columns: each person carries ``open_orders`` (not
    ended, newest first) and ``active_assignments`` (covering ``on``), so a page costs a fixed
    number of queries; of those rows only the columns shown are read. The API's rows show
    none of them and skip the two prefetches (most of its time, bench/request_profile.py)."""
    from django.db.models import Prefetch
    from django.utils import timezone

    active = _active_assignments(on or timezone.localdate())
    return persons.select_related("residence_unit__parent").prefetch_related(
        Prefetch(
            "orders",
            queryset=ControlOrder.objects.filter(end_date__isnull=True)
            .only("person_id", "kind")
            .order_by("-decision_date", "-id"),
            to_attr="open_orders",
        ),
        Prefetch(
            "assignments",
            queryset=active.only("person_id", "responsible_name").order_by("-start_date", "-id"),
            to_attr="active_assignments",
        ),
    )


def running_community_order(person: Person, on: datetime.date) -> ControlOrder | None:
    """The community detox or rehab order the person was under on ``on`` (reported to, not
    ended before ``on``)."""
    return (
        ControlOrder.objects.filter(person=person, kind__in=COMMUNITY_KINDS, reported_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .order_by("-reported_date", "-id")
        .first()
    )


def move_destinations(user):
    """Where ``user`` may move a person (变更执行地, 条例第二十二条): the villages, communities
    and grids the user sees, and any village, community or grid of the user's county — a move
    may leave the user's area; the file then follows the person. The page offers exactly these
    and the service refuses any other (the API included)."""
    own = OrgUnit.objects.restrict(user, VIEW).filter(level__in=RESIDENCE_LEVELS, is_active=True)
    county = _county_of(user)
    destinations = (
        OrgUnit.objects.filter(
            level__in=RESIDENCE_LEVELS, is_active=True, path__startswith=county.path
        )
        if county is not None
        else OrgUnit.objects.none()
    )
    return (own | destinations).select_related("parent").order_by("path")


def _county_of(user) -> OrgUnit | None:
    unit = getattr(user, "unit", None)
    if unit is None:
        return None
    if unit.level == UnitLevel.COUNTY:
        return unit
    return unit.ancestors().filter(level=UnitLevel.COUNTY).order_by("-path").first()


def follow_ups(
    user,
    *,
    kind: str = "",
    status: str = "",
    person: int | None = None,
    base: QuerySet | None = None,
    due_first: bool = True,
) -> QuerySet:
    """Follow-ups ``user`` may see (the page, its export, the API): the earliest due first,
    unless ``due_first`` is off (the API keeps the model's order)."""
    items = (base if base is not None else FollowUp.objects.all()).restrict(user, VIEW)
    if kind:
        items = items.filter(kind=kind)
    if status:
        items = items.filter(status=status)
    if person is not None:
        items = items.filter(person_id=person)
    items = items.select_related("person__residence_unit", "order", "test")
    return items.order_by("due_date", "-created_at", "-id") if due_first else items


def file_accesses(
    viewer,
    *,
    opened_by=None,
    person_name: str = "",
    reason: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    person: int | None = None,
    base: QuerySet | None = None,
) -> QuerySet:
    """Openings of files ``viewer`` may see (the office's access log: page, export, API)."""
    items = (base if base is not None else FileAccess.objects.all()).restrict(viewer, VIEW)
    if opened_by is not None:
        items = items.filter(user=opened_by)
    if person_name:
        items = items.filter(person__name__icontains=person_name.strip())
    if reason:
        items = items.filter(reason=reason)
    if date_from:
        items = items.filter(at__date__gte=date_from)
    if date_to:
        items = items.filter(at__date__lte=date_to)
    if person is not None:
        items = items.filter(person_id=person)
    return items.select_related("user", "person__residence_unit")
