"""Actions on the organisation: the only code that writes OrgUnit and Position rows."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from jindu.audit import services as audit
from jindu.audit.models import AuditAction
from jindu.core.errors import NotAllowed, Refused
from jindu.core.scoping import CHANGE, may_act_on_unit, require_office
from jindu.core.search import search_key

from . import rules
from .models import OrgUnit, Position, PositionRole, UnitLevel

# Rows per INSERT or UPDATE statement in the bulk actions.
BULK_SIZE = 1000

UNIT_FIELDS = ("code", "name", "kind", "parent", "address", "phone", "sort_order", "is_active")


def _check_unit(unit: OrgUnit, *, exclude_pk=None) -> None:
    errors: dict[str, list[str]] = {}
    parent = unit.parent
    problem = rules.parent_problem(unit.kind, parent.level if parent else None)
    if problem:
        errors.setdefault("parent", []).append(problem)
    problem = rules.code_problem(unit.kind, unit.code, parent.code if parent else None)
    if problem:
        errors.setdefault("code", []).append(problem)
    elif OrgUnit.objects.filter(code=unit.code).exclude(pk=exclude_pk).exists():
        errors.setdefault("code", []).append(_("Another unit already has this code."))
    if not unit.name.strip():
        errors.setdefault("name", []).append(_("The name is required."))
    if parent is not None and exclude_pk is not None and parent.path.startswith(unit.path):
        errors.setdefault("parent", []).append(_("A unit cannot be moved under itself."))
    if errors:
        first = next(iter(errors.values()))[0]
        raise Refused(first, errors=errors)


@transaction.atomic
def create_unit(
    actor,
    *,
    code: str,
    name: str,
    kind: str,
    parent: OrgUnit | None = None,
    address: str = "",
    phone: str = "",
    sort_order: int = 0,
    covers=(),
) -> OrgUnit:
    require_office(actor)
    unit = OrgUnit(
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        parent=parent,
        address=address,
        phone=phone,
        sort_order=sort_order,
    )
    unit.level = rules.level_of(kind)
    _check_unit(unit)
    unit.path = "/"  # provisional: the path needs the primary key
    unit.save()
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    if covers:
        _set_covers(unit, covers)
    audit.record_create(actor, unit)
    return unit


@transaction.atomic
def update_unit(actor, unit: OrgUnit, **changes) -> OrgUnit:
    require_office(actor)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = audit.snapshot(unit)
    old_path = unit.path
    covers = changes.pop("covers", None)
    for name, value in changes.items():
        if name not in UNIT_FIELDS:
            raise TypeError(f"update_unit() got an unexpected field {name!r}")
        setattr(unit, name, value.strip() if isinstance(value, str) else value)
    unit.level = rules.level_of(unit.kind)
    _check_unit(unit, exclude_pk=unit.pk)
    new_path = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
    if unit.children.exists():
        if before["kind"] != unit.kind:
            raise Refused(_("A unit with sub-units cannot change its kind."), field="kind")
        if before["code"] != unit.code:
            # Sub-units' codes are built from this unit's code: they follow it.
            _recode_subtree(actor, old_path, before["code"], unit.code, unit.level)
    if new_path != old_path:
        unit.path = new_path
        _move_subtree(old_path, new_path)
    unit.save()
    if covers is not None:
        _set_covers(unit, covers)
    audit.record_update(actor, unit, before)
    return unit


def _recode_subtree(actor, path: str, old_code: str, new_code: str, level: str) -> None:
    """Give every sub-unit the new code's prefix (a village's 12 digits in its grids' codes,
    a township's 9 in its villages' and grids')."""
    width = rules.CODE_PREFIX.get(level)
    if not width:
        return
    old_prefix, new_prefix = old_code[:width], new_code[:width]
    if old_prefix == new_prefix:
        return
    descendants = list(OrgUnit.objects.filter(path__startswith=path).exclude(path=path))
    new_codes = {d.pk: new_prefix + d.code[width:] for d in descendants}
    clash = (
        OrgUnit.objects.filter(code__in=new_codes.values())
        .exclude(pk__in=[d.pk for d in descendants])
        .first()
    )
    if clash is not None:
        raise Refused(
            _("Re-coding the sub-units would give %(code)s, which %(unit)s already has.")
            % {"code": clash.code, "unit": clash.name},
            field="code",
        )
    for descendant in descendants:
        before = audit.snapshot(descendant)
        descendant.code = new_codes[descendant.pk]
        descendant.save(update_fields=["code"])
        audit.record_update(actor, descendant, before)


def _move_subtree(old_path: str, new_path: str) -> None:
    for child in OrgUnit.objects.filter(path__startswith=old_path).exclude(path=old_path):
        child.path = new_path + child.path[len(old_path) :]
        child.save(update_fields=["path"])


def _set_covers(unit: OrgUnit, covers) -> None:
    covers = list(covers)
    if unit.level != UnitLevel.STATION and not covers:
        return  # the unit form sends an empty selection for every other unit: no change
    if unit.level != UnitLevel.STATION:
        raise Refused(
            _("Only police stations and judicial offices cover townships."), field="covers"
        )
    if any(t.level != UnitLevel.TOWNSHIP for t in covers):
        raise Refused(_("A station can only cover townships or the park."), field="covers")
    unit.covers.set(covers)


@transaction.atomic
def set_coverage(actor, station: OrgUnit, townships) -> OrgUnit:
    return update_unit(actor, station, covers=townships)


def _check_position(position: Position) -> None:
    errors: dict[str, list[str]] = {}
    if not position.holder_name.strip():
        errors.setdefault("holder_name", []).append(_("The holder's name is required."))
    if position.end_date and position.end_date < position.start_date:
        errors.setdefault("end_date", []).append(_("The tenure cannot end before it starts."))
    overlapping = Position.objects.filter(org_unit=position.org_unit, role=position.role).exclude(
        pk=position.pk
    )
    for other in overlapping:
        starts_before_other_ends = other.end_date is None or position.start_date <= other.end_date
        ends_after_other_starts = position.end_date is None or position.end_date >= other.start_date
        if starts_before_other_ends and ends_after_other_starts:
            errors.setdefault("start_date", []).append(
                _("This tenure overlaps %(holder)s's (%(start)s – %(end)s) in the same role.")
                % {
                    "holder": other.holder_name,
                    "start": other.start_date,
                    "end": other.end_date or _("now"),
                }
            )
            break
    if errors:
        raise Refused(next(iter(errors.values()))[0], errors=errors)


@transaction.atomic
def appoint(
    actor,
    *,
    org_unit: OrgUnit,
    role: str,
    holder_name: str,
    start_date: datetime.date,
    title: str = "",
    notes: str = "",
    end_date: datetime.date | None = None,
    holder_email: str = "",
) -> Position:
    """Record that ``holder_name`` takes ``role`` in ``org_unit`` from ``start_date``.

    The current holder's open tenure ends the day before; the history stays.
    """
    if actor is not None and not may_act_on_unit(actor, CHANGE, Position, org_unit):
        raise NotAllowed()
    if role not in PositionRole.values:
        raise Refused(_("Unknown role."), field="role")
    current = (
        Position.objects.select_for_update()
        .filter(org_unit=org_unit, role=role, end_date__isnull=True)
        .first()
    )
    if current is not None and start_date > current.start_date:
        # A later tenure succeeds the open one; an earlier one is history being filled in and
        # must fit before it (the overlap check says so if it does not).
        before = audit.snapshot(current)
        current.end_date = start_date - datetime.timedelta(days=1)
        current.save(update_fields=["end_date"])
        audit.record_update(actor, current, before)
    position = Position(
        org_unit=org_unit,
        role=role,
        holder_name=holder_name.strip(),
        title=title.strip(),
        notes=notes,
        start_date=start_date,
        end_date=end_date,
        holder_email=holder_email,
    )
    _check_position(position)
    position.save()
    audit.record_create(actor, position)
    return position


@transaction.atomic
def update_position(actor, position: Position, **changes) -> Position:
    if actor is not None and not may_act_on_unit(actor, CHANGE, Position, position.org_unit):
        raise NotAllowed()
    position = Position.objects.select_for_update().get(pk=position.pk)
    before = audit.snapshot(position)
    for name, value in changes.items():
        if name not in ("title", "holder_name", "start_date", "end_date", "notes", "holder_email"):
            raise TypeError(f"update_position() got an unexpected field {name!r}")
        setattr(position, name, value)
    _check_position(position)
    position.save()
    audit.record_update(actor, position, before)
    return position


# --- Many at once: the demo county and other loaders ---------------------------------------


@dataclass(frozen=True)
class NewUnit:
    """One unit for ``create_units``: its parent by code (in the same list, earlier, or
    already in the database) and the townships it covers by code (stations)."""

    code: str
    name: str
    kind: str
    parent_code: str | None = None
    sort_order: int = 0
    covers: tuple[str, ...] = ()
    address: str = ""
    phone: str = ""


@transaction.atomic
def create_units(actor, specs: Iterable[NewUnit]) -> dict[str, OrgUnit]:
    """Create many units in one action, checked as ``create_unit`` checks one.

    The same rules (kind under parent, code pattern, unique code, a name, only stations
    cover townships) are asked of every unit before anything is written; the first problem
    refuses the whole list, naming the unit's code. Units are inserted level by level (a
    parent's primary key is part of its children's paths), a thousand rows per statement,
    and each is audited as created. Returns the new units by code.
    """
    require_office(actor)
    specs = list(specs)
    wanted = {s.parent_code for s in specs if s.parent_code} | {c for s in specs for c in s.covers}
    known: dict[str, OrgUnit] = OrgUnit.objects.in_bulk(
        [*wanted, *(s.code for s in specs)], field_name="code"
    )
    new: dict[str, OrgUnit] = {}
    depth: dict[str, int] = {code: unit.depth for code, unit in known.items()}
    for spec in specs:
        code = spec.code.strip()
        if code in known or code in new:
            raise Refused(
                _("Unit %(code)s: another unit already has this code.") % {"code": code},
                field="code",
            )
        parent = None
        if spec.parent_code:
            parent = new.get(spec.parent_code) or known.get(spec.parent_code)
            if parent is None:
                raise Refused(
                    _("Unit %(code)s: its parent %(parent)s does not exist.")
                    % {"code": code, "parent": spec.parent_code},
                    field="parent",
                )
        unit = OrgUnit(
            code=code,
            name=spec.name.strip(),
            kind=spec.kind,
            parent=parent,
            address=spec.address,
            phone=spec.phone,
            sort_order=spec.sort_order,
            level=rules.level_of(spec.kind),
            path="/",
        )
        problem = rules.parent_problem(unit.kind, parent.level if parent else None) or (
            rules.code_problem(unit.kind, unit.code, parent.code if parent else None)
        )
        if not problem and not unit.name:
            problem = _("The name is required.")
        if not problem and spec.covers and unit.level != UnitLevel.STATION:
            problem = _("Only police stations and judicial offices cover townships.")
        covered = [new.get(c) or known.get(c) for c in spec.covers]
        if not problem and any(t is None or t.level != UnitLevel.TOWNSHIP for t in covered):
            problem = _("A station can only cover townships or the park.")
        if problem:
            raise Refused(f"{code}: {problem}", field="code")
        unit.search_key = search_key(unit.name)
        new[code] = unit
        depth[code] = depth[spec.parent_code] + 1 if spec.parent_code else 0
    by_depth: dict[int, list[OrgUnit]] = {}
    for code, unit in new.items():
        by_depth.setdefault(depth[code], []).append(unit)
    # Each unit's parent, kept aside: setting ``parent_id`` clears the cached instance.
    parents = {code: unit.parent for code, unit in new.items()}
    for level_units in (by_depth[d] for d in sorted(by_depth)):
        for unit in level_units:
            unit.parent_id = parents[unit.code].pk if parents[unit.code] else None
        OrgUnit.objects.bulk_create(level_units, batch_size=BULK_SIZE)
        for unit in level_units:
            parent = parents[unit.code]
            unit.parent = parent  # cached again: the caller's units know their parents
            unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        OrgUnit.objects.bulk_update(level_units, ["path"], batch_size=BULK_SIZE)
    Covers = OrgUnit.covers.through
    Covers.objects.bulk_create(
        [
            Covers(
                from_orgunit_id=new[s.code.strip()].pk, to_orgunit_id=(new.get(c) or known[c]).pk
            )
            for s in specs
            for c in s.covers
        ],
        batch_size=BULK_SIZE,
    )
    covers_of = {
        s.code.strip(): sorted((new.get(c) or known[c]).pk for c in s.covers) for s in specs
    }
    for code, unit in new.items():
        after = audit.snapshot(unit, many_to_many=False)
        after["covers"] = covers_of[code]
        audit.record(actor, AuditAction.CREATE, unit, changes=audit.diff({}, after))
    return new


@dataclass(frozen=True)
class NewPosition:
    """One tenure for ``appoint_many``."""

    org_unit: OrgUnit
    role: str
    holder_name: str
    start_date: datetime.date
    title: str = ""
    notes: str = ""
    end_date: datetime.date | None = None
    holder_email: str = ""


@transaction.atomic
def appoint_many(
    actor, specs: Iterable[NewPosition], *, skip_refused: bool = False
) -> tuple[list[Position], list[tuple[NewPosition, str]]]:
    """Record many tenures in one action, each exactly as ``appoint`` records one, in order.

    A later tenure ends the open one of the same unit and role the day before it starts (the
    history stays); a tenure overlapping another in the same role is refused. The existing
    tenures of the units concerned are read once and the new ones inserted at once, each
    audited. By default the first refusal refuses the whole list; with ``skip_refused`` the
    refused tenures are left out and returned with their reasons.
    """
    specs = list(specs)
    units = {s.org_unit.pk: s.org_unit for s in specs}
    if actor is not None:
        for unit in units.values():
            if not may_act_on_unit(actor, CHANGE, Position, unit):
                raise NotAllowed()
    held: dict[tuple[int, str], list[Position]] = {}
    for position in Position.objects.filter(org_unit_id__in=units).order_by("start_date", "pk"):
        held.setdefault((position.org_unit_id, position.role), []).append(position)
    ended: dict[int, tuple[Position, dict]] = {}
    created: list[Position] = []
    refused: list[tuple[NewPosition, str]] = []
    for spec in specs:
        key = (spec.org_unit.pk, spec.role)
        tenures = held.setdefault(key, [])
        position = Position(
            org_unit=spec.org_unit,
            role=spec.role,
            holder_name=spec.holder_name.strip(),
            title=spec.title.strip(),
            notes=spec.notes,
            start_date=spec.start_date,
            end_date=spec.end_date,
            holder_email=spec.holder_email,
        )
        current = next((p for p in reversed(tenures) if p.end_date is None), None)
        succession = current is not None and spec.start_date > current.start_date
        problem = _position_problem(position, tenures, ignore=current if succession else None)
        if spec.role not in PositionRole.values:
            problem = _("Unknown role.")
        if problem:
            if not skip_refused:
                raise Refused(f"{spec.org_unit.name} {spec.holder_name}: {problem}")
            refused.append((spec, problem))
            continue
        if succession:
            if current.pk is not None and current.pk not in ended:
                ended[current.pk] = (current, audit.snapshot(current))
            current.end_date = spec.start_date - datetime.timedelta(days=1)
        tenures.append(position)
        created.append(position)
    for position in created:
        position.search_key = search_key(position.holder_name)
    Position.objects.bulk_create(created, batch_size=BULK_SIZE)
    Position.objects.bulk_update(
        [p for p, _b in ended.values()], ["end_date"], batch_size=BULK_SIZE
    )
    for position, before in ended.values():
        audit.record_update(actor, position, before)
    for position in created:
        audit.record_create(actor, position)
    return created, refused


def _position_problem(position: Position, others: list[Position], ignore=None) -> str:
    """What ``_check_position`` says of ``position`` among ``others`` (in memory); the open
    tenure the new one succeeds (``ignore``) ends the day before it starts."""
    if not position.holder_name:
        return _("The holder's name is required.")
    if position.end_date and position.end_date < position.start_date:
        return _("The tenure cannot end before it starts.")
    for other in others:
        end = other.end_date
        if other is ignore:
            end = position.start_date - datetime.timedelta(days=1)
        starts_before_other_ends = end is None or position.start_date <= end
        ends_after_other_starts = position.end_date is None or position.end_date >= other.start_date
        if starts_before_other_ends and ends_after_other_starts:
            return _(
                "This tenure overlaps %(holder)s's (%(start)s – %(end)s) in the same role."
            ) % {
                "holder": other.holder_name,
                "start": other.start_date,
                "end": end or _("now"),
            }
    return ""
