"""Writing obligations: generated from rules, fulfilled by records, waived with a reason."""

from django.db import transaction
from django.utils import timezone

from jindu.audit import services as audit
from jindu.core.workdays import is_workday
from jindu.orgs.models import OrgUnit, UnitLevel
from jindu.policy.registry import get_policy

from .models import Obligation, ObligationStatus


def _office_unit_for(unit: OrgUnit) -> OrgUnit:
    """Who does the office's part for a listed unit: the county committee for a township,
    the township committee for one of its villages (art. 12, 17)."""
    wanted = UnitLevel.TOWNSHIP if unit.level == UnitLevel.VILLAGE else UnitLevel.COUNTY
    return unit.ancestors().filter(level=wanted).first() or unit


@transaction.atomic
def sync_listing_obligations(actor, designation) -> list[Obligation]:
    """Create every obligation the listing's current state calls for and is not there yet.

    Idempotent: run it after each decision; existing obligations are left as they are.
    """
    from jindu.rectification import rules

    policy = get_policy(designation.policy_id)
    specs = rules.listing_obligations(policy, designation.as_listing(), is_workday)
    owners = {"listed_unit": designation.org_unit, "office": _office_unit_for(designation.org_unit)}
    created = []
    for spec in specs:
        obligation, was_created = Obligation.objects.get_or_create(
            kind=spec.kind,
            org_unit=owners[spec.owner],
            period=spec.period,
            source_model="rectification.Designation",
            source_id=str(designation.pk),
            defaults={
                "subject_unit": designation.org_unit,
                "due_date": spec.due_date,
                "due_date_known": spec.due_date_known,
                "basis": list(spec.basis),
                "policy_id": policy.id,
            },
        )
        if was_created:
            audit.record_create(actor, obligation)
            created.append(obligation)
    return created


@transaction.atomic
def waive_after(actor, designation, day, reason: str) -> int:
    """Open obligations of a listing that fall due after ``day`` lapse (e.g. on lifting)."""
    count = 0
    for obligation in Obligation.objects.select_for_update().filter(
        source_model="rectification.Designation",
        source_id=str(designation.pk),
        status=ObligationStatus.OPEN,
        due_date__gt=day,
    ):
        before = audit.snapshot(obligation)
        obligation.status = ObligationStatus.WAIVED
        obligation.waived_reason = reason[:300]
        obligation.save(update_fields=["status", "waived_reason"])
        audit.record_update(actor, obligation, before)
        count += 1
    return count


@transaction.atomic
def fulfil(
    actor, *, kind: str, org_unit: OrgUnit, period: str, record, source=None, on=None
) -> Obligation | None:
    """Mark the matching open obligation fulfilled by ``record`` on ``on`` (default today);
    after the due date it counts as fulfilled late."""
    queryset = Obligation.objects.select_for_update().filter(
        kind=kind,
        org_unit=org_unit,
        period=period,
        status__in=[ObligationStatus.OPEN, ObligationStatus.OVERDUE],
    )
    if source is not None:
        queryset = queryset.filter(source_model=source._meta.label, source_id=str(source.pk))
    obligation = queryset.order_by("due_date").first()
    if obligation is None:
        return None
    before = audit.snapshot(obligation)
    now = timezone.now()
    obligation.status = (
        ObligationStatus.LATE
        if (on or timezone.localdate()) > obligation.due_date
        else ObligationStatus.FULFILLED
    )
    obligation.fulfilled_at = now
    obligation.fulfilled_by_model = record._meta.label
    obligation.fulfilled_by_id = str(record.pk)
    obligation.save()
    audit.record_update(actor, obligation, before)
    return obligation
