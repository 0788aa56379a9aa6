"""Read side of the cockpit: ONE entry point (``compute``) that asks each area's own
selectors for its targets (control, enforcement, prevention, precursors) and counts the
organisation goal 一（一） from records the system already holds; the series, the lists
behind a number, the warning facts per township and the cockpit page's data.

Every read goes through the scoping layer: a township sees its own subtree only.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from jindu.accounts.roles import Role
from jindu.core.scoping import VIEW, Scope, scope_for
from jindu.orgs.models import OrgUnit, Position, PositionRole, UnitLevel
from jindu.orgs.subtrees import owners_of, subtrees_q

from . import rules
from .models import Aggregate
from .policy import IndicatorPolicy, Target, indicator_policy


class SystemViewer:
    """The scheduled jobs' reader: sees everything, changes nothing (like a leader)."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    is_office_admin = False
    pk = None
    id = None
    role = Role.LEADER
    unit = None
    unit_id = None

    def __init__(self):
        self._jindu_scope = Scope(role=Role.LEADER, everything=True, read_only=True)


SYSTEM = SystemViewer()

# The target the cockpit's trend and the briefings' chart show unless another is chosen.
DEFAULT_TREND = "medium_high_risk_control_rate"


# ---------------------------------------------------------------- organisation (一（一）)


def _units(unit) -> list[OrgUnit]:
    """``unit`` or a list of units (the refresh computes many townships at once)."""
    return list(unit) if isinstance(unit, list | tuple) else [unit]


def _subtree(unit) -> Q:
    """The subtree of ``unit``, or of any unit of a list."""
    return subtrees_q(_units(unit))


def _townships(user, unit):
    return OrgUnit.objects.restrict(user, VIEW).filter(
        _subtree(unit), level=UnitLevel.TOWNSHIP, is_active=True
    )


def _current_positions(on: datetime.date):
    return Position.objects.filter(start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )


def _listed(on: datetime.date):
    from jindu.rectification.models import Designation

    return Designation.objects.filter(listed_date__lte=on).filter(
        Q(lifted_date__isnull=True) | Q(lifted_date__gt=on)
    )


def organisation_units(user, unit, date_from, date_to, code: str):
    """(denominator queryset, numerator condition) of one organisation target for the
    subtree of ``unit`` (or of each unit of a list)."""
    from jindu.supervision.models import ResponsibilityLetter

    if code == "responsibility_letters_signed":
        units = OrgUnit.objects.restrict(user, VIEW).filter(
            _subtree(unit),
            level__in=[UnitLevel.TOWNSHIP, UnitLevel.VILLAGE],
            is_active=True,
        )
        signed = Exists(
            ResponsibilityLetter.objects.filter(
                lower_unit=OuterRef("pk"), year=date_to.year, signed_on__lte=date_to
            )
        )
        return units, signed
    positions = _current_positions(date_to)
    director = positions.filter(org_unit=OuterRef("pk"), role=PositionRole.COMMITTEE_DIRECTOR)
    if code == "leading_group_in_place":
        office = positions.filter(org_unit=OuterRef("pk"), role=PositionRole.OFFICE_DIRECTOR)
        return _townships(user, unit), Q(Exists(director)) & Q(Exists(office))
    if code == "first_leader_rule":
        listed = _townships(user, unit).filter(
            Exists(_listed(date_to).filter(org_unit=OuterRef("pk")))
        )
        first = positions.filter(
            org_unit=OuterRef(OuterRef("pk")), role=PositionRole.FIRST_RESPONSIBLE
        )
        # 第二十四条: the committee's director is the party committee's first responsible person.
        same = director.filter(holder_name__in=Subquery(first.values("holder_name")))
        return listed, Q(Exists(same))
    raise ValueError(code)


def organisation_kpis_for_units(
    user, units, date_from, date_to, policy: IndicatorPolicy
) -> dict[int, dict]:
    """The organisation targets of each unit of ``units``: two grouped queries per target
    for all of them (the denominator's units and the numerator's), each unit row counted for
    every unit of the list whose subtree holds it."""
    units = list({u.pk: u for u in _units(units)}.values())
    owners = owners_of(units)
    figures: dict[int, dict] = {u.pk: {} for u in units}
    for target in policy.targets:
        if target.area != "organisation":
            continue
        den: dict[int, int] = defaultdict(int)
        num: dict[int, int] = defaultdict(int)
        if units:
            chosen, condition = organisation_units(
                user, units, date_from, date_to, target.area_code
            )
            for counts, queryset in ((den, chosen), (num, chosen.filter(condition))):
                for path in queryset.order_by().values_list("path", flat=True):
                    for pk in owners(path):
                        counts[pk] += 1
        for u in units:
            figures[u.pk][target.area_code] = rules.rate_figure(target, num[u.pk], den[u.pk])
    return figures


def organisation_kpis(user, unit, date_from, date_to, policy: IndicatorPolicy):
    return organisation_kpis_for_units(user, [unit], date_from, date_to, policy)[unit.pk]


# ---------------------------------------------------------------- the one entry point


def _from_area(target: Target, indicator) -> rules.Figure:
    numerator = getattr(indicator, "numerator", None)
    denominator = getattr(indicator, "denominator", None)
    value = getattr(indicator, "value", None)
    met = getattr(indicator, "met", None)
    return rules.Figure(
        target.code,
        target.goal,
        target.name,
        None if numerator is None else float(numerator),
        None if denominator is None else float(denominator),
        value,
        target.target,
        target.comparison,
        met,
        (target.article,),
    )


def _area_figures(area: str, user, unit, date_from, date_to, policy) -> dict:
    """The area's own figures by its own codes (each area's selectors, not a copy)."""
    if area == "organisation":
        return organisation_kpis(user, unit, date_from, date_to, policy)
    if area == "control":
        from jindu.control.selectors import control_kpis

        return {i.code: i for i in control_kpis(user, unit, date_from, date_to)}
    if area == "enforcement":
        from jindu.enforcement.selectors import enforcement_kpis

        # The Plan's enforcement targets are yearly (年度): the period's end picks the year.
        return {i.code: i for i in enforcement_kpis(user, unit, date_to.year)}
    if area == "prevention":
        from jindu.prevention.selectors import prevention_kpis

        return {i.code: i for i in prevention_kpis(user, unit, date_from, date_to)}
    if area == "precursors":
        from jindu.precursors.selectors import precursor_kpis

        return {i.code: i for i in precursor_kpis(user, unit, date_from, date_to)}
    raise ValueError(area)


def _area_figures_for_units(
    area: str, user, units, date_from, date_to, policy, area_codes=None
) -> dict:
    """``_area_figures`` of each unit, {unit pk: figures}: each area's set-based form, a few
    grouped statements for all the units (the same facts as its per-unit form; the tests
    hold them equal)."""
    if area == "organisation":
        return organisation_kpis_for_units(user, units, date_from, date_to, policy)
    if area == "control":
        from jindu.control.selectors import control_kpis_for_units

        found = control_kpis_for_units(user, units, date_from, date_to)
    elif area == "enforcement":
        from jindu.enforcement.selectors import enforcement_kpis_for_units

        # The Plan's enforcement targets are yearly (年度): the period's end picks the year.
        found = enforcement_kpis_for_units(user, units, date_to.year)
    elif area == "prevention":
        from jindu.prevention.selectors import prevention_kpis_for_units

        found = prevention_kpis_for_units(user, units, date_from, date_to, codes=area_codes)
    elif area == "precursors":
        from jindu.precursors.selectors import precursor_kpis_for_units

        found = precursor_kpis_for_units(user, units, date_from, date_to)
    else:
        raise ValueError(area)
    return {pk: {i.code: i for i in indicators} for pk, indicators in found.items()}


def _targets(policy, goal=None, codes=None) -> list[Target]:
    return [
        t
        for t in policy.targets
        if (goal is None or t.goal == goal) and (codes is None or t.code in codes)
    ]


def compute(
    user, unit: OrgUnit, date_from, date_to, *, goal: str | None = None, codes=None
) -> list[rules.Figure]:
    """Every target of the registry (or of one goal, or the given codes) for ``unit``'s
    subtree and the period, as ``user`` may see it; each area is asked once."""
    policy = indicator_policy()
    targets = _targets(policy, goal, codes)
    by_area: dict[str, dict] = {}
    for target in targets:
        if target.area not in by_area:
            by_area[target.area] = _area_figures(
                target.area, user, unit, date_from, date_to, policy
            )
    return _assemble(targets, by_area)


def compute_for_units(
    user, units, date_from, date_to, *, goal: str | None = None, codes=None
) -> dict[int, list[rules.Figure]]:
    """``compute`` for each of ``units`` at once: each area is asked once for all of them
    (grouped statements where it can), so the refresh of many townships costs a few
    queries per target, not a few per target and township. The full rebuild and the
    incremental refresh both read this, so they cannot disagree."""
    units = list({u.pk: u for u in units}.values())
    policy = indicator_policy()
    targets = _targets(policy, goal, codes)
    by_area: dict[str, dict] = {}
    for target in targets:
        if target.area not in by_area and units:
            area_codes = None
            if codes is not None:
                area_codes = {t.area_code for t in targets if t.area == target.area}
            by_area[target.area] = _area_figures_for_units(
                target.area, user, units, date_from, date_to, policy, area_codes
            )
    return {
        u.pk: _assemble(targets, {area: found[u.pk] for area, found in by_area.items()})
        for u in units
    }


def _assemble(targets: list[Target], by_area: dict[str, dict]) -> list[rules.Figure]:
    figures = []
    for target in targets:
        indicator = by_area[target.area].get(target.area_code)
        if indicator is None:
            figures.append(
                rules.Figure(
                    target.code,
                    target.goal,
                    target.name,
                    None,
                    None,
                    None,
                    target.target,
                    target.comparison,
                    None,
                    (target.article,),
                )
            )
            continue
        if isinstance(indicator, rules.Figure):
            figures.append(indicator)
        else:
            figures.append(_from_area(target, indicator))
    return figures


# ---------------------------------------------------------------- aggregates


def whole_view(user, unit: OrgUnit) -> bool:
    """Whether the user sees every record of ``unit``'s subtree, so the precomputed figure
    (counted for everyone) is exactly theirs. A police station or a member unit sees a
    slice of it: their figures are computed live."""
    scope = scope_for(user)
    if scope.role not in (Role.OFFICE_ADMIN, Role.LEADER, Role.TOWNSHIP):
        return False
    return scope.everything or any(unit.path.startswith(p) for p in scope.paths)


def period_key(date_from: datetime.date, date_to: datetime.date) -> str | None:
    """The aggregate period that the dates are, if any: a whole month ``2026-03`` or the
    year to a month's end ``2026-03:ytd``."""
    start, end = rules.month_bounds(rules.month_of(date_to))
    # The running month is refreshed up to today and stored under its month.
    if date_to != end and date_to != timezone.localdate():
        return None
    if date_from == start:
        return rules.month_of(date_to)
    if date_from == datetime.date(date_to.year, 1, 1):
        return f"{rules.month_of(date_to)}:ytd"
    return None


def bounds_of_key(key: str) -> tuple[datetime.date, datetime.date]:
    month, _, kind = key.partition(":")
    start, end = rules.month_bounds(month)
    if kind == "ytd":
        start = datetime.date(start.year, 1, 1)
    return start, end


@dataclass
class Cockpit:
    figures: list[rules.Figure]
    as_of: datetime.datetime | None = None
    live: bool = True


def figures_for(user, unit, date_from, date_to, *, goal=None) -> Cockpit:
    """The registry's figures, from the precomputed aggregates when they hold this unit and
    period for this user, else computed now (``as_of`` now)."""
    policy = indicator_policy()
    key = period_key(date_from, date_to)
    targets = [t for t in policy.targets if goal is None or t.goal == goal]
    if key and whole_view(user, unit):
        rows = {
            a.code: a
            for a in Aggregate.objects.filter(
                org_unit=unit, period=key, code__in=[t.code for t in targets]
            )
        }
        if len(rows) == len(targets):
            figures = [
                rules.Figure(
                    t.code,
                    t.goal,
                    t.name,
                    rows[t.code].numerator,
                    rows[t.code].denominator,
                    rows[t.code].value,
                    t.target,
                    t.comparison,
                    rows[t.code].met,
                    (t.article,),
                )
                for t in targets
            ]
            return Cockpit(figures, min(r.as_of for r in rows.values()), live=False)
    return Cockpit(compute(user, unit, date_from, date_to, goal=goal), timezone.now(), live=True)


def series(
    user,
    unit: OrgUnit,
    code: str,
    months: int,
    last: str | None = None,
    *,
    precomputed: bool = False,
) -> list[dict]:
    """``[{period, value, previous_year}]`` by month, oldest first, from the aggregates where
    they are the user's (a month not yet precomputed has no value), the area's selectors for
    a user who sees part of the subtree only."""
    last = last or rules.month_of(timezone.localdate())
    periods = rules.months_back(last, months)
    wanted = set(periods) | {rules.same_month_last_year(p) for p in periods}
    stored = {}
    if whole_view(user, unit):
        stored = dict(
            Aggregate.objects.filter(org_unit=unit, code=code, period__in=wanted).values_list(
                "period", "value"
            )
        )
    values = {}
    # For a user who sees the whole subtree the months come from the precomputed figures
    # only (the rebuild fills 36 months, the refresh keeps the recent ones): computing 36
    # months on a page view is not done. A partial view (a police station) is computed.
    precomputed_only = precomputed or whole_view(user, unit)
    for period in sorted(wanted):
        if period in stored:
            values[period] = stored[period]
        elif precomputed_only:
            values[period] = None
        else:
            start, end = rules.month_bounds(period)
            (figure,) = compute(user, unit, start, end, codes={code})
            values[period] = figure.value
    return [
        {"period": p, "value": values[p], "previous_year": values[rules.same_month_last_year(p)]}
        for p in periods
    ]


# ---------------------------------------------------------------- lists behind a number


def items_behind(user, unit, date_from, date_to, code: str, which: str) -> tuple[str, list[dict]]:
    """The records behind a target's numerator, denominator or gap: (kind, rows), each row
    with ``id``, ``label`` and ``unit``; identities stay masked (control's own list)."""
    policy = indicator_policy()
    target = policy.target(code)
    if target is None or which not in ("numerator", "denominator", "gap"):
        raise ValueError(code)
    if target.area == "organisation":
        units, condition = organisation_units(user, unit, date_from, date_to, target.area_code)
        chosen = {
            "denominator": units,
            "numerator": units.filter(condition),
            "gap": units.exclude(condition),
        }[which]
        return "org_unit", [
            {"id": u.pk, "label": u.name, "unit": u.code} for u in chosen.order_by("path")[:500]
        ]
    if target.area == "control":
        from jindu.control.selectors import kpi_people

        rows = kpi_people(user, unit, date_from, date_to, target.area_code, which)
        return "person", [
            {"id": p.pk, "label": f"{p.name} {p.id_masked}", "unit": p.residence_unit.name}
            for p in rows.select_related("residence_unit").order_by("pk")[:500]
        ]
    if target.area == "prevention":
        from jindu.prevention.selectors import kpi_villages

        if target.area_code == "tip_participation":
            return "none", []
        rows = kpi_villages(user, unit, date_from, date_to, target.area_code, which)
        return "org_unit", [
            {"id": v.pk, "label": v.name, "unit": v.code} for v in rows.order_by("path")[:500]
        ]
    if target.area == "precursors":
        from jindu.precursors.selectors import kpi_enterprises

        rows = kpi_enterprises(user, unit, date_from, date_to, target.area_code, which)
        return "enterprise", [
            {"id": e.pk, "label": e.name, "unit": e.org_unit.name}
            for e in rows.select_related("org_unit").order_by("pk")[:500]
        ]
    if target.area == "enforcement":
        from jindu.enforcement.models import OutboundTrafficker, PlantingFinding, ProductionIncident
        from jindu.enforcement.selectors import in_scope

        start, end = datetime.date(date_to.year, 1, 1), datetime.date(date_to.year, 12, 31)
        if target.area_code == "outbound_trafficking_reduction":
            rows = in_scope(OutboundTrafficker.objects.all(), user, "household_unit__path").filter(
                household_unit__path__startswith=unit.path,
                arrest_date__gte=start,
                arrest_date__lte=end,
            )
            return "outbound", [
                {"id": r.pk, "label": f"{r.arrest_date} {r.id_masked or ''}", "unit": r.destination}
                for r in rows.order_by("arrest_date")[:500]
            ]
        model = PlantingFinding if target.area_code == "zero_planting" else ProductionIncident
        rows = in_scope(model.objects.all(), user, "org_unit__path").filter(
            org_unit__path__startswith=unit.path, date__gte=start, date__lte=end
        )
        return "finding", [
            {"id": r.pk, "label": str(r.date), "unit": r.org_unit.name}
            for r in rows.select_related("org_unit").order_by("date")[:500]
        ]
    return "none", []


# ---------------------------------------------------------------- warning facts


@dataclass
class TownshipFacts:
    township: OrgUnit
    facts: dict[str, float | None] = field(default_factory=dict)
    satisfaction: float | None = None


def warning_facts(period: str, townships: list[OrgUnit], *, user=SYSTEM) -> list[TownshipFacts]:
    """The facts the warning score weighs for each township and month, counted grouped by
    township (a fixed number of queries for the objective facts, whatever the number of
    townships); the work facts come from the registry's figures (aggregates when there)."""
    from jindu.control.models import Person, PersonStatus, RelapseOutcome, RelapseReport
    from jindu.enforcement.models import Case, OutboundTrafficker, PlantingFinding, Population
    from jindu.prevention.models import Activity
    from jindu.supervision.models import Obligation, ObligationStatus

    start, end = rules.month_bounds(period)
    by_path = {t.path: t for t in townships}
    result = {t.pk: TownshipFacts(t) for t in townships}

    def township_of(path: str | None):
        if not path:
            return None
        parts = path.strip("/").split("/")
        for i in range(len(parts), 0, -1):
            t = by_path.get("/" + "/".join(parts[:i]) + "/")
            if t is not None:
                return t
        return None

    def grouped(queryset, path_lookup: str, key: str, agg=None):
        counts: dict[int, float] = defaultdict(float)
        for row in queryset.values(path_lookup).annotate(n=agg or Count("pk")).order_by():
            t = township_of(row[path_lookup])
            if t is not None:
                counts[t.pk] += row["n"] or 0
        for pk, tf in result.items():
            tf.facts[key] = counts.get(pk, 0.0)

    present = [PersonStatus.IN_SOCIETY, PersonStatus.IN_FACILITY, PersonStatus.IN_CUSTODY]
    persons = Person.objects.restrict(user, VIEW)
    grouped(
        persons.filter(status__in=present, first_found_date__lte=end),
        "residence_unit__path",
        "registered",
    )
    grouped(
        persons.filter(first_found_date__gte=start, first_found_date__lte=end),
        "residence_unit__path",
        "newly_found",
    )
    grouped(
        RelapseReport.objects.restrict(user, VIEW).filter(
            outcome=RelapseOutcome.CONFIRMED, check_date__gte=start, check_date__lte=end
        ),
        "grid__path",
        "relapse_confirmed",
    )
    grouped(
        Case.objects.filter(filed_date__gte=start, filed_date__lte=end),
        "org_unit__path",
        "cases",
    )
    grouped(
        OutboundTrafficker.objects.filter(arrest_date__gte=start, arrest_date__lte=end),
        "household_unit__path",
        "outbound_traffickers",
    )
    grouped(
        PlantingFinding.objects.filter(date__gte=start, date__lte=end),
        "org_unit__path",
        "planting_found",
    )
    grouped(
        Activity.objects.filter(date__gte=start, date__lte=end),
        "org_unit__path",
        "prevention_activities",
    )
    residents = dict(
        Population.objects.filter(org_unit__in=townships, year=start.year)
        .order_by("-kind")  # the registered (户籍) figure counts where both are entered
        .values_list("org_unit_id", "residents")
    )
    due = Obligation.objects.filter(
        org_unit__in=townships, due_date__gte=start, due_date__lte=end
    ).exclude(status=ObligationStatus.WAIVED)
    obligations = {
        row["org_unit_id"]: row
        for row in due.values("org_unit_id")
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(status=ObligationStatus.FULFILLED)),
        )
        .order_by()
    }
    # Only a township with survey answers in the year has a satisfaction figure: the others
    # are not asked one by one.
    from jindu.prevention.models import SurveyResponse

    year_start, year_end = datetime.date(start.year, 1, 1), datetime.date(start.year, 12, 31)
    surveyed = set(
        SurveyResponse.objects.filter(
            org_unit__in=townships,
            survey__period_start__lte=year_end,
            survey__period_end__gte=year_start,
        )
        .values_list("org_unit_id", flat=True)
        .distinct()
    )
    ytd = f"{period}:ytd"
    aggregates: dict[int, dict[str, Aggregate]] = defaultdict(dict)
    for a in Aggregate.objects.filter(org_unit__in=townships, period=ytd):
        aggregates[a.org_unit_id][a.code] = a
    policy = indicator_policy()
    for pk, tf in result.items():
        registered = tf.facts.pop("registered", 0.0)
        people = residents.get(pk)
        tf.facts["registered_per_1000"] = round(1000 * registered / people, 2) if people else None
        row = obligations.get(pk)
        tf.facts["obligations_on_time_share"] = (
            round(100 * row["on_time"] / row["n"], 1) if row and row["n"] else None
        )
        stored = aggregates.get(pk, {})
        if len(stored) == len(policy.targets):
            figures = [(a.code, a.numerator, a.denominator, a.met) for a in stored.values()]
        else:
            figures = [
                (f.code, f.numerator, f.denominator, f.met)
                for f in compute(user, tf.township, datetime.date(start.year, 1, 1), end)
            ]
        judged = [met for _c, _n, _d, met in figures if met is not None]
        tf.facts["targets_met_share"] = (
            round(100 * sum(judged) / len(judged), 1) if judged else None
        )
        control = {c: (n, d) for c, n, d, _m in figures}
        num, den = control.get("medium_high_risk_control_rate", (None, None))
        tf.facts["out_of_control"] = None if den is None else max((den or 0) - (num or 0), 0)
        if pk in surveyed:
            tf.satisfaction = _satisfaction(tf.township, start.year)
    return list(result.values())


def _satisfaction(township: OrgUnit, year: int) -> float | None:
    from jindu.prevention.selectors import survey_figure_for_unit

    found = survey_figure_for_unit(township, year)
    if found is None:
        return None
    return found[1]["satisfaction_rate"]


# ---------------------------------------------------------------- the cockpit page


def visible_townships(user, unit: OrgUnit) -> list[OrgUnit]:
    """The rows of the unit's matrix: a county's townships; above a county (a city, the
    province) the units directly below it that hold townships, each summed from its own."""
    if unit.level == UnitLevel.TOWNSHIP:
        return [unit]
    townships = _townships(user, unit)
    if townships.filter(parent=unit).exists():
        return list(townships.order_by("sort_order", "path"))
    depth = unit.path.count("/")
    below = {t.path.split("/")[depth] for t in townships.only("path")} - {""}
    return list(
        OrgUnit.objects.restrict(user, VIEW)
        .filter(parent=unit, pk__in=[int(pk) for pk in below if pk.isdigit()])
        .order_by("sort_order", "path")
    )


def matrix(user, townships, date_from, date_to) -> dict[int, dict[str, rules.Figure]]:
    """Township × target: the precomputed figures where they are the user's, else live."""
    key = period_key(date_from, date_to)
    policy = indicator_policy()
    cells: dict[int, dict[str, rules.Figure]] = {}
    stored: dict[int, dict[str, Aggregate]] = defaultdict(dict)
    if key:
        usable = [t.pk for t in townships if whole_view(user, t)]
        for a in Aggregate.objects.filter(org_unit_id__in=usable, period=key):
            stored[a.org_unit_id][a.code] = a
    targets = {t.code: t for t in policy.targets}
    for township in townships:
        rows = stored.get(township.pk, {})
        if len(rows) == len(targets):
            cells[township.pk] = {
                code: rules.Figure(
                    code,
                    t.goal,
                    t.name,
                    rows[code].numerator,
                    rows[code].denominator,
                    rows[code].value,
                    t.target,
                    t.comparison,
                    rows[code].met,
                    (t.article,),
                )
                for code, t in targets.items()
            }
        else:
            cells[township.pk] = {f.code: f for f in compute(user, township, date_from, date_to)}
    return cells


def ranking(townships, cells, warnings: dict[int, object]) -> list[dict]:
    """Townships by share of targets met (worst first), with the month's warning."""
    rows = []
    for township in townships:
        judged = [f.met for f in cells[township.pk].values() if f.met is not None]
        share = round(100 * sum(judged) / len(judged), 1) if judged else None
        warning = warnings.get(township.pk)
        rows.append(
            {
                "unit": township,
                "met": sum(judged),
                "judged": len(judged),
                "share": share,
                "warning": warning,
            }
        )
    rows.sort(key=lambda r: (r["share"] is None, r["share"] or 0, r["unit"].path))
    return rows


def listings(user, unit: OrgUnit, today: datetime.date) -> list[dict]:
    from jindu.rectification.models import Designation, DesignationStatus

    out = []
    for d in (
        Designation.objects.restrict(user, VIEW)
        .filter(status=DesignationStatus.ACTIVE, org_unit__path__startswith=unit.path)
        .select_related("org_unit")
        .order_by("due_date")
    ):
        out.append(
            {"designation": d, "days_left": d.days_left(today), "level": d.level_short_name()}
        )
    return out


def overdue_by_unit(user, unit: OrgUnit, today: datetime.date) -> list[dict]:
    from jindu.supervision.models import Obligation, ObligationStatus

    rows = (
        Obligation.objects.restrict(user, VIEW)
        .with_current_status(today)
        .filter(effective_status=ObligationStatus.OVERDUE, org_unit__path__startswith=unit.path)
        .values("org_unit_id", "org_unit__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "org_unit__name")
    )
    return [
        {"unit_id": r["org_unit_id"], "name": r["org_unit__name"], "count": r["n"]} for r in rows
    ]
