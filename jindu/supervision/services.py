"""Writing obligations: generated from rules, fulfilled by records, waived with a reason."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.audit import services as audit
from jindu.core import workdays
from jindu.core.errors import Refused
from jindu.core.scoping import require_office
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
    specs = rules.listing_obligations(policy, designation.as_listing(), workdays.calendar())
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


# ---------------------------------------------------------------- recurring obligations


def _owner_units(kind: str) -> list[int]:
    queryset = OrgUnit.objects.filter(is_active=True)
    if kind == "member_unit":
        queryset = queryset.filter(kind="member_unit")
    elif kind == "township":
        queryset = queryset.filter(level=UnitLevel.TOWNSHIP)
    elif kind == "village":
        queryset = queryset.filter(level=UnitLevel.VILLAGE)
    else:
        queryset = queryset.filter(level=UnitLevel.COUNTY)
    return list(queryset.values_list("pk", flat=True))


@transaction.atomic
def seed_campaigns(actor=None) -> int:
    """Create the campaigns the policy file describes (方案三), once; later campaigns are
    entered by the office."""
    from .models import Campaign, Phase

    created = 0
    for spec in get_policy().campaigns:
        campaign, was_created = Campaign.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "start": spec.start,
                "end": spec.end,
                "basis": spec.article,
            },
        )
        if not was_created:
            continue
        created += 1
        for phase in spec.phases:
            Phase.objects.create(
                campaign=campaign,
                code=phase.code,
                name=phase.name,
                start=phase.start,
                end=phase.end,
                tasks="\n".join(phase.tasks),
            )
        audit.record_create(actor, campaign)
    return created


def generate_obligations(actor, as_of, since=None) -> int:
    """Create every recurring obligation whose period has begun between ``since`` (default:
    1 January of ``as_of``'s year) and ``as_of``. Idempotent: existing ones are kept, so the
    daily job and a manual run may overlap. Returns how many were created."""
    import datetime as _dt

    from . import rules as supervision_rules
    from .models import Campaign

    policy = get_policy()
    since = since or _dt.date(as_of.year, 1, 1)
    calendar = workdays.calendar()
    seed_campaigns(actor)
    campaigns = [
        supervision_rules.CampaignDates(c.code, c.start, {p.code: p.end for p in c.phases.all()})
        for c in Campaign.objects.prefetch_related("phases")
    ]
    owners = {kind: _owner_units(kind) for kind in ("member_unit", "township", "village", "county")}
    before = Obligation.objects.count()
    with transaction.atomic():
        for rule in policy.recurring_obligations:
            dues = supervision_rules.due_dates(
                rule, since=since, until=as_of, workdays=calendar, campaigns=campaigns
            )
            if not dues:
                continue
            rows = [
                Obligation(
                    kind=rule.kind,
                    org_unit_id=unit_id,
                    period=due.period,
                    due_date=due.due_date,
                    due_date_known=due.known,
                    basis=[rule.article],
                    policy_id=policy.id,
                    source_model="policy",
                    source_id=policy.id,
                    note=rule.name,
                )
                for kind in rule.owners
                for unit_id in owners[kind]
                for due in dues
            ]
            Obligation.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)
        created = Obligation.objects.count() - before
        if created:
            # One row for the run: the obligations are the rules' output, not anyone's edit.
            audit.record(
                actor,
                "create",
                model_label="supervision.Obligation",
                object_repr=f"generated as of {as_of}",
                changes={
                    "created": [None, created],
                    "as_of": [None, str(as_of)],
                    "since": [None, str(since)],
                },
            )
    return created


@transaction.atomic
def mark_overdue(today) -> int:
    """Open obligations past their due date become overdue (the stored status, for filters)."""
    return Obligation.objects.filter(status=ObligationStatus.OPEN, due_date__lt=today).update(
        status=ObligationStatus.OVERDUE
    )


@transaction.atomic
def reopen(actor, obligation: Obligation, reason: str) -> Obligation:
    """A fulfilling record was sent back (e.g. a report returned): the duty is open again."""
    before = audit.snapshot(obligation)
    obligation.status = (
        ObligationStatus.OVERDUE
        if obligation.due_date < timezone.localdate()
        else ObligationStatus.OPEN
    )
    obligation.fulfilled_at = None
    obligation.fulfilled_by_model = obligation.fulfilled_by_id = ""
    obligation.save()
    audit.record_update(actor, obligation, before)
    return obligation


@transaction.atomic
def waive(actor, obligation: Obligation, reason: str) -> Obligation:
    require_office(actor)
    if not reason.strip():
        raise Refused(_("Give the reason for waiving it."), field="reason")
    if obligation.status not in (ObligationStatus.OPEN, ObligationStatus.OVERDUE):
        raise Refused(_("Only an open obligation can be waived."))
    before = audit.snapshot(obligation)
    obligation.status = ObligationStatus.WAIVED
    obligation.waived_reason = reason.strip()[:300]
    obligation.save()
    audit.record_update(actor, obligation, before)
    return obligation
