"""The cockpit's business actions, each atomic with its audit row: refresh the aggregates,
compute a month's warning levels (raising what the rule book says), decide a proposal,
generate the briefing schedule's obligations, and issue a briefing frozen at issue."""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.audit import services as audit
from jindu.core.errors import Conflict, Refused
from jindu.core.scoping import VIEW, require_office
from jindu.orgs.models import OrgUnit, UnitLevel
from jindu.supervision.models import Obligation, ObligationKind

from . import rules, selectors
from .models import (
    ActionKind,
    ActionStatus,
    Aggregate,
    Briefing,
    BriefingKind,
    RefreshMark,
    WarningAction,
    WarningRecord,
)
from .policy import indicator_policy

BRIEFING_OBLIGATION = ObligationKind.INDICATORS_BRIEFING
BRIEFING_SOURCE = "indicators.schedule"
NUMBER_PREFIX = "衡禁毒办通"


def _parse_period(period, field: str = "period") -> str:
    try:
        rules.month_bounds(str(period))
    except (ValueError, TypeError):
        raise Refused(
            _("Give the month as YYYY-MM, e.g. 2026-03."),
            errors={field: [_("Give the month as YYYY-MM, e.g. 2026-03.")]},
        ) from None
    return str(period)


def _county() -> OrgUnit | None:
    return (
        OrgUnit.objects.filter(parent__isnull=True, level=UnitLevel.COUNTY).order_by("path").first()
    )


# ---------------------------------------------------------------- aggregates


def _store(keys_rows: list[Aggregate]) -> None:
    Aggregate.objects.bulk_create(
        keys_rows,
        update_conflicts=True,
        unique_fields=["org_unit", "period", "code"],
        update_fields=["numerator", "denominator", "value", "met", "policy_id", "as_of"],
        batch_size=2000,
    )


def _row(unit, key, f, policy, now) -> Aggregate:
    return Aggregate(
        org_unit=unit,
        period=key,
        code=f.code,
        numerator=f.numerator,
        denominator=f.denominator,
        value=f.value,
        met=f.met,
        policy_id=policy.id,
        as_of=now,
    )


def _compute_rows(units, keys, policy, now, codes=None) -> list[Aggregate]:
    """The registry's figures of each unit and period key, computed now by the areas: all
    the units of a key at once (``selectors.compute_for_units``: grouped statements, not a
    round of queries per unit). The full rebuild and the incremental refresh both come here."""
    today = timezone.localdate()
    units = list(units)
    rows = []
    for key in keys:
        date_from, date_to = selectors.bounds_of_key(key)
        # In batches: each statement names its units' subtrees one by one, so a batch of the
        # whole province (the full rebuild) would make every row test 2,000 prefixes.
        for i in range(0, len(units), BATCH):
            batch = units[i : i + BATCH]
            found = selectors.compute_for_units(
                selectors.SYSTEM, batch, date_from, min(date_to, today), codes=codes
            )
            for unit in batch:
                for f in found[unit.pk]:
                    rows.append(_row(unit, key, f, policy, now))
    return rows


# Townships computed together by one round of grouped queries.
BATCH = 100


def _ancestors(townships) -> list[OrgUnit]:
    """Every unit above the given townships (county, city, province), deepest first."""
    paths = set()
    for t in townships:
        parts = t.path.strip("/").split("/")[:-1]
        paths.update("/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1))
    return sorted(OrgUnit.objects.filter(path__in=paths), key=lambda u: -len(u.path))


def _roll_up(ancestors, keys, policy, now, codes=None, *, live=True) -> list[Aggregate]:
    """Each ancestor's figures summed from its townships' stored figures (the rule book's
    ``rollup``); the targets that do not sum are computed for the ancestor itself — with
    ``live`` False (the incremental refresh) only where the ancestor has no figure yet for
    the period: the stored one keeps its own ``as_of``."""
    targets = [t for t in policy.targets if codes is None or t.code in codes]
    live_codes = {t.code for t in targets if t.rollup == "live"}
    rows = []
    today = timezone.localdate()
    for key in keys:
        parts: dict[tuple[int, str], list] = defaultdict(list)
        stored = Aggregate.objects.filter(
            period=key,
            org_unit__level=UnitLevel.TOWNSHIP,
            org_unit__is_active=True,
        ).values_list("org_unit__path", "code", "numerator", "denominator")
        by_path = {a.path: a for a in ancestors}
        for path, code, numerator, denominator in stored.iterator(chunk_size=5000):
            parts_of = path.strip("/").split("/")[:-1]
            for i in range(1, len(parts_of) + 1):
                ancestor = by_path.get("/" + "/".join(parts_of[:i]) + "/")
                if ancestor is not None:
                    parts[(ancestor.pk, code)].append((numerator, denominator))
        date_from, date_to = selectors.bounds_of_key(key)
        for ancestor in ancestors:
            for target in targets:
                if target.code in live_codes:
                    continue
                f = rules.rollup_figure(target, parts.get((ancestor.pk, target.code), []))
                rows.append(_row(ancestor, key, f, policy, now))
        if not live_codes:
            continue
        have: dict[int, set[str]] = defaultdict(set)
        if not live:
            for unit_id, code in Aggregate.objects.filter(
                org_unit__in=ancestors, period=key, code__in=live_codes
            ).values_list("org_unit_id", "code"):
                have[unit_id].add(code)
        needing = [a for a in ancestors if live_codes - have[a.pk]]
        found = selectors.compute_for_units(
            selectors.SYSTEM, needing, date_from, min(date_to, today), codes=live_codes
        )
        for ancestor in needing:
            for f in found[ancestor.pk]:
                if f.code not in have[ancestor.pk]:
                    rows.append(_row(ancestor, key, f, policy, now))
    return rows


def refresh_aggregates(actor, keys: list[str], units=None, *, codes=None) -> int:
    """Recompute the registry's figures for each period key (``2026-03``, ``2026-03:ytd``).
    Without ``units``: every active township computed by the areas, then every unit above
    them (county, city, province) summed from its townships (the full rebuild). With
    ``units``: exactly those units, computed by the areas. ``codes`` limits the targets (a
    chart's series). One upsert per call, audited."""
    require_office(actor)
    policy = indicator_policy()
    now = timezone.now()
    with transaction.atomic():
        if units is None and codes is None:
            # Everything up to now is seen: the incremental refresh starts after it.
            from jindu.audit.models import AuditEvent

            last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            RefreshMark.objects.update_or_create(
                name=REFRESH_MARK, defaults={"last_event_id": last, "refreshed_at": now}
            )
        if units is None:
            townships = list(
                OrgUnit.objects.filter(level=UnitLevel.TOWNSHIP, is_active=True).order_by("path")
            )
            rows = _compute_rows(townships, keys, policy, now, codes)
            _store(rows)
            rollup = _roll_up(_ancestors(townships), keys, policy, now, codes)
            _store(rollup)
            written = len(rows) + len(rollup)
        else:
            rows = _compute_rows(list(units), keys, policy, now, codes)
            _store(rows)
            written = len(rows)
        audit.record(
            actor,
            "update",
            model_label="indicators.Aggregate",
            object_repr=f"aggregates {', '.join(keys)}"[:200],
            changes={"rows": [None, written]},
        )
    return written


REFRESH_MARK = "aggregates"


@dataclass
class Refreshed:
    townships: list[OrgUnit]
    ancestors: list[OrgUnit]
    keys: list[str]
    events: int
    rows: int


def refresh_changed(actor, today: datetime.date | None = None, *, months: int = 2) -> Refreshed:
    """The incremental refresh: the townships whose records changed since the last run (the
    audit rows after the mark, ``changes.read_changes``) are computed again by the areas for
    this month and the last (month and year to date) in grouped statements for all of them
    (``_compute_rows``, the full rebuild's own), and every unit above them is summed again
    (a target that does not sum computed again for the unit itself); a township without the
    period's figures yet (a new month) is computed as well. Nothing else is touched. The
    mark moves in the same transaction."""
    from . import changes

    require_office(actor)
    today = today or timezone.localdate()
    policy = indicator_policy()
    keys = recent_keys(today, months)
    now = timezone.now()
    with transaction.atomic():
        mark, _created = RefreshMark.objects.select_for_update().get_or_create(name=REFRESH_MARK)
        found = changes.read_changes(mark.last_event_id)
        townships = list(
            OrgUnit.objects.filter(level=UnitLevel.TOWNSHIP, is_active=True).order_by("path")
        )
        touched = townships if found.everything else changes.townships_of(found.paths, townships)
        have = set(
            Aggregate.objects.filter(period__in=keys, org_unit__level=UnitLevel.TOWNSHIP)
            .values_list("org_unit_id", "period")
            .distinct()
        )
        missing = {t.pk for t in townships for k in keys if (t.pk, k) not in have}
        touched_ids = {t.pk for t in touched} | missing
        chosen = [t for t in townships if t.pk in touched_ids]
        rows = _compute_rows(chosen, keys, policy, now)
        _store(rows)
        ancestors = _ancestors(chosen)
        # The units above are summed again and their live targets computed again, exactly as
        # the full rebuild does: the refresh and the rebuild give the same rows.
        rollup = _roll_up(ancestors, keys, policy, now) if ancestors else []
        _store(rollup)
        mark.last_event_id = found.last_event_id
        mark.refreshed_at = now
        mark.save()
        if rows or rollup:
            audit.record(
                actor,
                "update",
                model_label="indicators.Aggregate",
                object_repr=f"incremental {', '.join(keys)}: {len(chosen)} townships"[:200],
                changes={"rows": [None, len(rows) + len(rollup)], "events": [None, found.events]},
            )
    return Refreshed(chosen, ancestors, keys, found.events, len(rows) + len(rollup))


def recent_keys(today: datetime.date, months: int) -> list[str]:
    out = []
    for month in rules.months_back(rules.month_of(today), months):
        out += [month, f"{month}:ytd"]
    return out


# ---------------------------------------------------------------- warnings


def compute_warnings(actor, period, townships=None) -> list[WarningRecord]:
    """办法第四、五条: every township's warning score and level for the month, with each
    indicator's contribution; a township reaching a level gets what the rule book says
    (a notice; an interview proposal or a listing candidate for a person to decide).

    One business action written in bulk: the month's records are created or updated in a
    few statements; the audit trail gets one row for the run (every township's level and
    score) and one row per township that reached a level."""
    require_office(actor)
    period = _parse_period(period)
    policy = indicator_policy()
    if townships is None:
        townships = OrgUnit.objects.filter(level=UnitLevel.TOWNSHIP, is_active=True)
    townships = list(townships.order_by("path"))
    facts = selectors.warning_facts(period, townships)
    now = timezone.now()
    with transaction.atomic():
        existing = {
            r.org_unit_id: r
            for r in WarningRecord.objects.select_for_update().filter(
                period=period, org_unit__in=townships
            )
        }
        new, changed, records = [], [], []
        for tf in facts:
            result = rules.warning_score(policy.warning, tf.facts, tf.satisfaction)
            values = {
                "score": result.score,
                "level": result.level,
                "vetoed": result.vetoed,
                "contributions": [
                    {
                        "indicator": c.indicator,
                        "name": c.name,
                        "kind": c.kind,
                        "value": c.value,
                        "weight": c.weight,
                        "points": c.points,
                    }
                    for c in result.contributions
                ],
                "basis": list(result.basis),
                "policy_id": policy.id,
                "computed_at": now,
            }
            record = existing.get(tf.township.pk)
            if record is None:
                record = WarningRecord(org_unit=tf.township, period=period, **values)
                new.append(record)
            else:
                for name, value in values.items():
                    setattr(record, name, value)
                changed.append(record)
            record.org_unit = tf.township
            records.append(record)
        WarningRecord.objects.bulk_create(new, batch_size=1000)
        # One plain UPDATE per recomputed township (a bulk_update's CASE over every row costs
        # more to build than these cost to run).
        for record in changed:
            WarningRecord.objects.filter(pk=record.pk).update(
                score=record.score,
                level=record.level,
                vetoed=record.vetoed,
                contributions=record.contributions,
                basis=record.basis,
                policy_id=record.policy_id,
                computed_at=record.computed_at,
            )
        if new:
            # bulk_create gives primary keys on PostgreSQL and SQLite; read them once anyway
            # so that every record below has one.
            ids = dict(
                WarningRecord.objects.filter(period=period, org_unit__in=townships).values_list(
                    "org_unit_id", "pk"
                )
            )
            for record in new:
                record.pk = record.pk or ids[record.org_unit_id]
        audit.record(
            actor,
            "update",
            model_label="indicators.WarningRecord",
            object_repr=f"warning levels {period}: {len(records)} townships"[:200],
            changes={
                "period": [None, period],
                "created": [None, len(new)],
                "updated": [None, len(changed)],
                "levels": [
                    None,
                    {r.org_unit.code: [r.level, r.score] for r in records if r.level},
                ],
            },
        )
        for record in records:
            if record.level:
                audit.record(
                    actor,
                    "update" if record in changed else "create",
                    record,
                    changes={"level": [None, record.level], "score": [None, record.score]},
                )
                _raise_actions(actor, record, policy)
    return records


def _raise_actions(actor, record: WarningRecord, policy) -> None:
    from jindu.accounts.models import User
    from jindu.supervision.reminders import notify, office_admins

    level = policy.warning.level(record.level)
    if level is None:
        return
    for kind in rules.actions_for(policy.warning, record.level):
        action, created = WarningAction.objects.get_or_create(
            warning=record,
            kind=kind,
            defaults={
                "status": ActionStatus.SENT if kind == ActionKind.NOTICE else ActionStatus.OPEN,
                "basis": [level.article]
                + (["第十六条"] if kind == ActionKind.LISTING_CANDIDATE else []),
            },
        )
        if not created:
            continue
        audit.record_create(actor, action)
        url = f"/indicators/warnings/?period={record.period}&org_unit={record.org_unit_id}"
        if kind == ActionKind.NOTICE:
            notify(
                User.objects.filter(unit=record.org_unit, is_active=True),
                key=f"warning:{record.period}:{record.org_unit_id}:{record.level}",
                text=_("%(month)s: %(unit)s reached %(level)s (score %(score)s).")
                % {
                    "month": record.period,
                    "unit": record.org_unit.name,
                    "level": level.name,
                    "score": record.score,
                },
                url=url,
            )
        else:
            notify(
                office_admins(),
                key=f"warning-{kind}:{record.period}:{record.org_unit_id}",
                text=_("%(month)s: %(unit)s at %(level)s — %(what)s awaits your decision.")
                % {
                    "month": record.period,
                    "unit": record.org_unit.name,
                    "level": level.name,
                    "what": ActionKind(kind).label,
                },
                url=url,
            )


@transaction.atomic
def decide_action(actor, action: WarningAction, accept: bool) -> WarningAction:
    """A person takes up or sets aside a proposal. Taking up a listing candidate does not
    list the township: the office then drafts its proposal under 第十六条 (rectification)."""
    require_office(actor)
    action = WarningAction.objects.select_for_update().get(pk=action.pk)
    if action.status != ActionStatus.OPEN:
        raise Conflict(_("This proposal has already been decided."), basis=list(action.basis))
    before = audit.snapshot(action)
    action.status = ActionStatus.ACCEPTED if accept else ActionStatus.DISMISSED
    action.decided_by = actor
    action.decided_at = timezone.now()
    action.save()
    audit.record_update(actor, action, before)
    return action


# ---------------------------------------------------------------- briefings


def _schedule_source(kind: str, township: OrgUnit | None):
    """The obligation's source key: the kind, and the township for a township's briefing."""
    from types import SimpleNamespace

    pk = kind if township is None else f"{kind}:{township.pk}"
    return SimpleNamespace(_meta=SimpleNamespace(label=BRIEFING_SOURCE), pk=pk)


def listed_townships(on: datetime.date) -> list[OrgUnit]:
    """The townships under rectification or supervision on ``on``."""
    listed = selectors._listed(on).values("org_unit_id")
    return list(OrgUnit.objects.filter(pk__in=listed, level=UnitLevel.TOWNSHIP).order_by("code"))


def generate_briefing_obligations(actor, year: int) -> int:
    """The rule book's briefing schedule becomes the office's obligations (idempotent): a
    county briefing once per period, a township's 毒情通报 (第二十七条) for each township under
    rectification or supervision at the period's start."""
    policy = indicator_policy()
    county = _county()
    if county is None:
        return 0
    rows = []
    for item in rules.briefing_schedule(policy, year):
        if item["scope"] == "county":
            subjects = [None]
        else:
            subjects = listed_townships(rules.period_bounds(item["period"])[0])
        for township in subjects:
            rows.append(
                Obligation(
                    kind=BRIEFING_OBLIGATION,
                    org_unit=county,
                    subject_unit=township,
                    period=item["period"],
                    due_date=item["due_date"],
                    basis=list(item["basis"]),
                    policy_id=policy.id,
                    source_model=BRIEFING_SOURCE,
                    source_id=str(_schedule_source(item["kind"], township).pk),
                    note=item["note"][:300],
                )
            )
    with transaction.atomic():
        before = Obligation.objects.filter(kind=BRIEFING_OBLIGATION).count()
        Obligation.objects.bulk_create(rows, ignore_conflicts=True)
        created = Obligation.objects.filter(kind=BRIEFING_OBLIGATION).count() - before
        if created:
            audit.record(
                actor,
                "create",
                model_label="supervision.Obligation",
                object_repr=f"briefing obligations {year}",
                changes={"created": [None, created], "year": [None, year]},
            )
    return created


def _briefing_period(kind_spec, period) -> str:
    period = str(period or "")
    try:
        rules.period_bounds(period)
        ok = period in rules.briefing_periods(kind_spec.every, int(period[:4]))
    except (ValueError, TypeError):
        ok = False
    if not ok:
        examples = {
            "month": "2026-03",
            "quarter": "2026-Q1",
            "half_year": "2026-H1",
            "year": "2026",
        }
        message = _("Give the period as %(example)s for this kind of briefing.") % {
            "example": examples[kind_spec.every]
        }
        raise Refused(message, errors={"period": [message]}, basis=[kind_spec.article])
    return period


def issue_briefing(actor, *, kind: str, period: str, org_unit: OrgUnit, issued_on=None) -> Briefing:
    """Generate the briefing's Word document from the period's figures and freeze it: the
    stored file, its number, date, issuer and SHA-256 never change afterwards."""
    require_office(actor)
    policy = indicator_policy()
    spec = policy.briefing(kind)
    if spec is None:
        message = _("Choose a kind of briefing from the rule book.")
        raise Refused(message, errors={"kind": [message]})
    period = _briefing_period(spec, period)
    if spec.scope == "township" and org_unit.level != UnitLevel.TOWNSHIP:
        message = _("This briefing is issued for one township.")
        raise Refused(message, errors={"org_unit": [message]}, basis=[spec.article])
    if spec.scope == "county" and org_unit.level != UnitLevel.COUNTY:
        message = _("This briefing is issued for the whole county.")
        raise Refused(message, errors={"org_unit": [message]}, basis=[spec.article])
    if Briefing.objects.filter(kind=kind, period=period, org_unit=org_unit).exists():
        raise Conflict(
            _("This briefing has already been issued; an issued briefing is never changed."),
            basis=[spec.article],
        )
    from . import documents

    issued_on = issued_on or timezone.localdate()
    date_from, date_to = rules.period_bounds(period)
    date_to = min(date_to, issued_on)
    figures = selectors.compute(selectors.SYSTEM, org_unit, date_from, date_to)
    townships = []
    if org_unit.level == UnitLevel.COUNTY:
        townships = list(
            WarningRecord.objects.filter(period=rules.month_of(date_to)).select_related("org_unit")
        )
    trend_code = selectors.DEFAULT_TREND
    # The chart reads the precomputed months (a briefing never waits for 24 months of
    # figures to be computed).
    trend = selectors.series(
        selectors.SYSTEM, org_unit, trend_code, 12, rules.month_of(date_to), precomputed=True
    )
    with transaction.atomic():
        year = issued_on.year
        sequence = Briefing.objects.filter(issued_on__year=year).count() + 1
        number = rules.briefing_number(NUMBER_PREFIX, year, sequence)
        issuer = policy.issuer + "办公室"
        content = documents.briefing_docx(
            title=spec.name,
            number=number,
            issuer=issuer,
            issued_on=issued_on,
            unit=org_unit,
            period=period,
            figures=figures,
            warnings=townships,
            trend=trend,
            trend_name=policy.target(trend_code).name,
            basis=spec.article,
        )
        briefing = Briefing(
            kind=kind,
            period=period,
            org_unit=org_unit,
            number=number,
            issued_on=issued_on,
            issuer=issuer,
            issued_by=actor if getattr(actor, "pk", None) else None,
            sha256=hashlib.sha256(content).hexdigest(),
            figures={
                "as_of": timezone.now().isoformat(),
                "indicators": [
                    {
                        "code": f.code,
                        "numerator": f.numerator,
                        "denominator": f.denominator,
                        "value": f.value,
                        "target": f.target,
                        "met": f.met,
                    }
                    for f in figures
                ],
            },
            policy_id=policy.id,
        )
        briefing.document.save(
            f"{kind}-{period}-{org_unit.code}.docx", ContentFile(content), save=False
        )
        briefing.save()
        audit.record_create(actor, briefing)
        county = _county()
        if county is not None:
            from jindu.supervision.services import fulfil

            fulfil(
                actor,
                kind=BRIEFING_OBLIGATION,
                org_unit=county,
                period=period,
                record=briefing,
                source=_schedule_source(kind, None if spec.scope == "county" else org_unit),
                on=issued_on,
            )
    return briefing


def visible_briefings(user):
    return Briefing.objects.restrict(user, VIEW).select_related("org_unit")


__all__ = ["BriefingKind"]
