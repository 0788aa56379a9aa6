"""Read side of enforcement: the results statistics (战果统计) with the same period of the
previous year, the targets of 方案一（二）（四）, and the lists.

Figures are aggregates in the database — one grouped query per table over both periods at
once, grouped by township, so the county and each township come out of the same rows. The
scope is pushed into every query: the user's enforcement jurisdiction (``access``) as path
filters. Aggregates name no one, so a township (which sees no tips) still gets its own tip
counts for the participation target; every list reads through ``restrict()``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case as When_,
)
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from jindu.control.models import COMMUNITY_KINDS, ControlOrder, Finding, OrderKind
from jindu.orgs.models import OrgUnit, UnitLevel
from jindu.orgs.subtrees import owners_of, subtrees_q
from jindu.supervision.models import ReportKind, ReportStatus, WorkReport

from . import rollup, rules
from .access import enforcement_scope
from .models import (
    Case,
    Den,
    DenKind,
    Gang,
    OutboundTrafficker,
    PlantingFinding,
    Population,
    ProductionIncident,
    ResultsCell,
    Seizure,
    Suspect,
    Tip,
    Venue,
)
from .policy import enforcement_policy


@dataclass(frozen=True)
class Period:
    unit: OrgUnit
    date_from: datetime.date
    date_to: datetime.date

    @property
    def previous(self) -> tuple[datetime.date, datetime.date]:
        return year_before(self.date_from), year_before(self.date_to)


def year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def in_scope(queryset: QuerySet, user, *lookups: str) -> QuerySet:
    """``queryset`` narrowed to the user's enforcement jurisdiction through the path
    ``lookups`` (any of them) — the scope as SQL, without the per-model role gate."""
    scope = enforcement_scope(user)
    if scope.is_empty:
        return queryset.none()
    if scope.everything:
        return queryset
    condition = Q(pk__in=[])
    for lookup in lookups:
        condition |= scope.path_q(lookup)
    return queryset.filter(condition)


def reachable_units(user) -> QuerySet:
    """The units whose figures ``user`` may ask for: those in their jurisdiction, and the
    county (root) for the roles the scoping narrows (a police station: its townships)."""
    from jindu.accounts.roles import Role

    units = in_scope(OrgUnit.objects.all(), user, "path")
    if enforcement_scope(user).role in (Role.POLICE_STATION, Role.LEADER, Role.OFFICE_ADMIN):
        units = units | OrgUnit.objects.filter(parent__isnull=True)
    return units.distinct()


def default_unit(user) -> OrgUnit | None:
    """The county for everyone but township staff, who start on their own township."""
    from jindu.accounts.roles import Role

    scope = enforcement_scope(user)
    if scope.is_empty:
        return None
    if scope.role == Role.TOWNSHIP:
        return user.unit
    root = reachable_units(user).filter(parent__isnull=True).order_by("path").first()
    if root is not None:
        return root
    # A police bureau whose area is not the root: its area.
    return in_scope(OrgUnit.objects.all(), user, "path").order_by("path").first()


def _between(prefix: str, start, end) -> Q:
    return Q(**{f"{prefix}__gte": start, f"{prefix}__lte": end})


@dataclass
class Row:
    code: str
    label: str
    value: float = 0
    previous: float = 0

    @property
    def change_pct(self) -> float | None:
        return rules.change_pct(self.value, self.previous)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "value": _num(self.value),
            "previous": _num(self.previous),
            "change_pct": self.change_pct,
        }


def _num(value):
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return round(value, 3) if isinstance(value, float) else value


@dataclass
class Stats:
    period: Period
    rows: list[Row]
    by_unit: list[dict] = field(default_factory=list)


class _Table:
    """Rows keyed by code, per township and in total."""

    def __init__(self):
        self.labels: dict[str, str] = {}
        self.order: list[str] = []
        self.total: dict[str, list] = {}
        self.units: dict[int, dict[str, list]] = {}

    def declare(self, code: str, label: str) -> None:
        if code not in self.labels:
            self.labels[code] = label
            self.order.append(code)
            self.total[code] = [0, 0]

    def add(self, unit_id, code: str, cur, prev) -> None:
        """Count into the total and, given a township, into its row."""
        if not cur and not prev:
            return
        cur, prev = cur or 0, prev or 0
        total = self.total[code]
        total[0] += cur
        total[1] += prev
        if unit_id is not None:
            self.add_unit(unit_id, code, cur, prev)

    def add_unit(self, unit_id, code: str, cur, prev) -> None:
        """Count into a township's row only (its total came from a detail query)."""
        if not cur and not prev:
            return
        cell = self.units.setdefault(unit_id, {}).setdefault(code, [0, 0])
        cell[0] += cur or 0
        cell[1] += prev or 0


BY_UNIT_CODES = (
    "cases_solved",
    "suspects",
    "heroin_equivalent_grams",
    "gangs",
    "dens",
    "persons_found",
)


def _under(queryset: QuerySet, lookup: str, unit: OrgUnit) -> QuerySet:
    """Rows under ``unit`` (no filter, and no join, for the root of the tree)."""
    if unit.parent_id is None:
        return queryset
    return queryset.filter(**{f"{lookup}__path__startswith": unit.path})


def results_stats(user, period: Period, *, use_rollup: bool = True) -> Stats:
    """战果统计 for ``period.unit``'s subtree: each figure beside the same period of the year
    before, with the change in per cent, in total and by township. Whole months that are
    over come from the monthly rollup (``rollup.py``, recomputed first where a write made
    them stale), the rest of both periods from the records; ``use_rollup=False`` counts
    everything from the records (the tests compare the two)."""
    today = timezone.localdate()
    cur_months = prev_months = []
    if use_rollup:
        cur_months = rollup.closed_months(period.date_from, period.date_to, today)
        prev_months = rollup.closed_months(*period.previous, today)
        rollup.ensure([*cur_months, *prev_months])
    with rollup.analytic_block():
        return _results_stats(user, period, cur_months, prev_months)


# A date range nothing falls in (an empty part of a period, as a filter that compiles).
_NO_DAYS = (datetime.date(1, 1, 2), datetime.date(1, 1, 1))


def _ranges_q(date_field: str, ranges) -> Q:
    condition = Q()
    for start, end in ranges or [_NO_DAYS]:
        condition |= _between(date_field, start, end)
    return condition


def _results_stats(user, period: Period, cur_months, prev_months) -> Stats:
    """Two grouped queries per table at most over what the rollup leaves: the detail (by
    offence, flag, drug type, den kind) in total, and the few figures of the township table
    by township — so a province's 2,000 townships come back as 2,000 rows per table, not
    2,000 × offences."""
    from django.utils.translation import gettext as _

    policy = enforcement_policy()
    cur_from, cur_to = period.date_from, period.date_to
    prev_from, prev_to = period.previous
    table = _Table()
    unit = period.unit
    live_cur = rollup.live_ranges(cur_from, cur_to, cur_months)
    live_prev = rollup.live_ranges(prev_from, prev_to, prev_months)
    # Nothing left to count from the records: the queries below are built, not run.
    live = bool(live_cur or live_prev)

    def both(date_field: str) -> tuple[Q, Q]:
        """The whole periods (the control area's and the reports' figures, not rolled up)."""
        return _between(date_field, cur_from, cur_to), _between(date_field, prev_from, prev_to)

    def both_live(date_field: str) -> tuple[Q, Q]:
        """The parts of the periods the rollup does not hold."""
        return _ranges_q(date_field, live_cur), _ranges_q(date_field, live_prev)

    def counts(cur, prev, field="pk"):
        return {"cur": Count(field, filter=cur), "prev": Count(field, filter=prev)}

    # One grouped query per table, by township and detail (offence, drug type, den kind):
    # the totals are the townships' sums.
    cur, prev = both_live("solved_date")
    counted = policy.counted_offence_codes()
    cases = _under(
        in_scope(Case.objects.all(), user, "org_unit__path"),
        "org_unit",
        unit,
    ).filter(cur | prev, offence__in=counted)
    flag_codes = policy.flag_codes()
    aggregates = counts(cur, prev)
    for flag in flag_codes:
        has = rollup.has_flag(flag)
        aggregates[f"f_{flag}_cur"] = Count("pk", filter=cur & has)
        aggregates[f"f_{flag}_prev"] = Count("pk", filter=prev & has)
    table.declare("cases_solved", _("Cases solved"))
    table.declare("cases_solved_criminal", _("Criminal cases solved"))
    for offence in counted:
        table.declare(f"cases_solved:{offence}", policy.offence_name(offence))
    for flag in flag_codes:
        table.declare(f"cases_flag:{flag}", policy.flag_name(flag))
    for g in (
        rollup.with_flags_text(cases)
        .values("org_unit_id", "kind", "offence")
        .annotate(**aggregates)
        .order_by()
        if live
        else ()
    ):
        township = g["org_unit_id"]
        table.add(township, "cases_solved", g["cur"], g["prev"])
        if g["kind"] == "criminal":
            table.add(township, "cases_solved_criminal", g["cur"], g["prev"])
        table.add(township, f"cases_solved:{g['offence']}", g["cur"], g["prev"])
        for flag in flag_codes:
            table.add(township, f"cases_flag:{flag}", g[f"f_{flag}_cur"], g[f"f_{flag}_prev"])

    # Suspects caught, seizures, gangs and dens, counted by the case's 破案 date.
    cur, prev = both_live("case__solved_date")

    def children(model, *detail, **aggregate):
        scoped = in_scope(model.objects.all(), user, "case__org_unit__path")
        rows = (
            _under(scoped, "case__org_unit", unit)
            .filter(cur | prev, case__offence__in=counted)
            .values("case__org_unit_id", *detail)
            .annotate(**(aggregate or counts(cur, prev)))
            .order_by()
        )
        return rows if live else ()

    table.declare("suspects", _("Suspects caught"))
    for g in children(Suspect):
        table.add(g["case__org_unit_id"], "suspects", g["cur"], g["prev"])

    drug_names = {code: _drug(code) for code in policy.heroin_factors}
    for drug, name in drug_names.items():
        table.declare(f"seizure_grams:{drug}", _("Seized (g): %(drug)s") % {"drug": name})
    table.declare("heroin_equivalent_grams", _("Seized, heroin equivalent (g)"))
    for drug, name in drug_names.items():
        label = _("Seized (pills): %(drug)s") % {"drug": name}
        table.declare(f"seizure_pills:{drug}", label)
    for g in children(
        Seizure,
        "drug_type",
        g_cur=Sum("grams", filter=cur),
        g_prev=Sum("grams", filter=prev),
        p_cur=Sum("pills", filter=cur),
        p_prev=Sum("pills", filter=prev),
        h_cur=Sum("heroin_equivalent_grams", filter=cur),
        h_prev=Sum("heroin_equivalent_grams", filter=prev),
    ):
        township, drug = g["case__org_unit_id"], g["drug_type"]
        if f"seizure_grams:{drug}" not in table.labels:  # a code the rule book dropped
            table.declare(f"seizure_grams:{drug}", drug)
            table.declare(f"seizure_pills:{drug}", drug)
        table.add(township, f"seizure_grams:{drug}", g["g_cur"], g["g_prev"])
        table.add(township, f"seizure_pills:{drug}", g["p_cur"], g["p_prev"])
        table.add(township, "heroin_equivalent_grams", g["h_cur"], g["h_prev"])

    table.declare("gangs", _("Gangs broken up"))
    for g in children(Gang):
        table.add(g["case__org_unit_id"], "gangs", g["cur"], g["prev"])
    table.declare("dens", _("Dens destroyed"))
    for kind in DenKind:
        table.declare(f"dens:{kind.value}", str(kind.label))
    for g in children(Den, "kind"):
        table.add(g["case__org_unit_id"], "dens", g["cur"], g["prev"])
        table.add(g["case__org_unit_id"], f"dens:{g['kind']}", g["cur"], g["prev"])
    _add_cells(user, unit, table, cur_months, prev_months)

    unit_path = unit.path
    _control_figures(user, table, unit_path, both)
    _report_figures(user, table, period)

    rows = [
        Row(code, table.labels[code], table.total[code][0], table.total[code][1])
        for code in table.order
    ]
    return Stats(period, rows, _by_unit(user, period.unit, table))


def _cell_value(value):
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def _add_cells(user, unit: OrgUnit, table: _Table, cur_months, prev_months) -> None:
    """The rolled-up months' figures. The whole tree (the office at the root) reads the
    months' stored totals and, for the township table, its few codes by township; any
    smaller area reads its townships' rows once, by township and code, and sums them."""
    if not (cur_months or prev_months):
        return
    months = [*cur_months, *prev_months]
    # An empty list would make the whole aggregate's filter fail to compile.
    cur = Q(month__in=cur_months or [_NO_DAYS[0]])
    prev = Q(month__in=prev_months or [_NO_DAYS[0]])
    sums = {"cur": Sum("value", filter=cur), "prev": Sum("value", filter=prev)}
    cells = _under(
        in_scope(ResultsCell.objects.filter(org_unit__isnull=False), user, "org_unit__path"),
        "org_unit",
        unit,
    ).filter(month__in=months)

    def declare(code: str) -> None:
        if code in table.labels:
            return
        # A code the rule book dropped since the month was counted.
        kind, _sep, name = code.partition(":")
        if kind in ("seizure_grams", "seizure_pills"):
            table.declare(f"seizure_grams:{name}", name)
            table.declare(f"seizure_pills:{name}", name)
        else:
            table.declare(code, name or code)

    if unit.parent_id is None and enforcement_scope(user).everything:
        for code, c, p in (
            ResultsCell.objects.filter(org_unit__isnull=True, month__in=months)
            .values("code")
            .annotate(**sums)
            .order_by()
            .values_list("code", "cur", "prev")
        ):
            declare(code)
            table.add(None, code, _cell_value(c), _cell_value(p))
        cells = cells.filter(code__in=BY_UNIT_CODES)
        add = table.add_unit
    else:
        add = table.add
    for unit_id, code, c, p in (
        cells.values("org_unit_id", "code")
        .annotate(**sums)
        .order_by()
        .values_list("org_unit_id", "code", "cur", "prev")
    ):
        declare(code)
        add(unit_id, code, _cell_value(c), _cell_value(p))


def _drug(code: str) -> str:
    from jindu.control.policy import control_policy

    return control_policy().code_name("drug_types", code)  # once per drug type, not per row


def _township_of(prefix: str):
    """The township id of a residence (a village's parent, a grid's grandparent)."""
    return When_(
        When(**{f"{prefix}__level": UnitLevel.VILLAGE}, then=F(f"{prefix}__parent_id")),
        When(**{f"{prefix}__level": UnitLevel.GRID}, then=F(f"{prefix}__parent__parent_id")),
        When(**{f"{prefix}__level": UnitLevel.TOWNSHIP}, then=F(f"{prefix}_id")),
        default=Value(None),
        output_field=IntegerField(),
    )


def _control_figures(user, table: _Table, unit_path: str, both) -> None:
    """Persons found using drugs (人次), compulsory isolations and community orders decided:
    the control area's records, counted (no person is shown), by residence township."""
    from django.utils.translation import gettext as _

    residence = "person__residence_unit"
    cur, prev = both("date")
    table.declare("persons_found", _("Persons found using drugs (person-times)"))
    for g in (
        in_scope(Finding.objects.all(), user, f"{residence}__path")
        .filter(**{f"{residence}__path__startswith": unit_path})
        .filter(cur | prev)
        .annotate(township=_township_of(residence))
        .values("township")
        .annotate(cur=Count("pk", filter=cur), prev=Count("pk", filter=prev))
        .order_by()
    ):
        table.add(g["township"], "persons_found", g["cur"], g["prev"])
    cur, prev = both("decision_date")
    table.declare("compulsory_isolations", _("Compulsory isolations decided"))
    table.declare("community_orders", _("Community detox and rehab orders decided"))
    isolation = Q(kind=OrderKind.COMPULSORY_ISOLATION)
    community = Q(kind__in=COMMUNITY_KINDS)
    for g in (
        in_scope(ControlOrder.objects.all(), user, f"{residence}__path")
        .filter(**{f"{residence}__path__startswith": unit_path}, continues__isnull=True)
        .filter(cur | prev)
        .annotate(township=_township_of(residence))
        .values("township")
        .annotate(
            i_cur=Count("pk", filter=cur & isolation),
            i_prev=Count("pk", filter=prev & isolation),
            c_cur=Count("pk", filter=cur & community),
            c_prev=Count("pk", filter=prev & community),
        )
        .order_by()
    ):
        table.add(g["township"], "compulsory_isolations", g["i_cur"], g["i_prev"])
        table.add(g["township"], "community_orders", g["c_cur"], g["c_prev"])


def _months(start: datetime.date, end: datetime.date) -> list[str]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(f"{day:%Y-%m}")
        day = rollup.next_month(day)
    return months


def _report_figures(user, table: _Table, period: Period) -> None:
    """The monthly reports' number fields (方案五（二）), summed over the months of the period
    and of the year before, from submitted and accepted reports."""
    from django.utils.translation import gettext as _

    from jindu.policy.registry import current_policy

    fields = [f for f in current_policy().report_fields if f.type == "number"]
    if not fields:
        return
    cur_months = set(_months(period.date_from, period.date_to))
    prev_months = set(_months(*period.previous))
    reports = (
        in_scope(WorkReport.objects.all(), user, "org_unit__path")
        .filter(
            kind=ReportKind.MONTHLY,
            status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED],
            org_unit__path__startswith=period.unit.path,
            period__in=cur_months | prev_months,
        )
        .values_list("org_unit_id", "org_unit__level", "period", "data")
    )
    for f in fields:
        table.declare(f"report:{f.code}", _("Monthly reports: %(name)s") % {"name": f.name})
    for unit_id, level, month, data in reports.iterator():
        for f in fields:
            try:
                value = float((data or {}).get(f.code) or 0)
            except (TypeError, ValueError):
                continue
            cur = value if month in cur_months else 0
            prev = value if month in prev_months else 0
            table.add(
                unit_id if level == UnitLevel.TOWNSHIP else None, f"report:{f.code}", cur, prev
            )


def _by_unit(user, unit: OrgUnit, table: _Table) -> list[dict]:
    townships = (
        in_scope(OrgUnit.objects.all(), user, "path")
        .filter(level=UnitLevel.TOWNSHIP, path__startswith=unit.path)
        .order_by("path")
        .values_list("pk", "name")
    )
    result = []
    for pk, name in townships:
        cells = table.units.get(pk, {})
        result.append(
            {
                "org_unit": pk,
                "name": name,
                "rows": [
                    Row(code, table.labels[code], *cells.get(code, (0, 0))).as_dict()
                    for code in BY_UNIT_CODES
                ],
            }
        )
    return result


# ---------------------------------------------------------------- targets


@dataclass(frozen=True)
class UnitTargets:
    unit_id: int
    name: str
    indicators: tuple[rules.Indicator, ...]


def _year(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _target_counts(user, unit: OrgUnit, year: int) -> dict[int | None, dict[str, float]]:
    """Per township (and None: the total) the numbers behind every target for ``year``."""
    start, end = _year(year)
    prev_start, prev_end = _year(year - 1)
    cur, prev = _between("arrest_date", start, end), _between("arrest_date", prev_start, prev_end)
    counts: dict[int | None, dict[str, float]] = {}

    def add(unit_id, key, value):
        for k in (unit_id, None):
            counts.setdefault(k, {}).setdefault(key, 0)
            counts[k][key] += float(value or 0)

    for g in (
        in_scope(OutboundTrafficker.objects.all(), user, "household_unit__path")
        .filter(household_unit__path__startswith=unit.path)
        .filter(cur | prev)
        .values("township_id")
        .annotate(
            n_cur=Count("pk", filter=cur),
            n_prev=Count("pk", filter=prev),
            g_cur=Sum("grams", filter=cur),
            g_prev=Sum("grams", filter=prev),
        )
        .order_by()
    ):
        add(g["township_id"], "outbound", g["n_cur"])
        add(g["township_id"], "outbound_prev", g["n_prev"])
        add(g["township_id"], "outbound_grams", g["g_cur"])
        add(g["township_id"], "outbound_grams_prev", g["g_prev"])
    for model, key in ((PlantingFinding, "planting"), (ProductionIncident, "production")):
        for g in (
            in_scope(model.objects.all(), user, "org_unit__path")
            .filter(org_unit__path__startswith=unit.path, date__gte=start, date__lte=end)
            .values("org_unit_id")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            add(g["org_unit_id"], key, g["n"])
    for g in (
        in_scope(Tip.objects.all(), user, "org_unit__path", "station__path")
        .filter(
            org_unit__path__startswith=unit.path, received_date__gte=start, received_date__lte=end
        )
        .values("org_unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        add(g["org_unit_id"], "tips", g["n"])
    from_tip = Exists(Tip.objects.filter(case=OuterRef("pk")))
    for g in (
        in_scope(Case.objects.all(), user, "org_unit__path")
        .filter(org_unit__path__startswith=unit.path, solved_date__gte=start, solved_date__lte=end)
        .values("org_unit_id")
        .annotate(n=Count("pk"), t=Count("pk", filter=Q(from_tip)))
        .order_by()
    ):
        add(g["org_unit_id"], "cases", g["n"])
        add(g["org_unit_id"], "cases_from_tips", g["t"])
    # Where both kinds are entered the registered (户籍) figure counts: it comes last.
    populations = dict(
        Population.objects.filter(
            org_unit__path__startswith=unit.path, year=year, org_unit__level=UnitLevel.TOWNSHIP
        )
        .order_by("-kind")
        .values_list("org_unit_id", "residents")
    )
    for unit_id, residents in populations.items():
        add(unit_id, "residents", residents)
    if unit.level != UnitLevel.TOWNSHIP and not populations:
        own = Population.objects.filter(org_unit=unit, year=year).order_by("kind").first()
        if own:
            counts.setdefault(None, {})["residents"] = own.residents
    return counts


def _indicators(counts: dict[str, float]) -> tuple[rules.Indicator, ...]:
    policy = enforcement_policy()
    c = lambda key: counts.get(key, 0)  # noqa: E731
    return (
        rules.indicator(
            policy, "outbound_trafficking_reduction", c("outbound"), c("outbound_prev")
        ),
        rules.indicator(
            policy, "outbound_seizure_reduction", c("outbound_grams"), c("outbound_grams_prev")
        ),
        rules.indicator(policy, "zero_planting", c("planting"), None),
        rules.indicator(policy, "zero_production", c("production"), None),
        rules.indicator(policy, "tip_participation", c("tips"), counts.get("residents")),
        rules.indicator(policy, "tip_case_share", c("cases_from_tips"), c("cases")),
    )


def enforcement_kpis(user, unit: OrgUnit, year: int) -> tuple[rules.Indicator, ...]:
    """The targets of 方案一（二）（四） for ``unit``'s subtree and ``year``."""
    with rollup.analytic_block(index_plans=False):  # whole years: hashing wins
        return _indicators(_target_counts(user, unit, year).get(None, {}))


def enforcement_kpis_by_township(user, unit: OrgUnit, year: int) -> list[UnitTargets]:
    """Each township's targets, counted over its whole subtree (a village's record is its
    township's) by the same grouped queries as the cockpit's refresh."""
    townships = list(
        in_scope(OrgUnit.objects.all(), user, "path")
        .filter(level=UnitLevel.TOWNSHIP, path__startswith=unit.path)
        .order_by("path")
    )
    figures = enforcement_kpis_for_units(user, townships, year) if townships else {}
    return [UnitTargets(t.pk, t.name, figures[t.pk]) for t in townships]


def enforcement_kpis_for_units(user, units, year: int) -> dict[int, tuple[rules.Indicator, ...]]:
    """``enforcement_kpis`` of each of ``units`` (the cockpit's refresh of many townships)
    in one round of grouped queries: the same counts as ``_target_counts``' total, grouped
    by the record's unit and summed to every unit of the list whose subtree holds it."""
    units = list({u.pk: u for u in units}.values())
    owners = owners_of(units)
    start, end = _year(year)
    prev_start, prev_end = _year(year - 1)
    cur, prev = _between("arrest_date", start, end), _between("arrest_date", prev_start, prev_end)
    counts: dict[int, dict[str, float]] = {u.pk: {} for u in units}

    def add(path, key, value):
        for pk in owners(path):
            counts[pk][key] = counts[pk].get(key, 0) + float(value or 0)

    with rollup.analytic_block(index_plans=False):  # whole years: hashing wins
        for g in (
            in_scope(OutboundTrafficker.objects.all(), user, "household_unit__path")
            .filter(subtrees_q(units, "household_unit__path"))
            .filter(cur | prev)
            .values("household_unit__path")
            .annotate(
                n_cur=Count("pk", filter=cur),
                n_prev=Count("pk", filter=prev),
                g_cur=Sum("grams", filter=cur),
                g_prev=Sum("grams", filter=prev),
            )
            .order_by()
        ):
            path = g["household_unit__path"]
            add(path, "outbound", g["n_cur"])
            add(path, "outbound_prev", g["n_prev"])
            add(path, "outbound_grams", g["g_cur"])
            add(path, "outbound_grams_prev", g["g_prev"])
        for model, key in ((PlantingFinding, "planting"), (ProductionIncident, "production")):
            for g in (
                in_scope(model.objects.all(), user, "org_unit__path")
                .filter(subtrees_q(units, "org_unit__path"), date__gte=start, date__lte=end)
                .values("org_unit__path")
                .annotate(n=Count("pk"))
                .order_by()
            ):
                add(g["org_unit__path"], key, g["n"])
        for g in (
            in_scope(Tip.objects.all(), user, "org_unit__path", "station__path")
            .filter(
                subtrees_q(units, "org_unit__path"),
                received_date__gte=start,
                received_date__lte=end,
            )
            .values("org_unit__path")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            add(g["org_unit__path"], "tips", g["n"])
        from_tip = Exists(Tip.objects.filter(case=OuterRef("pk")))
        for g in (
            in_scope(Case.objects.all(), user, "org_unit__path")
            .filter(
                subtrees_q(units, "org_unit__path"), solved_date__gte=start, solved_date__lte=end
            )
            .values("org_unit__path")
            .annotate(n=Count("pk"), t=Count("pk", filter=Q(from_tip)))
            .order_by()
        ):
            add(g["org_unit__path"], "cases", g["n"])
            add(g["org_unit__path"], "cases_from_tips", g["t"])
        # Where both kinds are entered the registered (户籍) figure counts: it comes last.
        populations = dict(
            Population.objects.filter(
                subtrees_q(units, "org_unit__path"), year=year, org_unit__level=UnitLevel.TOWNSHIP
            )
            .order_by("-kind")
            .values_list("org_unit__path", "residents")
        )
    for path, residents in populations.items():
        add(path, "residents", residents)
    for u in units:
        if u.level != UnitLevel.TOWNSHIP and "residents" not in counts[u.pk]:
            own = Population.objects.filter(org_unit=u, year=year).order_by("kind").first()
            if own:
                counts[u.pk]["residents"] = own.residents
    return {pk: _indicators(c) for pk, c in counts.items()}


# ---------------------------------------------------------------- lists


def case_list(
    user,
    *,
    unit: OrgUnit | None = None,
    q: str = "",
    kind: str = "",
    offence: str = "",
    flag: str = "",
    solved: str = "",
    filed_from=None,
    filed_to=None,
    base: QuerySet | None = None,
) -> QuerySet:
    """The case list of the page, its Excel export and the API (``filters.CaseFilter``)."""
    base = Case.objects.all() if base is None else base
    cases = base.restrict(user).select_related("org_unit", "handling_unit")
    if unit is not None:
        cases = cases.filter(org_unit__path__startswith=unit.path)
    if q:
        cases = cases.filter(number__icontains=q.strip())
    if kind:
        cases = cases.filter(kind=kind)
    if offence:
        cases = cases.filter(offence=offence)
    if flag:
        cases = cases.annotate(flags_text=Cast("flags", TextField())).filter(
            flags_text__contains=f'"{flag}"'
        )
    if solved == "yes":
        cases = cases.filter(solved_date__isnull=False)
    elif solved == "no":
        cases = cases.filter(solved_date__isnull=True)
    if filed_from is not None:
        cases = cases.filter(filed_date__gte=filed_from)
    if filed_to is not None:
        cases = cases.filter(filed_date__lte=filed_to)
    # A correlated count, evaluated for the page's rows only (the paginator's count drops it).
    per_case = (
        Suspect.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return cases.annotate(
        suspect_count=Coalesce(Subquery(per_case, output_field=IntegerField()), Value(0))
    ).order_by("-filed_date", "-id")


def venue_list(user, *, unit: OrgUnit | None = None, grade: str = "", kind: str = "") -> QuerySet:
    venues = Venue.objects.restrict(user).select_related("org_unit", "station")
    if unit is not None:
        venues = venues.filter(org_unit__path__startswith=unit.path)
    if grade:
        venues = venues.filter(grade=grade)
    if kind:
        venues = venues.filter(kind=kind)
    return venues.order_by("name", "id")
