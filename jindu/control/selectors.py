"""Read side of people under control: the five targets of 方案一（三） for an org unit's
subtree and a period, the people behind each number, and test schedules.

The targets are counted in the database: one aggregate query over persons (their status,
risk, assignment, sick/disabled and isolation facts as of the end date, as EXISTS tests the
planner can answer for everyone in one pass, kept in a subquery so each runs once) and one
over orders — two queries whatever the number of people (plus, on PostgreSQL, switching JIT
off for that transaction: compiling took longer than running). The definitions are the
policy file's; ``rules.control_indicators`` computes the same from plain facts and the tests
hold the two together. Figures at province scale: bench/README.md.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery

from jindu.core.scoping import VIEW
from jindu.orgs.models import OrgUnit

from . import rules
from .models import (
    COMMUNITY_KINDS,
    ControlAssignment,
    ControlOrder,
    OrderKind,
    Person,
    PersonStatus,
    RiskAssessment,
    RiskLevel,
    SickDisabled,
    StatusChange,
    TestResult,
    UrineTest,
)
from .policy import control_policy

PERSON_TARGETS = (
    "medium_high_risk_control_rate",
    "sick_disabled_admission_rate",
    "not_executed_control_rate",
)
ORDER_TARGETS = ("community_execution_rate", "compulsory_isolation_execution_rate")
DRILL = ("numerator", "denominator", "gap")
UNBOUNDED = 2**63 - 1  # a LIMIT that limits nothing (see control_kpis)


@dataclass(frozen=True)
class Period:
    unit: OrgUnit
    date_from: datetime.date
    date_to: datetime.date


def persons_in(user, unit: OrgUnit) -> QuerySet:
    """Persons living in ``unit``'s subtree that ``user`` may see."""
    return Person.objects.restrict(user, VIEW).filter(residence_unit__path__startswith=unit.path)


def _latest(rows: QuerySet, date_field: str) -> QuerySet:
    """Of ``rows`` (one table, already limited to the dates that count), those that are
    their person's latest by (``date_field``, id): no later row of the same person exists.

    Written as NOT EXISTS rather than ORDER BY … LIMIT 1 so that the database can work the
    whole set out at once (an anti-join) instead of one lookup per person."""
    later = rows.filter(person=OuterRef("person")).filter(
        Q(**{f"{date_field}__gt": OuterRef(date_field)})
        | Q(**{date_field: OuterRef(date_field), "pk__gt": OuterRef("pk")})
    )
    return rows.exclude(Exists(later))


def as_of(persons: QuerySet, end: datetime.date) -> QuerySet:
    """Annotate each person with the facts the targets need, as they stood on ``end``.

    ``status_at``, ``risk_at`` and ``isolation_executed`` are the values of the latest
    status change, risk assessment and isolation order; the targets themselves read the
    yes/no facts (``in_society_at``, ``medium_high_at``, ``isolation_pending``, …), each an
    EXISTS that PostgreSQL evaluates for all persons at once (a hashed subplan or a
    semi-join) rather than once per person: the province's targets take one pass."""
    statuses = StatusChange.objects.filter(date__lte=end)
    risks = RiskAssessment.objects.filter(date__lte=end)
    isolations = ControlOrder.objects.filter(
        kind=OrderKind.COMPULSORY_ISOLATION, decision_date__lte=end, continues__isnull=True
    )
    latest_status = statuses.filter(person=OuterRef("pk")).order_by("-date", "-id")
    latest_risk = risks.filter(person=OuterRef("pk")).order_by("-date", "-id")
    isolation = isolations.filter(person=OuterRef("pk")).order_by("-decision_date", "-id")
    flagged = SickDisabled.objects.filter(person=OuterRef("pk"), identified_date__lte=end)
    return persons.annotate(
        status_at=Subquery(latest_status.values("status")[:1]),
        risk_at=Subquery(latest_risk.values("level")[:1]),
        in_society_at=Exists(
            _latest(statuses, "date").filter(person=OuterRef("pk"), status=PersonStatus.IN_SOCIETY)
        ),
        medium_high_at=Exists(
            _latest(risks, "date").filter(
                person=OuterRef("pk"), level__in=[RiskLevel.MEDIUM, RiskLevel.HIGH]
            )
        ),
        controlled=Exists(
            ControlAssignment.objects.filter(person=OuterRef("pk"), start_date__lte=end).filter(
                Q(end_date__isnull=True) | Q(end_date__gte=end)
            )
        ),
        sick=Exists(flagged),
        admitted=Exists(flagged.filter(admitted_date__lte=end)),
        has_isolation=Exists(isolation),
        isolation_executed=Subquery(isolation.values("executed_date")[:1]),
        # The latest isolation order was not executed by ``end``.
        isolation_pending=Exists(
            _latest(isolations, "decision_date").filter(
                Q(executed_date__isnull=True) | Q(executed_date__gt=end), person=OuterRef("pk")
            )
        ),
    )


def _person_conditions(end: datetime.date) -> dict[str, tuple[Q, Q]]:
    """Denominator and numerator of each person-based target, over ``as_of`` annotations."""
    in_society = Q(in_society_at=True)
    under_control = Q(left_control_on__isnull=True) | Q(left_control_on__gt=end)
    return {
        "medium_high_risk_control_rate": (
            in_society & under_control & Q(medium_high_at=True),
            Q(controlled=True),
        ),
        "sick_disabled_admission_rate": (in_society & Q(sick=True), Q(admitted=True)),
        "not_executed_control_rate": (
            in_society & under_control & Q(isolation_pending=True),
            Q(controlled=True),
        ),
    }


def orders_in(user, unit: OrgUnit, date_from: datetime.date, date_to: datetime.date) -> QuerySet:
    """Orders decided in the period for persons in the subtree (a resumed order is the same
    decision and is not counted again)."""
    return ControlOrder.objects.restrict(user, VIEW).filter(
        person__residence_unit__path__startswith=unit.path,
        decision_date__gte=date_from,
        decision_date__lte=date_to,
        continues__isnull=True,
    )


def _order_conditions(date_to: datetime.date) -> dict[str, tuple[Q, Q]]:
    return {
        "community_execution_rate": (
            Q(kind__in=COMMUNITY_KINDS),
            Q(reported_date__isnull=False, reported_date__lte=F("report_due")),
        ),
        "compulsory_isolation_execution_rate": (
            Q(kind=OrderKind.COMPULSORY_ISOLATION),
            Q(executed_date__isnull=False, executed_date__lte=date_to),
        ),
    }


@contextmanager
def _without_jit():
    """On PostgreSQL, run the block with just-in-time compilation off. The planner's cost
    estimate for the targets' aggregate (a few EXISTS per person) is far above the JIT
    thresholds, and compiling it takes longer than running it: 3 s of compilation for a 1 s
    query over a province. Off until the end of the transaction (``SET LOCAL``): this
    block's own when it opens one, else the caller's (no savepoint: it only reads)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def control_kpis(
    user, unit: OrgUnit, date_from: datetime.date, date_to: datetime.date
) -> list[rules.Indicator]:
    """The five targets for ``unit``'s subtree over the period, as ``user`` may see them."""
    policy = control_policy()
    counts: dict[str, int] = {}
    person_conditions = _person_conditions(date_to)
    # Sliced, the annotated persons stay a subquery that PostgreSQL evaluates once per
    # person; unsliced, the planner pulls it up into the aggregate and runs each correlated
    # subquery again in every FILTER that names it (the status six times per person).
    persons = as_of(persons_in(user, unit), date_to).order_by()[:UNBOUNDED]
    with _without_jit():
        counts.update(
            persons.aggregate(
                **{
                    f"{code}__{part}": Count("pk", filter=q)
                    for code, (den, num) in person_conditions.items()
                    for part, q in (("den", den), ("num", den & num))
                }
            )
        )
    counts.update(
        orders_in(user, unit, date_from, date_to).aggregate(
            **{
                f"{code}__{part}": Count("pk", filter=q)
                for code, (den, num) in _order_conditions(date_to).items()
                for part, q in (("den", den), ("num", den & num))
            }
        )
    )
    return [
        rules.indicator(policy, t.code, counts[f"{t.code}__num"], counts[f"{t.code}__den"])
        for t in policy.targets
    ]


def kpi_people(
    user,
    unit: OrgUnit,
    date_from: datetime.date,
    date_to: datetime.date,
    code: str,
    which: str = "denominator",
) -> QuerySet:
    """The persons behind one number: the ``denominator``, the ``numerator``, or the ``gap``
    between them (those not yet counted as met). A lazy queryset, scoped to ``user``."""
    if which not in DRILL:
        raise ValueError(which)
    if code in PERSON_TARGETS:
        den, num = _person_conditions(date_to)[code]
        persons = as_of(persons_in(user, unit), date_to)
    elif code in ORDER_TARGETS:
        den, num = _order_conditions(date_to)[code]
        orders = orders_in(user, unit, date_from, date_to)
        persons = persons_in(user, unit)
        den_ids = orders.filter(den).values("person_id")
        num_ids = orders.filter(den & num).values("person_id")
        if which == "denominator":
            return persons.filter(pk__in=den_ids)
        if which == "numerator":
            return persons.filter(pk__in=num_ids)
        return persons.filter(pk__in=orders.filter(den).exclude(num).values("person_id"))
    else:
        raise ValueError(code)
    if which == "denominator":
        return persons.filter(den)
    if which == "numerator":
        return persons.filter(den & num)
    return persons.filter(den).exclude(num)


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
) -> QuerySet:
    """Persons ``user`` may see, filtered; the list page, its Excel export and the benchmark
    share it. Each person carries ``open_orders`` (not ended, newest first) and
    ``active_assignments`` (covering ``on``), so a page costs a fixed number of queries.

    ``id_number`` is matched exactly through the keyed hash (or ``id_hash`` is that hash
    already), never by decrypting;
    ``assignment`` is ``"yes"`` (an assignment covers ``on``) or ``"no"``."""
    from django.db.models import Prefetch, TextField
    from django.db.models.functions import Cast
    from django.utils import timezone

    from . import crypto

    on = on or timezone.localdate()
    persons = Person.objects.restrict(user, VIEW)
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
    active = ControlAssignment.objects.filter(start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
    if assignment in ("yes", "no"):
        covered = Exists(active.filter(person=OuterRef("pk")))
        persons = persons.filter(covered if assignment == "yes" else ~covered)
    if sick:
        persons = persons.filter(Exists(SickDisabled.objects.filter(person=OuterRef("pk"))))
    return persons.select_related("residence_unit__parent").prefetch_related(
        Prefetch(
            "orders",
            queryset=ControlOrder.objects.filter(end_date__isnull=True).order_by(
                "-decision_date", "-id"
            ),
            to_attr="open_orders",
        ),
        Prefetch(
            "assignments",
            queryset=active.order_by("-start_date", "-id"),
            to_attr="active_assignments",
        ),
    )
