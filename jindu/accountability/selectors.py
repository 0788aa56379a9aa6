"""Read side of responsibilities: scoped to the user."""

import datetime

from jindu.core.scoping import VIEW
from jindu.orgs.models import OrgUnit, UnitLevel
from jindu.policy.registry import current_policy
from jindu.rectification.models import Designation, DesignationStatus

from . import rules
from .models import AccountabilityAction, AssistanceAssignment, DutyRecord, Inspection
from .services import tenures_of


def duties_of(user, township: OrgUnit, on: datetime.date) -> list[rules.DutyState]:
    records = {}
    for record in (
        DutyRecord.objects.restrict(user, VIEW)
        .filter(org_unit=township)
        .order_by("checked_on", "id")
    ):
        records[record.duty] = (record.met, f"{record.note}（{record.checked_on}）".strip())
    return rules.duty_checklist(
        current_policy(), tenures=tenures_of(township), records=records, on=on
    )


def duty_overview(user, on: datetime.date):
    """Every township with an active listing (the county's, or the city's at a level that
    brings them, 第二十四条) and its duties: what is missing, at a glance."""
    from django.db.models import Q

    from .services import city_listed_townships

    townships = (
        OrgUnit.objects.restrict(user, VIEW)
        .filter(level=UnitLevel.TOWNSHIP)
        .filter(
            Q(designations__status=DesignationStatus.ACTIVE) | Q(pk__in=city_listed_townships(on))
        )
        .distinct()
        .order_by("path")
    )
    return [(township, duties_of(user, township, on)) for township in townships]


def helpers_of(user, unit: OrgUnit):
    return (
        AssistanceAssignment.objects.restrict(user, VIEW)
        .filter(designation__org_unit=unit, designation__status=DesignationStatus.ACTIVE)
        .select_related("member_unit", "designation")
    )


def inspection_status(user, year: int, on: datetime.date):
    """Active listings in the year, each with its inspections that year; those with fewer than
    the rule book's ``inspections_per_year`` come first (art. 21: at least once a year)."""
    listings = list(
        Designation.objects.restrict(user, VIEW)
        .filter(status=DesignationStatus.ACTIVE, listed_date__lte=on)
        .select_related("org_unit")
    )
    done = {}
    for inspection in Inspection.objects.restrict(user, VIEW).filter(
        date__year=year, date__lte=on, designation__in=listings
    ):
        done.setdefault(inspection.designation_id, []).append(inspection)
    per_year = current_policy().responsibilities.inspections_per_year
    missing = set(
        rules.not_inspected(
            {d.pk: d.listed_date for d in listings},
            {pk: len(found) for pk, found in done.items()},
            year,
            per_year,
        )
    )
    rows = [(d, done.get(d.pk, []), d.pk in missing) for d in listings]
    rows.sort(key=lambda row: (not row[2], row[0].org_unit.path))
    return rows


def _scoped(model, user, base):
    return (base if base is not None else model.objects.all()).restrict(user, VIEW)


def actions(
    user,
    *,
    status: str = "",
    kind: str = "",
    org_unit: int | None = None,
    designation: int | None = None,
    base=None,
):
    """Proposed and decided measures ``user`` may see (the measures page, the API)."""
    queryset = _scoped(AccountabilityAction, user, base).select_related(
        "org_unit", "position", "designation"
    )
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if org_unit is not None:
        queryset = queryset.filter(org_unit_id=org_unit)
    if designation is not None:
        queryset = queryset.filter(designation_id=designation)
    return queryset


def inspections(user, *, designation: int | None = None, year: int | None = None, base=None):
    queryset = _scoped(Inspection, user, base)
    if designation is not None:
        queryset = queryset.filter(designation_id=designation)
    if year is not None:
        queryset = queryset.filter(date__year=year)
    return queryset


def assignments(user, *, designation: int | None = None, member_unit: int | None = None, base=None):
    queryset = _scoped(AssistanceAssignment, user, base)
    if designation is not None:
        queryset = queryset.filter(designation_id=designation)
    if member_unit is not None:
        queryset = queryset.filter(member_unit_id=member_unit)
    return queryset


def duty_evidence(user, designation, on: datetime.date) -> dict[str, list[tuple[str, bool | None]]]:
    """The township duties (art. 22, 24–27) as evidence for the conditions they feed in the
    rule book (feeds_condition), for the assessment of a township's listing."""
    township = designation.org_unit
    if township.level != UnitLevel.TOWNSHIP:
        return {}
    policy = current_policy()
    feeds = {d.code: d.feeds_condition for d in policy.township_duties if d.feeds_condition}
    found: dict[str, list] = {}
    for state in duties_of(user, township, on):
        if state.code in feeds:
            detail = f"（{state.detail}）" if state.detail else ""
            found.setdefault(feeds[state.code], []).append(
                (f"{state.article} {state.name}{detail}", state.met)
            )
    return found
