"""Writing obligations: generated from rules, fulfilled by records, waived with a reason."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.audit import services as audit
from jindu.core import workdays
from jindu.core.errors import Refused
from jindu.core.scoping import require_office
from jindu.orgs.models import OrgUnit, UnitKind, UnitLevel
from jindu.policy.registry import get_policy

from .models import Obligation, ObligationStatus


def office_unit_for(unit: OrgUnit) -> OrgUnit:
    """Who does the office's part for a listed unit: the county committee for a township,
    the township committee for one of its villages (art. 12, 17)."""
    wanted = UnitLevel.TOWNSHIP if unit.level == UnitLevel.VILLAGE else UnitLevel.COUNTY
    return unit.ancestors().filter(level=wanted).first() or unit


# The former private name, kept for branches written before the rename.
_office_unit_for = office_unit_for


@transaction.atomic
def ensure_obligations(
    actor, specs, *, owners: dict, source, subject_unit: OrgUnit, policy_id: str
) -> list[Obligation]:
    """Create every obligation in ``specs`` that is not there yet (idempotent).

    ``specs`` come from a higher area's rules (e.g. ``rectification.rules.listing_obligations``):
    each has ``kind``, ``owner`` (a key of ``owners``), ``period``, ``due_date``,
    ``due_date_known`` and ``basis``; ``source`` is the record that owes them. Existing
    obligations are left as they are."""
    created = []
    source_model = f"{source._meta.app_label}.{source._meta.object_name}"
    for spec in specs:
        obligation, was_created = Obligation.objects.get_or_create(
            kind=spec.kind,
            org_unit=owners[spec.owner],
            period=spec.period,
            source_model=source_model,
            source_id=str(source.pk),
            defaults={
                "subject_unit": subject_unit,
                "due_date": spec.due_date,
                "due_date_known": spec.due_date_known,
                "basis": list(spec.basis),
                "policy_id": policy_id,
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


@transaction.atomic
def fulfil_many(actor, items) -> list[Obligation]:
    """``fulfil`` for many records at once (a loader's letters): each item is a dict of
    ``fulfil``'s keywords (``kind``, ``org_unit``, ``period``, ``record``, optional ``on``).

    The open obligations of the kinds and units concerned are read in one query and matched
    in memory in the items' order, each exactly as ``fulfil`` would match it (the earliest
    due open or overdue one of the kind, unit and period; an obligation fulfilled by one item
    is not open for the next); the fulfilled ones are written at once and each is audited.
    Items with a ``source`` go through ``fulfil`` one by one. Returns the fulfilled ones."""
    items = list(items)
    plain = [i for i in items if i.get("source") is None]
    open_rows = (
        Obligation.objects.select_for_update()
        .filter(
            kind__in={i["kind"] for i in plain},
            org_unit_id__in={i["org_unit"].pk for i in plain},
            period__in={i["period"] for i in plain},
            status__in=[ObligationStatus.OPEN, ObligationStatus.OVERDUE],
        )
        .order_by("due_date", "pk")
    )
    waiting: dict[tuple, list[Obligation]] = {}
    for obligation in open_rows:
        key = (obligation.kind, obligation.org_unit_id, obligation.period)
        waiting.setdefault(key, []).append(obligation)
    now = timezone.now()
    done: list[tuple[Obligation, dict]] = []
    for item in items:
        if item.get("source") is not None:
            obligation = fulfil(actor, **item)
            if obligation is not None:
                done.append((obligation, {}))
            continue
        queue = waiting.get((item["kind"], item["org_unit"].pk, item["period"]))
        if not queue:
            continue
        obligation = queue.pop(0)
        before = audit.snapshot(obligation)
        on = item.get("on") or timezone.localdate()
        obligation.status = (
            ObligationStatus.LATE if on > obligation.due_date else ObligationStatus.FULFILLED
        )
        obligation.fulfilled_at = now
        obligation.fulfilled_by_model = item["record"]._meta.label
        obligation.fulfilled_by_id = str(item["record"].pk)
        done.append((obligation, before))
    written = [o for o, before in done if before]
    Obligation.objects.bulk_update(
        written,
        ["status", "fulfilled_at", "fulfilled_by_model", "fulfilled_by_id"],
        batch_size=1000,
    )
    for obligation, before in done:
        if before:
            audit.record_update(actor, obligation, before)
    return [o for o, _before in done]


@transaction.atomic
def sync_source_obligations(actor, *, source, specs, policy_id: str = "") -> list[Obligation]:
    """Create the obligations another area's record calls for (e.g. a venue's inspections
    by its grade), each spec a dict with ``kind``, ``org_unit``, ``period``, ``due_date``
    and optional ``basis``, ``note``, ``subject_unit``. Idempotent like the listing's."""
    created = []
    for spec in specs:
        obligation, was_created = Obligation.objects.get_or_create(
            kind=spec["kind"],
            org_unit=spec["org_unit"],
            period=spec["period"],
            source_model=source._meta.label,
            source_id=str(source.pk),
            defaults={
                "subject_unit": spec.get("subject_unit"),
                "due_date": spec["due_date"],
                "due_date_known": spec.get("due_date_known", True),
                "basis": list(spec.get("basis", ())),
                "note": spec.get("note", "")[:300],
                "policy_id": policy_id,
            },
        )
        if was_created:
            audit.record_create(actor, obligation)
            created.append(obligation)
    return created


@transaction.atomic
def waive_source_obligations(actor, *, source, reason: str, kinds=None, after=None) -> int:
    """Open obligations generated by ``source`` lapse (optionally only ``kinds``, or only
    those due after ``after``): e.g. a venue regraded or closed."""
    queryset = Obligation.objects.select_for_update().filter(
        source_model=source._meta.label,
        source_id=str(source.pk),
        status__in=[ObligationStatus.OPEN, ObligationStatus.OVERDUE],
    )
    if kinds is not None:
        queryset = queryset.filter(kind__in=list(kinds))
    if after is not None:
        queryset = queryset.filter(due_date__gt=after)
    count = 0
    for obligation in queryset:
        before = audit.snapshot(obligation)
        obligation.status = ObligationStatus.WAIVED
        obligation.waived_reason = reason[:300]
        obligation.save(update_fields=["status", "waived_reason"])
        audit.record_update(actor, obligation, before)
        count += 1
    return count


# ---------------------------------------------------------------- recurring obligations


def _owner_units(kind: str) -> list[int]:
    queryset = OrgUnit.objects.filter(is_active=True)
    if kind == "member_unit":
        queryset = queryset.filter(kind=UnitKind.MEMBER_UNIT)
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
def fulfil_off_system(actor, obligations, *, note: str, on=None) -> int:
    """History entered later (a decision recorded for a past date) creates duties that were
    done outside the system; the office marks them fulfilled off-system, with a note, in bulk,
    so they do not show as overdue. Only open or overdue ones change."""
    require_office(actor)
    if not note.strip():
        raise Refused(_("Say how the duties were fulfilled outside the system."), field="note")
    count = 0
    ids = [o.pk if hasattr(o, "pk") else int(o) for o in obligations]
    for obligation in Obligation.objects.select_for_update().filter(
        pk__in=ids, status__in=[ObligationStatus.OPEN, ObligationStatus.OVERDUE]
    ):
        before = audit.snapshot(obligation)
        obligation.status = ObligationStatus.OFF_SYSTEM
        obligation.off_system_note = note.strip()[:300]
        obligation.fulfilled_at = timezone.now()
        obligation.save(update_fields=["status", "off_system_note", "fulfilled_at"])
        audit.record_update(actor, obligation, before)
        count += 1
    return count


@transaction.atomic
def waive(actor, obligation: Obligation, reason: str) -> Obligation:
    require_office(actor)
    if not reason.strip():
        raise Refused(_("Give the reason for waiving it."), field="reason")
    if not obligation.is_waivable:
        raise Refused(_("Only an open obligation can be waived."))
    before = audit.snapshot(obligation)
    obligation.status = ObligationStatus.WAIVED
    obligation.waived_reason = reason.strip()[:300]
    obligation.save()
    audit.record_update(actor, obligation, before)
    return obligation
