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
    """Every township with an active listing and its duties: what is missing, at a glance."""
    townships = (
        OrgUnit.objects.restrict(user, VIEW)
        .filter(level=UnitLevel.TOWNSHIP, designations__status=DesignationStatus.ACTIVE)
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
    """Active listings in the year, each with its inspections that year; those without any
    come first (art. 21: at least once per calendar year)."""
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
    missing = set(rules.not_inspected({d.pk: d.listed_date for d in listings}, set(done), year))
    rows = [(d, done.get(d.pk, []), d.pk in missing) for d in listings]
    rows.sort(key=lambda row: (not row[2], row[0].org_unit.path))
    return rows


def actions(
    user,
    *,
    status: str = "",
    kind: str = "",
    org_unit: int | None = None,
    designation: int | None = None,
):
    queryset = AccountabilityAction.objects.restrict(user, VIEW).select_related(
        "org_unit", "position", "designation"
    )
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if org_unit:
        queryset = queryset.filter(org_unit_id=org_unit)
    if designation:
        queryset = queryset.filter(designation_id=designation)
    return queryset
