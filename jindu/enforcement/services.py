"""Actions of the enforcement area. Each takes the acting user first (``None`` for the
system: the demo loader, scheduled jobs, the public tip form), checks permission, validates
through the rules, writes and audits in one transaction, and raises ``Refused`` naming the
field (nothing is changed then)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.audit import context as audit_context
from jindu.audit import services as audit
from jindu.audit.models import AuditAction
from jindu.control import crypto
from jindu.control import rules as control_rules
from jindu.control.models import Person
from jindu.core import workdays
from jindu.core.errors import Conflict, NotAllowed, Refused
from jindu.core.scoping import CHANGE, VIEW, is_office, require_office, scope_for
from jindu.orgs.models import OrgUnit, UnitKind, UnitLevel
from jindu.supervision import reminders
from jindu.supervision import services as supervision
from jindu.supervision.models import Obligation, ObligationKind, ObligationStatus

from . import rollup, rules
from .access import enforcement_scope, sees_full_ids
from .models import (
    Case,
    Den,
    DenKind,
    Disposal,
    EradicationPatrol,
    Gang,
    Gender,
    IdentityAccess,
    IdentitySubject,
    InspectionMode,
    OutboundTrafficker,
    OutboundWork,
    PlantingFinding,
    PoliceAuthority,
    Population,
    PopulationKind,
    ProductionIncident,
    Seizure,
    Species,
    Suspect,
    SuspectRole,
    Tip,
    TipChannel,
    TipStatus,
    TraffickerSource,
    Venue,
    VenueInspection,
    VenueSanction,
    WorkKind,
)
from .policy import enforcement_policy

HOUSEHOLD_LEVELS = (UnitLevel.TOWNSHIP, UnitLevel.VILLAGE, UnitLevel.GRID)


def today() -> datetime.date:
    return timezone.localdate()


def _snapshot(obj) -> dict:
    return audit.snapshot(obj, exclude=("password", *getattr(obj, "secret_fields", ())))


def _audit_create(actor, obj) -> None:
    audit.record(actor, AuditAction.CREATE, obj, changes=audit.diff({}, _snapshot(obj)))


def _audit_update(actor, obj, before: dict) -> None:
    changes = audit.diff(before, _snapshot(obj))
    if changes:
        audit.record(actor, AuditAction.UPDATE, obj, changes=changes)


def _raise(problems) -> None:
    if problems:
        errors: dict[str, list] = {}
        basis: list[str] = []
        for p in problems:
            errors.setdefault(p.field, []).append(p.message)
            basis.extend(b for b in p.basis if b not in basis)
        raise Refused(problems[0].message, errors=errors, basis=basis)


def _require_unit(actor, model, unit: OrgUnit, field: str = "org_unit") -> None:
    """The actor may change ``model`` records attached to ``unit``."""
    if actor is None:
        return
    scope = enforcement_scope(actor)
    if not scope.may(CHANGE, model) or not scope.covers_path(unit.path):
        raise NotAllowed(_("You may not record this for that unit."), field=field)


def _require_change(actor, obj, action: str = CHANGE) -> None:
    if actor is None:
        return
    if not type(obj).objects.restrict(actor, action).filter(pk=obj.pk).exists():
        raise NotAllowed()


def _require_may(actor, action: str, model, message=None) -> None:
    """The actor's role may take ``action`` on ``model`` records (the model's named actions);
    the system itself (``actor`` None) may."""
    if actor is not None and not enforcement_scope(actor).may(action, model):
        raise NotAllowed(message)


def _township(unit: OrgUnit | None, field: str = "org_unit") -> OrgUnit:
    if unit is None or unit.level != UnitLevel.TOWNSHIP or not unit.is_active:
        raise Refused(_("Choose the township (乡镇/园区)."), field=field)
    return unit


def _not_future(day, field: str) -> None:
    if day is not None and day > today():
        raise Refused(_("The date cannot be in the future."), field=field)


def _decimal(value, field: str) -> Decimal:
    try:
        return Decimal(str(value if value not in (None, "") else 0))
    except (InvalidOperation, ValueError):
        raise Refused(_("Enter a number."), field=field) from None


def _choice(value: str, choices, field: str) -> str:
    if value not in choices:
        raise Refused(_("Unknown value “%(value)s”.") % {"value": value}, field=field)
    return value


def _id_number(value: str, gender: str, *, required: bool) -> str:
    number = (value or "").strip().upper()
    if not number:
        if required:
            raise Refused(_("Enter the identity number."), field="id_number")
        return ""
    check = control_rules.check_id_number(number, gender=gender or None, today=today())
    if not check.valid:
        raise Refused(check.errors[0], errors={"id_number": list(check.errors)})
    return check.number


def _set_id(obj, number: str) -> None:
    obj.id_number = number  # core.protected.ProtectedNumber: ciphertext, hash and mask


def _household(unit: OrgUnit | None, *, required: bool) -> OrgUnit | None:
    if unit is None:
        if required:
            raise Refused(
                _("Choose the township or village of household registration."),
                field="household_unit",
            )
        return None
    if unit.level not in HOUSEHOLD_LEVELS:
        raise Refused(
            _("Household registration is a township, village or grid."), field="household_unit"
        )
    return unit


# ---------------------------------------------------------------- police authority


@transaction.atomic
def set_police_authority(actor, *, unit: OrgUnit, area: OrgUnit) -> PoliceAuthority:
    """Mark a member unit as the county's police (县公安局): its staff see the enforcement
    records of ``area``'s subtree. The office's decision."""
    require_office(actor)
    if unit.kind != UnitKind.MEMBER_UNIT:
        raise Refused(_("The police authority is a member unit."), field="unit")
    if not area.is_geographic:
        raise Refused(_("The area is a county or township."), field="area")
    authority, created = PoliceAuthority.objects.get_or_create(unit=unit, defaults={"area": area})
    if created:
        _audit_create(actor, authority)
    else:
        before = _snapshot(authority)
        authority.area, authority.is_active = area, True
        authority.save()
        _audit_update(actor, authority, before)
    return authority


# ---------------------------------------------------------------- cases


def _case_values(actor, *, kind, offence, filed_date, solved_date, org_unit, handling_unit, flags):
    policy = enforcement_policy()
    flags = list(dict.fromkeys(flags or ()))
    _raise(
        rules.case_problems(
            policy,
            kind=kind,
            offence=offence,
            filed_date=filed_date,
            solved_date=solved_date,
            flags=flags,
            today=today(),
        )
    )
    _township(org_unit)
    if handling_unit is not None and handling_unit.level not in (
        UnitLevel.STATION,
        UnitLevel.DEPARTMENT,
    ):
        raise Refused(
            _("The handling unit is a police station or the police bureau."), field="handling_unit"
        )
    entry = rules.offence_for(policy, kind, offence, filed_date)
    return policy, entry, flags


@transaction.atomic
def record_case(
    actor,
    *,
    number: str,
    kind: str,
    offence: str,
    filed_date: datetime.date,
    org_unit: OrgUnit,
    solved_date: datetime.date | None = None,
    handling_unit: OrgUnit | None = None,
    flags=(),
    notes: str = "",
) -> Case:
    number = (number or "").strip()
    if not number:
        raise Refused(_("Enter the case number."), field="number")
    policy, entry, flags = _case_values(
        actor,
        kind=kind,
        offence=offence,
        filed_date=filed_date,
        solved_date=solved_date,
        org_unit=org_unit,
        handling_unit=handling_unit,
        flags=flags,
    )
    _require_unit(actor, Case, org_unit)
    if handling_unit is None and actor is not None and actor.unit_id:
        unit = actor.unit
        if unit.level in (UnitLevel.STATION, UnitLevel.DEPARTMENT) and not is_office(actor):
            handling_unit = unit
    if Case.objects.filter(number=number).exists():
        raise Conflict(_("A case with this number is already recorded."), field="number")
    case = Case(
        number=number,
        kind=kind,
        offence=offence,
        offence_article=entry.article,
        filed_date=filed_date,
        solved_date=solved_date,
        org_unit=org_unit,
        handling_unit=handling_unit,
        flags=flags,
        notes=notes,
        policy_id=policy.policy_ids,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise Conflict(_("A case with this number is already recorded."), field="number") from None
    rollup.mark_stale((case.org_unit_id, case.solved_date))
    _audit_create(actor, case)
    return case


@transaction.atomic
def update_case(actor, case: Case, **changes) -> Case:
    _require_change(actor, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    before = _snapshot(case)
    before_place = (case.org_unit_id, case.solved_date)
    allowed = {
        "number",
        "kind",
        "offence",
        "filed_date",
        "solved_date",
        "org_unit",
        "handling_unit",
        "flags",
        "notes",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise Refused(_("These fields cannot be changed here."), field=sorted(unknown)[0])
    values = {name: changes.get(name, getattr(case, name)) for name in allowed}
    values["number"] = (values["number"] or "").strip()
    if not values["number"]:
        raise Refused(_("Enter the case number."), field="number")
    policy, entry, flags = _case_values(
        actor,
        kind=values["kind"],
        offence=values["offence"],
        filed_date=values["filed_date"],
        solved_date=values["solved_date"],
        org_unit=values["org_unit"],
        handling_unit=values["handling_unit"],
        flags=values["flags"],
    )
    if values["org_unit"].pk != case.org_unit_id:
        _require_unit(actor, Case, values["org_unit"])
    if Case.objects.filter(number=values["number"]).exclude(pk=case.pk).exists():
        raise Conflict(_("A case with this number is already recorded."), field="number")
    for name, value in values.items():
        setattr(case, name, value)
    case.flags = flags
    case.offence_article = entry.article
    case.policy_id = policy.policy_ids
    case.save()
    # Its figures leave the township and month it was solved in, and join the ones now.
    rollup.mark_stale(before_place, (case.org_unit_id, case.solved_date))
    _audit_update(actor, case, before)
    return case


def _case_changed(case: Case) -> None:
    """A suspect, seizure, gang or den was added: the case's month is recounted (its 破案
    date as stored, whatever the caller's copy says)."""
    # Locked: a concurrent change of the case's date or township either ends first (and
    # this marks its new place) or waits for this write (and marks both places itself).
    place = Case.objects.select_for_update().filter(pk=case.pk)
    rollup.mark_stale(*place.values_list("org_unit_id", "solved_date"))


def _registered_person(number: str) -> Person | None:
    if not number:
        return None
    return Person.objects.filter(id_hash=crypto.lookup_hash(number)).first()


@transaction.atomic
def add_suspect(
    actor,
    case: Case,
    *,
    name: str,
    gender: str,
    id_number: str = "",
    household_unit: OrgUnit | None = None,
    role: str = SuspectRole.OFFENDER,
    disposal: str,
    person: Person | None = None,
) -> Suspect:
    """A suspect of the case. A registered drug user is linked to their file by the keyed
    hash of the identity number (no number is ever compared in clear)."""
    _require_change(actor, case)
    if not (name or "").strip():
        raise Refused(_("Enter the name."), field="name")
    _choice(gender, Gender.values, "gender")
    _choice(role, SuspectRole.values, "role")
    _choice(disposal, Disposal.values, "disposal")
    number = _id_number(id_number, gender, required=False)
    _household(household_unit, required=False)
    linked = _registered_person(number)
    if person is not None:
        if linked is not None and linked.pk != person.pk:
            raise Refused(
                _("The identity number belongs to another registered person."), field="person"
            )
        if linked is None and number and person.id_hash != crypto.lookup_hash(number):
            raise Refused(_("The identity number is not that registered person's."), field="person")
        linked = person
    suspect = Suspect(
        case=case,
        name=name.strip(),
        gender=gender,
        household_unit=household_unit,
        role=role,
        disposal=disposal,
        person=linked,
    )
    _set_id(suspect, number)
    suspect.save()
    _case_changed(case)
    _audit_create(actor, suspect)
    return suspect


@transaction.atomic
def add_seizure(actor, case: Case, *, drug_type: str, grams=0, pills: int = 0) -> Seizure:
    _require_change(actor, case)
    policy = enforcement_policy()
    grams = _decimal(grams, "grams")
    _raise(rules.seizure_problems(policy, drug_type=drug_type, grams=grams, pills=pills))
    equivalent = rules.heroin_equivalent(policy, drug_type, grams)
    seizure = Seizure.objects.create(
        case=case,
        drug_type=drug_type,
        grams=grams,
        pills=pills or 0,
        heroin_factor=equivalent.factor,
        heroin_equivalent_grams=equivalent.grams,
        policy_id=policy.policy_ids,
    )
    _case_changed(case)
    _audit_create(actor, seizure)
    return seizure


@transaction.atomic
def add_gang(actor, case: Case, *, name: str, members=(), member_count: int | None = None) -> Gang:
    """A gang broken up in the case, with its members (suspects of the case); it counts from
    the county's minimum number of members."""
    _require_change(actor, case)
    if not (name or "").strip():
        raise Refused(_("Enter the name."), field="name")
    members = list(members)
    foreign = [m for m in members if m.case_id != case.pk]
    if foreign:
        raise Refused(_("Members are suspects of this case."), field="members")
    count = max(member_count or 0, len(members))
    _raise(rules.gang_problems(enforcement_policy(), count))
    gang = Gang.objects.create(case=case, name=name.strip(), member_count=count)
    gang.members.set(members)
    _case_changed(case)
    _audit_create(actor, gang)
    return gang


@transaction.atomic
def add_den(actor, case: Case, *, kind: str, place: str) -> Den:
    _require_change(actor, case)
    _choice(kind, DenKind.values, "kind")
    if not (place or "").strip():
        raise Refused(_("Enter the place."), field="place")
    den = Den.objects.create(case=case, kind=kind, place=place.strip())
    _case_changed(case)
    _audit_create(actor, den)
    return den


# ---------------------------------------------------------------- identities (logged)


def _log_identity(actor, subject: str, obj, unit: OrgUnit, reason: str) -> None:
    if not (reason or "").strip():
        raise Refused(_("Give the reason for viewing."), field="reason")
    access = IdentityAccess.objects.create(
        user=actor,
        subject=subject,
        object_id=obj.pk,
        org_unit=unit,
        reason=reason.strip()[:200],
        ip=audit_context.current().ip,
    )
    audit.record(actor, AuditAction.CREATE, access, changes={"subject": [None, subject]})


@transaction.atomic
def reveal_id_number(actor, obj, *, reason: str) -> str:
    """A suspect's or trafficker's full identity number, for the police and the office,
    logged (who, when, which, why); the township sees it masked only."""
    if actor is None or not type(obj).objects.restrict(actor, VIEW).filter(pk=obj.pk).exists():
        raise NotAllowed()
    if not sees_full_ids(actor):
        raise NotAllowed(_("Only the police and the office see full identity numbers."))
    if isinstance(obj, Suspect):
        _log_identity(actor, IdentitySubject.SUSPECT, obj, obj.case.org_unit, reason)
    else:
        _log_identity(actor, IdentitySubject.TRAFFICKER, obj, obj.household_unit, reason)
    return obj.id_number


@transaction.atomic
def reveal_reporter(actor, tip: Tip, *, reason: str) -> dict:
    """The reporter's name and contact: the office alone, every showing logged."""
    if actor is None:
        raise NotAllowed(_("Only the county office sees who reported a tip."))
    _require_may(
        actor, "reveal_reporter", Tip, _("Only the county office sees who reported a tip.")
    )
    _log_identity(actor, IdentitySubject.TIP_REPORTER, tip, tip.org_unit, reason)
    return {
        "reporter_name": tip.reporter_name,
        "reporter_phone": tip.reporter_phone,
    }


# ---------------------------------------------------------------- outbound traffickers


@transaction.atomic
def record_outbound(
    actor,
    *,
    name: str,
    gender: str,
    id_number: str,
    household_unit: OrgUnit,
    arrest_date: datetime.date,
    arrest_place: str,
    arresting_agency: str,
    disposal: str,
    source: str,
    drug_type: str = "",
    grams=0,
    role: str = "",
    destination: str = "",
    case_number: str = "",
    notes: str = "",
) -> OutboundTrafficker:
    if not (name or "").strip():
        raise Refused(_("Enter the name."), field="name")
    _choice(gender, Gender.values, "gender")
    number = _id_number(id_number, gender, required=True)
    household = _household(household_unit, required=True)
    _require_unit(actor, OutboundTrafficker, household, "household_unit")
    if arrest_date is None:
        raise Refused(_("Enter the arrest date."), field="arrest_date")
    _not_future(arrest_date, "arrest_date")
    if not (arrest_place or "").strip():
        raise Refused(_("Enter where the person was arrested."), field="arrest_place")
    if not (arresting_agency or "").strip():
        raise Refused(_("Enter the arresting agency."), field="arresting_agency")
    _choice(disposal, Disposal.values, "disposal")
    _choice(source, TraffickerSource.values, "source")
    if role:
        _choice(role, SuspectRole.values, "role")
    grams = _decimal(grams, "grams")
    if grams < 0:
        raise Refused(_("The weight cannot be negative."), field="grams")
    if drug_type and drug_type not in enforcement_policy().heroin_factors:
        raise Refused(_("Unknown drug type “%(code)s”.") % {"code": drug_type}, field="drug_type")
    township = household if household.level == UnitLevel.TOWNSHIP else household.township()
    trafficker = OutboundTrafficker(
        name=name.strip(),
        gender=gender,
        household_unit=household,
        township=township,
        destination=destination,
        arrest_date=arrest_date,
        arrest_place=arrest_place.strip(),
        arresting_agency=arresting_agency.strip(),
        case_number=case_number,
        drug_type=drug_type,
        grams=grams,
        role=role,
        disposal=disposal,
        source=source,
        notes=notes,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _set_id(trafficker, number)
    trafficker.save()
    _audit_create(actor, trafficker)
    return trafficker


@transaction.atomic
def add_outbound_work(
    actor, trafficker: OutboundTrafficker, *, date, kind: str, summary: str, by_name: str
) -> OutboundWork:
    if actor is not None:
        scope = enforcement_scope(actor)
        visible = OutboundTrafficker.objects.restrict(actor, VIEW).filter(pk=trafficker.pk)
        if not scope.may(CHANGE, OutboundWork) or not visible.exists():
            raise NotAllowed()
    if date is None:
        raise Refused(_("Enter the date."), field="date")
    _not_future(date, "date")
    _choice(kind, WorkKind.values, "kind")
    if not (summary or "").strip():
        raise Refused(_("Describe what was done."), field="summary")
    if not (by_name or "").strip():
        raise Refused(_("Enter who did it."), field="by_name")
    work = OutboundWork.objects.create(
        trafficker=trafficker,
        date=date,
        kind=kind,
        summary=summary.strip(),
        by_name=by_name.strip(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _audit_create(actor, work)
    return work


# ---------------------------------------------------------------- eradication


@transaction.atomic
def record_patrol(
    actor,
    *,
    org_unit: OrgUnit,
    date,
    area: str,
    area_covered_mu,
    staff: int = 1,
    drones: int = 0,
    area_total_mu=None,
    notes: str = "",
) -> EradicationPatrol:
    _township(org_unit)
    _require_unit(actor, EradicationPatrol, org_unit)
    if date is None:
        raise Refused(_("Enter the date."), field="date")
    _not_future(date, "date")
    if not (area or "").strip():
        raise Refused(_("Enter the area patrolled."), field="area")
    covered = _decimal(area_covered_mu, "area_covered_mu")
    if covered <= 0:
        raise Refused(_("The area covered must be more than 0."), field="area_covered_mu")
    total = None if area_total_mu in (None, "") else _decimal(area_total_mu, "area_total_mu")
    if total is not None and total < covered:
        raise Refused(
            _("The area to cover cannot be smaller than the area covered."), field="area_total_mu"
        )
    if staff is None or staff < 1:
        raise Refused(_("At least one person patrols."), field="staff")
    patrol = EradicationPatrol.objects.create(
        org_unit=org_unit,
        date=date,
        area=area.strip(),
        staff=staff,
        drones=drones or 0,
        area_covered_mu=covered,
        area_total_mu=total,
        coverage_pct=(covered / total * 100).quantize(Decimal("0.01")) if total else None,
        notes=notes,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _audit_create(actor, patrol)
    return patrol


def _notify_office(key: str, text: str, url: str = "") -> None:
    transaction.on_commit(
        lambda: reminders.notify(reminders.office_admins(), key=key, text=text, url=url)
    )


@transaction.atomic
def record_planting(
    actor,
    *,
    org_unit: OrgUnit,
    date,
    species: str,
    plants: int,
    place: str = "",
    patrol: EradicationPatrol | None = None,
    case: Case | None = None,
) -> PlantingFinding:
    """Illegal planting found: the township's 零种植 target turns red for the year and the
    office is told at once (方案一（二）)."""
    _township(org_unit)
    _require_unit(actor, PlantingFinding, org_unit)
    if date is None:
        raise Refused(_("Enter the date."), field="date")
    _not_future(date, "date")
    _choice(species, Species.values, "species")
    if plants is None or plants < 1:
        raise Refused(_("Enter how many plants were eradicated (at least 1)."), field="plants")
    if patrol is not None and patrol.org_unit_id != org_unit.pk:
        raise Refused(_("The patrol is of another township."), field="patrol")
    finding = PlantingFinding.objects.create(
        org_unit=org_unit,
        date=date,
        species=species,
        plants=plants,
        place=place,
        patrol=patrol,
        case=case,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _audit_create(actor, finding)
    _notify_office(
        f"enforcement:planting:{finding.pk}",
        _("Illegal planting found in %(unit)s on %(date)s: the 零种植 target is not met.")
        % {"unit": org_unit.name, "date": date},
        "/enforcement/targets/",
    )
    return finding


@transaction.atomic
def record_production(
    actor, *, org_unit: OrgUnit, date, place: str, description: str, case: Case | None = None
) -> ProductionIncident:
    _township(org_unit)
    _require_unit(actor, ProductionIncident, org_unit)
    if date is None:
        raise Refused(_("Enter the date."), field="date")
    _not_future(date, "date")
    if not (place or "").strip():
        raise Refused(_("Enter the place."), field="place")
    if not (description or "").strip():
        raise Refused(_("Describe what was found."), field="description")
    incident = ProductionIncident.objects.create(
        org_unit=org_unit,
        date=date,
        place=place.strip(),
        description=description.strip(),
        case=case,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _audit_create(actor, incident)
    _notify_office(
        f"enforcement:production:{incident.pk}",
        _("Drug production found in %(unit)s on %(date)s: the 零发生 target is not met.")
        % {"unit": org_unit.name, "date": date},
        "/enforcement/targets/",
    )
    return incident


# ---------------------------------------------------------------- venues


def _venue_values(policy, *, kind, org_unit, station, opened_date, filed_date):
    if policy.venue_kind(kind) is None:
        raise Refused(_("Unknown venue kind “%(code)s”.") % {"code": kind}, field="kind")
    _township(org_unit)
    if station is None or station.kind != UnitKind.POLICE_STATION:
        raise Refused(_("Choose the covering police station."), field="station")
    _not_future(opened_date, "opened_date")
    _not_future(filed_date, "filed_date")
    if opened_date and filed_date and filed_date < opened_date:
        raise Refused(_("A venue files after receiving its licence."), field="filed_date")
    return rules.filing_due(policy, kind, opened_date)


@transaction.atomic
def register_venue(
    actor,
    *,
    name: str,
    kind: str,
    org_unit: OrgUnit,
    station: OrgUnit,
    licence_no: str = "",
    opened_date=None,
    filed_date=None,
    address: str = "",
) -> Venue:
    policy = enforcement_policy()
    if not (name or "").strip():
        raise Refused(_("Enter the name."), field="name")
    due = _venue_values(
        policy,
        kind=kind,
        org_unit=org_unit,
        station=station,
        opened_date=opened_date,
        filed_date=filed_date,
    )
    _require_unit(actor, Venue, org_unit)
    venue = Venue.objects.create(
        name=name.strip(),
        kind=kind,
        org_unit=org_unit,
        station=station,
        licence_no=licence_no,
        opened_date=opened_date,
        filed_date=filed_date,
        filing_due=due,
        address=address,
        grade=policy.ungraded,
        grade_reason=_("Not yet inspected"),
        policy_id=policy.policy_ids,
    )
    _audit_create(actor, venue)
    sync_venue_obligations(actor, venue, today())
    return venue


@transaction.atomic
def update_venue(actor, venue: Venue, **changes) -> Venue:
    _require_change(actor, venue)
    allowed = {
        "name",
        "kind",
        "org_unit",
        "station",
        "licence_no",
        "opened_date",
        "filed_date",
        "address",
        "is_active",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise Refused(_("These fields cannot be changed here."), field=sorted(unknown)[0])
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    before = _snapshot(venue)
    values = {name: changes.get(name, getattr(venue, name)) for name in allowed}
    if not (values["name"] or "").strip():
        raise Refused(_("Enter the name."), field="name")
    policy = enforcement_policy()
    venue.filing_due = _venue_values(
        policy,
        kind=values["kind"],
        org_unit=values["org_unit"],
        station=values["station"],
        opened_date=values["opened_date"],
        filed_date=values["filed_date"],
    )
    if values["org_unit"].pk != venue.org_unit_id:
        _require_unit(actor, Venue, values["org_unit"])
    for name, value in values.items():
        setattr(venue, name, value)
    venue.save()
    _audit_update(actor, venue, before)
    if not venue.is_active:
        supervision.waive_source_obligations(
            actor, source=venue, reason=_("The venue closed."), after=today()
        )
    return venue


def _inspecting_owner(venue: Venue, unit_kind: str) -> OrgUnit | None:
    if unit_kind == "station":
        return venue.station
    authority = (
        PoliceAuthority.objects.filter(is_active=True, area__path__in=_ancestor_paths(venue))
        .select_related("unit")
        .first()
    )
    return authority.unit if authority else None


def _ancestor_paths(venue: Venue) -> list[str]:
    parts = venue.org_unit.path.strip("/").split("/")
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def sync_venue_obligations(actor, venue: Venue, day: datetime.date) -> list[Obligation]:
    """The inspections a venue's grade requires in the period(s) containing ``day`` become
    obligations of the inspecting units (supervision engine), so overdue ones show on the
    board."""
    if not venue.is_active or not venue.grade:
        return []
    policy = enforcement_policy()
    specs = []
    for duty in rules.inspection_duties(policy, venue.grade, day):
        owner = _inspecting_owner(venue, duty.unit)
        if owner is None:
            continue
        specs.append(
            {
                "kind": ObligationKind.VENUE_INSPECTION,
                "org_unit": owner,
                "subject_unit": venue.org_unit,
                "period": duty.period,
                "due_date": duty.due_date,
                "basis": duty.basis,
                "note": _("Inspect %(venue)s (grade %(grade)s)")
                % {"venue": venue.name, "grade": venue.grade},
            }
        )
    return supervision.sync_source_obligations(
        actor, source=venue, specs=specs, policy_id=policy.policy_ids
    )


def _waive_unneeded_inspections(actor, venue: Venue, day: datetime.date, grade: str) -> None:
    """After a regrade, open inspection duties the new grade does not ask for lapse; those
    it asks for too stay (so an inspection already owed is not owed twice)."""
    policy = enforcement_policy()
    needed = set()
    for duty in rules.inspection_duties(policy, grade, day):
        owner = _inspecting_owner(venue, duty.unit)
        if owner is not None:
            needed.add((owner.pk, duty.period))
    for obligation in Obligation.objects.filter(
        kind=ObligationKind.VENUE_INSPECTION,
        source_model=venue._meta.label,
        source_id=str(venue.pk),
        status__in=[ObligationStatus.OPEN, ObligationStatus.OVERDUE],
    ):
        if (obligation.org_unit_id, obligation.period) not in needed:
            supervision.waive(None, obligation, _("Regraded %(grade)s") % {"grade": grade})


def generate_venue_obligations(actor, day: datetime.date) -> int:
    """Daily: every active venue's inspections for the current period (idempotent)."""
    count = 0
    for venue in Venue.objects.filter(is_active=True).select_related("org_unit", "station"):
        count += len(sync_venue_obligations(actor, venue, day))
    return count


def _fulfil_inspection(actor, venue: Venue, inspection: VenueInspection) -> None:
    open_ = (
        Obligation.objects.filter(
            kind=ObligationKind.VENUE_INSPECTION,
            org_unit=inspection.inspecting_unit,
            source_model=venue._meta.label,
            source_id=str(venue.pk),
            status__in=[ObligationStatus.OPEN, ObligationStatus.OVERDUE],
        )
        .order_by("due_date", "period")
        .values_list("period", "due_date")
    )
    # The inspection does the earliest duty whose period it falls in (or an overdue one).
    for period, _due in open_:
        label = period.split("#")[0]
        start = _period_start(label)
        if start is not None and start <= inspection.date:
            supervision.fulfil(
                actor,
                kind=ObligationKind.VENUE_INSPECTION,
                org_unit=inspection.inspecting_unit,
                period=period,
                record=inspection,
                source=venue,
                on=inspection.date,
            )
            return


def _period_start(label: str) -> datetime.date | None:
    try:
        if "-Q" in label:
            year, q = label.split("-Q")
            return datetime.date(int(year), 3 * (int(q) - 1) + 1, 1)
        if "-" in label:
            year, month = label.split("-")
            return datetime.date(int(year), int(month), 1)
        return datetime.date(int(label), 1, 1)
    except ValueError:
        return None


@transaction.atomic
def record_inspection(
    actor,
    venue: Venue,
    *,
    date,
    mode: str,
    inspectors: str,
    checks: dict,
    findings: str = "",
    users_found: int = 0,
    dealers_found: int = 0,
    inspecting_unit: OrgUnit | None = None,
) -> VenueInspection:
    """明查/暗访 with the rule book's checklist: the score and the downgrades grade the venue;
    the grade's inspection frequency becomes obligations, and this inspection fulfils one."""
    _require_change(actor, venue)
    policy = enforcement_policy()
    if date is None:
        raise Refused(_("Enter the date."), field="date")
    _not_future(date, "date")
    _choice(mode, InspectionMode.values, "mode")
    if not (inspectors or "").strip():
        raise Refused(_("Enter the inspectors."), field="inspectors")
    _raise(rules.checks_problems(policy, checks))
    if (users_found or 0) < 0 or (dealers_found or 0) < 0:
        raise Refused(_("A count cannot be negative."), field="users_found")
    if inspecting_unit is None:
        unit = getattr(actor, "unit", None) if actor is not None else None
        inspecting_unit = unit if unit is not None and not unit.is_geographic else venue.station
    score = rules.inspection_score(policy, checks)
    grade = rules.grade_venue(
        policy, score=score.score, users_found=users_found or 0, dealers_found=dealers_found or 0
    )
    inspection = VenueInspection.objects.create(
        venue=venue,
        date=date,
        mode=mode,
        inspecting_unit=inspecting_unit,
        inspectors=inspectors.strip(),
        checks=checks,
        score=score.score,
        findings=findings,
        users_found=users_found or 0,
        dealers_found=dealers_found or 0,
        grade_after=grade.grade,
        basis=list(grade.basis),
        policy_id=policy.policy_ids,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _audit_create(actor, inspection)
    latest = VenueInspection.objects.filter(venue=venue).order_by("-date", "-id").first()
    if latest.pk == inspection.pk:
        venue = Venue.objects.select_for_update().get(pk=venue.pk)
        before = _snapshot(venue)
        changed = venue.grade != grade.grade
        venue.grade, venue.grade_score = grade.grade, grade.score
        venue.grade_reason, venue.graded_on = grade.reason[:200], date
        venue.policy_id = policy.policy_ids
        venue.save()
        _audit_update(actor, venue, before)
        if changed:
            _waive_unneeded_inspections(actor, venue, max(date, today()), grade.grade)
        sync_venue_obligations(actor, venue, max(date, today()))
    _fulfil_inspection(actor, venue, inspection)
    return inspection


@transaction.atomic
def record_sanction(
    actor,
    venue: Venue,
    *,
    date,
    kind: str,
    months: int | None = None,
    rectify_by=None,
    notes: str = "",
    inspection: VenueInspection | None = None,
) -> VenueSanction:
    _require_change(actor, venue)
    policy = enforcement_policy()
    if date is None:
        raise Refused(_("Enter the date."), field="date")
    _not_future(date, "date")
    _raise(
        rules.sanction_problems(policy, kind=kind, months=months, rectify_by=rectify_by, date=date)
    )
    sanction_rule = policy.sanction(kind)
    if inspection is not None and inspection.venue_id != venue.pk:
        raise Refused(_("The inspection is of another venue."), field="inspection")
    sanction = VenueSanction.objects.create(
        venue=venue,
        date=date,
        kind=kind,
        article=sanction_rule.article,
        months=months if sanction_rule.is_closure else None,
        closed_until=rules.add_months(date, months) if sanction_rule.is_closure else None,
        rectify_by=rectify_by,
        notes=notes,
        inspection=inspection,
        policy_id=policy.policy_ids,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _audit_create(actor, sanction)
    if rectify_by is not None:
        supervision.sync_source_obligations(
            actor,
            source=sanction,
            specs=[
                {
                    "kind": ObligationKind.VENUE_RECTIFICATION,
                    "org_unit": venue.station,
                    "subject_unit": venue.org_unit,
                    "period": str(rectify_by),
                    "due_date": rectify_by,
                    "basis": [sanction_rule.article],
                    "note": _("Check the rectification of %(venue)s") % {"venue": venue.name},
                }
            ],
            policy_id=policy.policy_ids,
        )
    if kind in ("revoke", "ban"):
        update_venue(actor, venue, is_active=False)
    return sanction


@transaction.atomic
def record_rectified(actor, sanction: VenueSanction, *, date) -> VenueSanction:
    _require_change(actor, sanction)
    if sanction.rectify_by is None:
        raise Refused(_("This sanction has no rectification deadline."))
    if date is None:
        raise Refused(_("Enter the date."), field="date")
    _not_future(date, "date")
    if date < sanction.date:
        raise Refused(_("The rectification cannot be before the sanction."), field="date")
    before = _snapshot(sanction)
    sanction.rectified_on = date
    sanction.save()
    _audit_update(actor, sanction, before)
    supervision.fulfil(
        actor,
        kind=ObligationKind.VENUE_RECTIFICATION,
        org_unit=sanction.venue.station,
        period=str(sanction.rectify_by),
        record=sanction,
        source=sanction,
        on=date,
    )
    return sanction


# ---------------------------------------------------------------- tips


def _tip_values(*, received_date, channel, org_unit, content):
    if received_date is None:
        raise Refused(_("Enter the date received."), field="received_date")
    _not_future(received_date, "received_date")
    _choice(channel, TipChannel.values, "channel")
    _township(org_unit)
    content = (content or "").strip()
    if len(content) < 5:
        raise Refused(
            _("Describe what you want to report (at least 5 characters)."), field="content"
        )
    if len(content) > 4000:
        raise Refused(_("Keep the report under 4000 characters."), field="content")
    return content


def _set_reporter(tip: Tip, name: str, phone: str) -> None:
    name = (name or "").strip()[:50]
    digits = crypto.normalise_phone(phone)
    if phone and not 7 <= len(digits) <= 15:
        raise Refused(_("Enter a phone number of 7 to 15 digits."), field="reporter_phone")
    tip.reporter_name = name
    tip.reporter_phone = digits
    tip.has_reporter = bool(name or digits)


@transaction.atomic
def receive_tip(
    actor,
    *,
    received_date,
    channel: str,
    org_unit: OrgUnit,
    content: str,
    reporter_name: str = "",
    reporter_phone: str = "",
) -> Tip:
    """A tip taken by the office (hotline, letter, in person) — or, with ``actor`` None and
    channel ``web``, from the public form."""
    _require_may(actor, "receive", Tip, _("Tips are received by the county office."))
    content = _tip_values(
        received_date=received_date, channel=channel, org_unit=org_unit, content=content
    )
    tip = Tip(
        received_date=received_date,
        channel=channel,
        org_unit=org_unit,
        content=content,
        policy_id=enforcement_policy().policy_ids,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _set_reporter(tip, reporter_name, reporter_phone)
    tip.save()
    _audit_create(actor, tip)
    return tip


def submit_public_tip(*, org_unit, content, reporter_name="", reporter_phone="") -> Tip:
    """The public web form: no login, no address kept (the audit row names no one)."""
    tip = receive_tip(
        None,
        received_date=today(),
        channel=TipChannel.WEB,
        org_unit=org_unit,
        content=content,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
    )
    _notify_office(
        f"enforcement:tip:{tip.pk}",
        _("A tip arrived through the public form (%(unit)s).") % {"unit": org_unit.name},
        f"/enforcement/tips/{tip.pk}/",
    )
    return tip


@transaction.atomic
def assign_tip(actor, tip: Tip, *, station: OrgUnit) -> Tip:
    _require_may(actor, "assign", Tip, _("The county office assigns tips."))
    if station is None or station.kind != UnitKind.POLICE_STATION:
        raise Refused(_("Choose a police station."), field="station")
    if tip.status not in (TipStatus.RECEIVED, TipStatus.ASSIGNED):
        raise Conflict(_("The tip has already been verified."))
    before = _snapshot(tip)
    tip.station, tip.assigned_on, tip.status = station, today(), TipStatus.ASSIGNED
    tip.save()
    _audit_update(actor, tip, before)
    return tip


@transaction.atomic
def verify_tip(
    actor, tip: Tip, *, confirmed: bool, note: str = "", case: Case | None = None
) -> Tip:
    """The assigned station (or the police bureau) records what the check found, and the
    case the tip led to."""
    _require_change(actor, tip, "verify")
    if tip.status != TipStatus.ASSIGNED:
        raise Conflict(_("Only an assigned tip can be verified."))
    if not (note or "").strip():
        raise Refused(_("Describe what the check found."), field="note")
    if case is not None:
        if not confirmed:
            raise Refused(_("An unconfirmed tip led to no case."), field="case")
        if actor is not None and not Case.objects.restrict(actor, VIEW).filter(pk=case.pk).exists():
            raise Refused(_("Choose a case you can see."), field="case")
    before = _snapshot(tip)
    tip.status = TipStatus.VERIFIED if confirmed else TipStatus.UNFOUNDED
    tip.verified_on = today()
    tip.verification_note = note.strip()
    tip.case = case
    tip.save()
    _audit_update(actor, tip, before)
    return tip


def _office_unit() -> OrgUnit:
    return OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()


@transaction.atomic
def reward_tip(actor, tip: Tip, *, quantities: dict, special: bool = False) -> Tip:
    """The reward from the county tariff, bounded by the national 办法; the deadline to
    notify the reporter (15 working days after the case was solved) becomes an obligation of
    the office."""
    _require_may(actor, "reward", Tip, _("The county office decides rewards."))
    if tip.status != TipStatus.VERIFIED or tip.case is None:
        raise Conflict(_("A reward follows a verified tip that led to a case."))
    if tip.case.solved_date is None:
        raise Conflict(_("A reward follows a solved case."))
    if not tip.has_reporter:
        raise Conflict(_("The reporter is anonymous: no one can claim a reward."))
    policy = enforcement_policy()
    try:
        reward = rules.reward_amount(policy, quantities or {}, special=special)
    except ValueError as exc:
        raise Refused(
            _("Unknown tariff item “%(code)s”.") % {"code": exc}, field="quantities"
        ) from None
    if reward.yuan <= 0:
        raise Refused(_("Give what the tip led to (at least one tariff item)."), field="quantities")
    due, known = rules.notify_due(policy, tip.case.solved_date, workdays.calendar())
    before = _snapshot(tip)
    tip.reward_yuan = reward.yuan
    tip.reward_basis = [
        {"code": code, "quantity": qty, "yuan": yuan} for code, qty, yuan in reward.lines
    ]
    tip.reward_decided_on = today()
    tip.notify_due = due
    tip.status = TipStatus.REWARDED
    tip.policy_id = policy.policy_ids
    tip.save()
    _audit_update(actor, tip, before)
    supervision.sync_source_obligations(
        actor,
        source=tip,
        specs=[
            {
                "kind": ObligationKind.TIP_REWARD_NOTICE,
                "org_unit": _office_unit(),
                "subject_unit": tip.org_unit,
                "period": str(tip.case.solved_date),
                "due_date": due,
                "due_date_known": known,
                "basis": [policy.rewards.article],
                "note": _("Notify the reporter of tip %(id)s of the reward") % {"id": tip.pk},
            }
        ],
        policy_id=policy.policy_ids,
    )
    return tip


@transaction.atomic
def record_reporter_notified(actor, tip: Tip, *, date) -> Tip:
    _require_may(actor, "notify", Tip)
    if tip.status != TipStatus.REWARDED or tip.notified_on is not None:
        raise Conflict(_("The reporter can be notified once, after the reward is decided."))
    if date is None:
        raise Refused(_("Enter the date."), field="date")
    _not_future(date, "date")
    policy = enforcement_policy()
    before = _snapshot(tip)
    tip.notified_on = date
    tip.claim_due = rules.claim_due(policy, date)
    tip.save()
    _audit_update(actor, tip, before)
    office = _office_unit()
    supervision.fulfil(
        actor,
        kind=ObligationKind.TIP_REWARD_NOTICE,
        org_unit=office,
        period=str(tip.case.solved_date),
        record=tip,
        source=tip,
        on=date,
    )
    supervision.sync_source_obligations(
        actor,
        source=tip,
        specs=[
            {
                "kind": ObligationKind.TIP_REWARD_CLAIM,
                "org_unit": office,
                "subject_unit": tip.org_unit,
                "period": str(date),
                "due_date": tip.claim_due,
                "basis": [policy.rewards.article],
                "note": _("Reward of tip %(id)s: claim period") % {"id": tip.pk},
            }
        ],
        policy_id=policy.policy_ids,
    )
    return tip


@transaction.atomic
def record_reward_claimed(actor, tip: Tip, *, date) -> Tip:
    _require_may(actor, "claim", Tip)
    if tip.notified_on is None or tip.claimed_on is not None:
        raise Conflict(_("A reward is claimed once, after the reporter was notified."))
    if date is None:
        raise Refused(_("Enter the date."), field="date")
    _not_future(date, "date")
    if date < tip.notified_on:
        raise Refused(_("The claim cannot be before the notification."), field="date")
    if date > tip.claim_due:
        raise Refused(
            _("The claim period ended on %(date)s.") % {"date": tip.claim_due},
            field="date",
            basis=[enforcement_policy().rewards.article],
        )
    before = _snapshot(tip)
    tip.claimed_on = date
    tip.save()
    _audit_update(actor, tip, before)
    supervision.fulfil(
        actor,
        kind=ObligationKind.TIP_REWARD_CLAIM,
        org_unit=_office_unit(),
        period=str(tip.notified_on),
        record=tip,
        source=tip,
        on=date,
    )
    return tip


def scope_role(user) -> str | None:
    return scope_for(user).role


# ---------------------------------------------------------------- population figures


@transaction.atomic
def set_population(
    actor, *, org_unit: OrgUnit, year: int, kind: str, residents, source: str
) -> Population:
    """The office enters a unit's population for a year, of a kind (户籍 or 常住) with its
    source; a second entry for the same unit, year and kind replaces the figure (audited).
    The one store read by the tip participation indicator here, by prevention's targets and
    by the cockpit."""
    require_office(actor)
    errors = {}
    if kind not in PopulationKind.values:
        errors["kind"] = [_("Choose registered (户籍) or resident (常住) population.")]
    if residents is None or residents < 1:
        errors["count"] = [_("The population must be at least 1.")]
    if year is None or not 1949 <= year <= 2100:
        errors["year"] = [_("Give the year of the figure.")]
    if not (source or "").strip():
        errors["source"] = [_("Name the source of the figure.")]
    if errors:
        raise Refused(next(iter(errors.values()))[0], errors=errors)
    row = Population.objects.filter(org_unit=org_unit, year=year, kind=kind).first()
    if row is None:
        row = Population.objects.create(
            org_unit=org_unit, year=year, kind=kind, residents=residents, source=source.strip()
        )
        _audit_create(actor, row)
    else:
        before = _snapshot(row)
        row.residents, row.source = residents, source.strip()
        row.save()
        _audit_update(actor, row, before)
    return row
