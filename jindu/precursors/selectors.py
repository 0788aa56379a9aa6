"""Reads of the precursor area, always through the scoping layer; the pages, the API and
the exports use the same functions, so they cannot disagree."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast

from jindu.core.scoping import VIEW
from jindu.orgs.models import OrgUnit, UnitLevel
from jindu.orgs.subtrees import owners_of, subtrees_q

from . import rules
from .models import (
    Chemical,
    ChemicalInspection,
    ChemicalLicence,
    Enterprise,
    Flag,
    FlagStatus,
    LedgerEntry,
    Reconciliation,
)
from .policy import county_policy

DRILL = ("numerator", "denominator", "gap")


def _scoped(model, user, base):
    return (base if base is not None else model.objects.all()).restrict(user, VIEW)


def _enterprise_id(value):
    return value.pk if isinstance(value, Enterprise) else value


def chemicals(user, *, base=None, category: str = "") -> QuerySet:
    rows = _scoped(Chemical, user, base)
    if category:
        rows = rows.filter(category=category)
    return rows


def enterprises(
    user, *, base=None, q: str = "", org_unit=None, sector: str = "", active=None
) -> QuerySet:
    rows = _scoped(Enterprise, user, base).select_related("org_unit", "station")
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(credit_code__iexact=q.strip().upper()))
    if org_unit is not None:
        if not isinstance(org_unit, OrgUnit):
            org_unit = OrgUnit.objects.filter(pk=org_unit).first()
            if org_unit is None:
                return rows.none()
        rows = rows.filter(org_unit__path__startswith=org_unit.path)
    if sector:
        rows = rows.filter(sector=sector)
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows


def flags(user, *, base=None, enterprise=None, status: str = "", rule: str = "") -> QuerySet:
    rows = _scoped(Flag, user, base).select_related("enterprise", "chemical")
    if enterprise is not None:
        rows = rows.filter(enterprise_id=_enterprise_id(enterprise))
    if status:
        rows = rows.filter(status=status)
    if rule:
        rows = rows.filter(rule=rule)
    return rows


def ledger(
    user, *, base=None, enterprise=None, chemical=None, movement="", date_from=None,
    date_to=None,
) -> QuerySet:  # fmt: skip
    """An enterprise's ledger lines; ``chemical`` is a substance or its catalogue code."""
    rows = _scoped(LedgerEntry, user, base).select_related("enterprise", "chemical", "counterparty")
    if enterprise is not None:
        rows = rows.filter(enterprise_id=_enterprise_id(enterprise))
    if isinstance(chemical, str):
        rows = rows.filter(chemical__code=chemical)
    elif chemical is not None:
        rows = rows.filter(chemical=chemical)
    if movement:
        rows = rows.filter(movement=movement)
    if date_from:
        rows = rows.filter(date__gte=date_from)
    if date_to:
        rows = rows.filter(date__lte=date_to)
    return rows


def licences(user, *, base=None, enterprise=None) -> QuerySet:
    rows = _scoped(ChemicalLicence, user, base)
    if enterprise is not None:
        rows = rows.filter(enterprise_id=_enterprise_id(enterprise))
    return rows


def inspections(user, *, base=None, enterprise=None) -> QuerySet:
    rows = _scoped(ChemicalInspection, user, base)
    if enterprise is not None:
        rows = rows.filter(enterprise_id=_enterprise_id(enterprise))
    return rows


def chemicals_of(enterprise: Enterprise) -> QuerySet:
    """The substances an enterprise's ledger or papers name."""
    used = LedgerEntry.objects.filter(enterprise=enterprise).values("chemical_id")
    papers = ChemicalLicence.objects.filter(enterprise=enterprise).values("chemicals")
    return Chemical.objects.filter(Q(pk__in=used) | Q(pk__in=papers)).order_by("category", "code")


def valid_licences(enterprise: Enterprise, on: datetime.date) -> QuerySet:
    return enterprise.licences.filter(valid_from__lte=on, valid_to__gte=on).filter(
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=on)
    )


# ---------------------------------------------------------------- the four indicators


@dataclass(frozen=True)
class Period:
    unit: OrgUnit
    date_from: datetime.date
    date_to: datetime.date


def kpi_units(user):
    """The units the indicators page offers: the county and its townships; a township its
    own; a station the county (its figures narrowed to what it sees, ``kpi_period``'s default)
    and the townships it covers. The API takes any unit ``kpi_period`` accepts."""
    from jindu.accounts.roles import Role
    from jindu.core.scoping import scope_for

    units = OrgUnit.objects.filter(level__in=(UnitLevel.COUNTY, UnitLevel.TOWNSHIP))
    role = scope_for(user).role
    if role == Role.TOWNSHIP:
        units = units.filter(pk=user.unit_id)
    elif role == Role.POLICE_STATION:
        covered = units.restrict(user, VIEW).values("pk")
        units = units.filter(Q(level=UnitLevel.COUNTY) | Q(pk__in=covered))
    return units.order_by("path")


def kpi_period(user, *, org_unit=None, date_from=None, date_to=None) -> Period:
    """The unit and period of the indicators (``filters.KpiFilter``'s values): by default the
    county (a township: its own unit), 1 January to today. Any unit in the user's
    jurisdiction; the county also for the roles whose scope is not a subtree of it (a
    station, a regulating member unit): the figures are then narrowed to what they see."""
    from django.http import Http404
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from jindu.accounts.roles import Role
    from jindu.core.errors import Refused
    from jindu.core.scoping import scope_for

    role = scope_for(user).role
    if org_unit is None:
        unit = OrgUnit.objects.filter(parent__isnull=True, level=UnitLevel.COUNTY).first()
        if role == Role.TOWNSHIP:
            unit = user.unit
        if unit is None:
            raise Refused(_("Choose the unit."), field="org_unit")
    else:
        units = OrgUnit.objects.filter(
            level__in=(UnitLevel.COUNTY, UnitLevel.TOWNSHIP, UnitLevel.VILLAGE)
        )
        unit = units.restrict(user, VIEW).filter(pk=org_unit).first()
        if unit is None and role != Role.TOWNSHIP:
            unit = units.filter(pk=org_unit, level=UnitLevel.COUNTY).first()
        if unit is None:
            raise Http404
    date_to = date_to or timezone.localdate()
    date_from = date_from or date_to.replace(month=1, day=1)
    if date_from > date_to:
        raise Refused(_("The period starts after it ends."), field="date_from")
    return Period(unit, date_from, date_to)


def _under(unit: OrgUnit, prefix: str = "") -> Q:
    """The rows under ``unit`` (``prefix`` leads to the enterprise). For the one root of the
    tree that is every row: no test at all, so the counts read their own table alone
    instead of joining every row to its enterprise and unit for a prefix everyone matches.
    A list of units (the cockpit's grouped refresh) gives the rows under any of them."""
    if isinstance(unit, list | tuple):
        return subtrees_q(list(unit), f"{prefix}org_unit__path")
    if (
        unit.parent_id is None
        and not OrgUnit.objects.filter(parent__isnull=True).exclude(pk=unit.pk).exists()
    ):
        return Q()
    return Q(**{f"{prefix}org_unit__path__startswith": unit.path})


def _in_unit(user, unit: OrgUnit, on: datetime.date) -> QuerySet:
    return Enterprise.objects.restrict(user, VIEW).filter(
        _under(unit), is_active=True, registered_on__lte=on
    )


def _periods(date_from, date_to) -> list[str]:
    from .run import months

    return [p for p, _a, _b in months(date_from, date_to)]


def _papers_ok(enterprises: QuerySet, on) -> tuple[set[int], set[int]]:
    """(needing papers, holding every paper they need) among ``enterprises``, on ``on``.

    Read for speed at province scale (bench/precursors.py): the activities come as their JSON
    text, decoded and matched against the rule book once per distinct text (a province has a
    handful; decoding 20,000 lists was a fifth of the indicator), and the valid papers are
    read for the same queryset as a subquery (a list of 20,000 ids as parameters took 300 ms
    to send and plan, the subquery 50)."""
    county = county_policy()
    requirement: dict[str, list[tuple[str, ...]]] = {}
    needs: dict[int, list[tuple[str, ...]]] = {}
    rows = enterprises.annotate(activities_text=Cast("activities", TextField())).values_list(
        "pk", "activities_text"
    )
    for pk, text in rows.iterator(chunk_size=5000):
        groups = requirement.get(text)
        if groups is None:
            groups = requirement[text] = rules.required_papers(county, json.loads(text or "[]"))
        if groups:
            needs[pk] = groups
    held: dict[int, set[str]] = {}
    valid = (
        ChemicalLicence.objects.filter(
            enterprise_id__in=enterprises.values("pk"), valid_from__lte=on, valid_to__gte=on
        )
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=on))
        .values_list("enterprise_id", "kind")
    )
    for pk, kind in valid.iterator(chunk_size=5000):
        if pk in needs:
            held.setdefault(pk, set()).add(kind)
    ok = {pk for pk, groups in needs.items() if rules.papers_held(groups, held.get(pk, ()))}
    return set(needs), ok


def _inspected(date_from, date_to) -> Q:
    return Q(
        Exists(
            ChemicalInspection.objects.filter(
                enterprise=OuterRef("pk"), date__gte=date_from, date__lte=date_to
            )
        )
    )


IN_TIME = Q(status=FlagStatus.CLOSED, closed_on__lte=F("due_date"))
RECONCILED = Q(reconciled=True)


def indicator_sets(user, unit: OrgUnit, date_from, date_to):
    """For each indicator, (numerator, denominator) as querysets of the enterprises (or the
    rows) behind them — counted for the figure, listed for the drill-down."""
    base = _in_unit(user, unit, date_to)
    recon = Reconciliation.objects.restrict(user, VIEW).filter(
        _under(unit, "enterprise__"), period__in=_periods(date_from, date_to)
    )
    raised = Flag.objects.restrict(user, VIEW).filter(
        _under(unit, "enterprise__"),
        raised_on__gte=date_from,
        raised_on__lte=date_to,
    )
    return {
        "enterprises_inspected": (base.filter(_inspected(date_from, date_to)), base),
        "ledgers_reconciled": (recon.filter(RECONCILED), recon),
        "flags_closed_in_time": (raised.filter(IN_TIME), raised),
    }


def precursor_kpis(user, unit: OrgUnit, date_from, date_to) -> list[rules.Indicator]:
    """The four indicators: one aggregate per source table (numerator and denominator read
    in the same pass), the drill-down's querysets (``indicator_sets``) narrowed the same way."""
    county = county_policy()
    sets = indicator_sets(user, unit, date_from, date_to)
    numerators = {
        "enterprises_inspected": _inspected(date_from, date_to),
        "ledgers_reconciled": RECONCILED,
        "flags_closed_in_time": IN_TIME,
    }
    counts = {}
    for code, (_num, den) in sets.items():
        got = den.aggregate(n=Count("pk", filter=numerators[code]), d=Count("pk"))
        counts[code] = (got["n"], got["d"])
    needing, ok = _papers_ok(_in_unit(user, unit, date_to), date_to)
    counts["licences_valid"] = (len(ok), len(needing))
    return [rules.indicator(county, i.code, *counts[i.code]) for i in county.indicators]


def precursor_kpis_for_units(user, units, date_from, date_to) -> dict[int, list[rules.Indicator]]:
    """``precursor_kpis`` of each of ``units`` (the cockpit's refresh of many townships): the
    same sets (``indicator_sets`` over all their subtrees), counted grouped by the
    enterprise's unit for every unit of the list whose subtree holds it."""
    county = county_policy()
    units = list({u.pk: u for u in units}.values())
    owners = owners_of(units)
    sets = indicator_sets(user, units, date_from, date_to)
    path_of = {
        "enterprises_inspected": "org_unit__path",
        "ledgers_reconciled": "enterprise__org_unit__path",
        "flags_closed_in_time": "enterprise__org_unit__path",
    }
    counts = {u.pk: {} for u in units}
    for code, (num, den) in sets.items():
        for u in units:
            counts[u.pk][code] = [0, 0]
        for side, rows in ((0, num), (1, den)):
            lookup = path_of[code]
            for path, n in (
                rows.order_by().values(lookup).annotate(n=Count("pk")).values_list(lookup, "n")
            ):
                for pk in owners(path):
                    counts[pk][code][side] += n
    enterprises = _in_unit(user, units, date_to)
    needing, ok = _papers_ok(enterprises, date_to)
    for u in units:
        counts[u.pk]["licences_valid"] = [0, 0]
    for pk, path in enterprises.values_list("pk", "org_unit__path"):
        for owner in owners(path):
            counts[owner]["licences_valid"][0] += pk in ok
            counts[owner]["licences_valid"][1] += pk in needing
    return {
        u.pk: [rules.indicator(county, i.code, *counts[u.pk][i.code]) for i in county.indicators]
        for u in units
    }


def kpi_enterprises(user, unit: OrgUnit, date_from, date_to, code: str, which: str) -> QuerySet:
    """The enterprises behind one indicator's numerator, denominator or gap."""
    if which not in DRILL:
        raise ValueError(which)
    base = _in_unit(user, unit, date_to)
    if code == "licences_valid":
        needing, ok = _papers_ok(base, date_to)
        ids = {"numerator": ok, "denominator": needing, "gap": needing - ok}[which]
        return base.filter(pk__in=ids)
    num, den = indicator_sets(user, unit, date_from, date_to)[code]
    if code == "enterprises_inspected":
        chosen = {"numerator": num, "denominator": den, "gap": den.exclude(pk__in=num)}[which]
        return chosen
    rows = {"numerator": num, "denominator": den, "gap": den.exclude(pk__in=num.values("pk"))}
    return Enterprise.objects.restrict(user, VIEW).filter(
        pk__in=rows[which].values("enterprise_id")
    )


def round_enterprises(user, round_, *, unit: OrgUnit | None = None) -> QuerySet:
    """The enterprises a round must reach: every active one registered by its end, in the
    user's jurisdiction (and ``unit``'s subtree)."""
    base = Enterprise.objects.restrict(user, VIEW).filter(
        is_active=True, registered_on__lte=round_.date_to
    )
    if unit is not None:
        base = base.filter(org_unit__path__startswith=unit.path)
    return base


def round_missing(user, round_, *, unit: OrgUnit | None = None) -> QuerySet:
    """The enterprises the round has not reached yet (no inspection recorded in it)."""
    reached = ChemicalInspection.objects.filter(enterprise=OuterRef("pk"), round=round_)
    return (
        round_enterprises(user, round_, unit=unit)
        .exclude(Exists(reached))
        .select_related("org_unit", "station")
        .order_by("org_unit__path", "name", "id")
    )


def census_progress(user, round_, *, unit: OrgUnit | None = None) -> tuple[int, int]:
    """(enterprises inspected in the round, enterprises registered by its end)."""
    base = round_enterprises(user, round_, unit=unit)
    reached = ChemicalInspection.objects.filter(enterprise=OuterRef("pk"), round=round_)
    return base.filter(Exists(reached)).count(), base.count()


def round_progress_by_unit(user, round_) -> list[dict]:
    """Reached / total per township the user sees (townships with enterprises to reach)."""
    townships = OrgUnit.objects.restrict(user, VIEW).filter(level=UnitLevel.TOWNSHIP)
    rows = []
    for township in townships.order_by("path"):
        reached, total = census_progress(user, round_, unit=township)
        if total:
            rows.append({"unit": township, "reached": reached, "total": total})
    return rows


def precursor_kpis_by_township(user, unit: OrgUnit, date_from, date_to) -> list[dict]:
    """The county roll-up: the four indicators for each township under ``unit`` that the
    user may see (the same computation as the unit's own figures, per township)."""
    townships = OrgUnit.objects.restrict(user, VIEW).filter(
        path__startswith=unit.path, level=UnitLevel.TOWNSHIP, is_active=True
    )
    return [
        {"unit": t, "indicators": precursor_kpis(user, t, date_from, date_to)}
        for t in townships.exclude(pk=unit.pk).order_by("path")
    ]
