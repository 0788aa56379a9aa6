"""Actions on the registry of people under control: register, correct, move, change status,
grade risk, assign responsibility, flag sick or disabled persons, open a file.

Each action takes the acting user first (``None`` for the system), checks permission,
validates (asking the rules), writes and audits in one transaction. Orders and tests are in
``orders``, leave in ``leave``, follow-ups in ``followups``; grid relapse reports in
``relapse`` (all beside this module in ``control/services/``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.audit import context as audit_context
from jindu.audit.models import AuditAction
from jindu.core.errors import Conflict, NotAllowed, Refused
from jindu.core.scoping import CHANGE, VIEW, may_act_on_unit, scope_for
from jindu.core.search import search_key
from jindu.orgs.models import OrgUnit

from .. import crypto, rules
from ..models import (
    FULL_ID_ROLES,
    FULL_PHONE_ROLES,
    AccessReason,
    ControlAssignment,
    FileAccess,
    Finding,
    Gender,
    Person,
    PersonStatus,
    ResidenceChange,
    ResponsibleRole,
    RiskAssessment,
    SickDisabled,
    StatusChange,
)
from ..policy import control_policy
from ..selectors import RESIDENCE_LEVELS, move_destinations, running_community_order
from .common import (
    audit_create,
    audit_update,
    may_view_person,
    not_before,
    not_in_future,
    require_person_change,
    snapshot,
    today,
)


def _check_residence(unit: OrgUnit) -> None:
    if unit.level not in RESIDENCE_LEVELS or not unit.is_active:
        raise Refused(_("A person lives in a village, community or grid."), field="residence_unit")


def _drug_types(values) -> list[str]:
    allowed = control_policy().code_values("drug_types")
    values = list(dict.fromkeys(values or ()))
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise Refused(
            _("Unknown drug type: %(codes)s.") % {"codes": ", ".join(unknown)}, field="drug_types"
        )
    return values


def _phone(value: str) -> str:
    digits = crypto.normalise_phone(value)
    if value and not 7 <= len(digits) <= 15:
        raise Refused(_("Enter a phone number of 7 to 15 digits."), field="phone")
    return digits


def _set_phone(person: Person, phone: str) -> None:
    person.phone = phone  # ProtectedNumber: ciphertext, hash and mask together


def _set_id_number(person: Person, number: str) -> None:
    person.id_number = number


class DuplicatePerson(Conflict):
    """The identity number is already registered. ``existing_id`` is the record's id when the
    actor may see it, else None (the record exists outside their area)."""

    def __init__(self, existing_id: int | None):
        if existing_id is not None:
            message = _("This identity number is already registered (person %(id)s).") % {
                "id": existing_id
            }
        else:
            # Worded so as not to confirm that the number is registered anywhere: outside the
            # caller's area that is itself the secret (the office resolves transfers).
            message = _(
                "This identity number needs the county office: it cannot be recorded from your "
                "area. The office has been told."
            )
        super().__init__(message, field="id_number")
        self.existing_id = existing_id


def note_registry_refusals(actor, digests: list[str], *, source: str) -> None:
    """Audit refusals of numbers registered outside the actor's area (by keyed hash only) and
    alert the office when one account collects ``REGISTRY_REFUSAL_ALERT_AT`` of them within a
    day. Called outside the refused transaction, so the record survives the rollback."""
    from django.conf import settings

    from jindu.audit.alerts import raise_alert
    from jindu.audit.models import AlertKind, AuditEvent
    from jindu.audit.services import record

    if not digests:
        return
    with transaction.atomic():
        record(
            actor,
            AuditAction.REFUSED,
            model_label="control.Person",
            object_repr=_("Registration referred to the county office"),
            changes={"id_hash": list(digests), "count": len(digests), "source": source},
        )
    if actor is None or not getattr(actor, "is_authenticated", False):
        return
    since = timezone.now() - datetime.timedelta(days=1)
    events = AuditEvent.objects.filter(
        actor=actor, action=AuditAction.REFUSED, model="control.Person", at__gte=since
    ).values_list("changes", flat=True)
    total = sum(int((c or {}).get("count", 1)) for c in events)
    threshold = getattr(settings, "REGISTRY_REFUSAL_ALERT_AT", 3)
    if total >= threshold:
        raise_alert(
            AlertKind.REGISTRY_PROBE,
            f"registry_probe:{actor.pk}:{timezone.localdate().isoformat()}",
            _(
                "%(user)s tried to register %(n)d identity numbers held outside their area "
                "within a day."
            )
            % {"user": actor.get_username(), "n": total},
            subject=actor.get_username(),
        )


def _refuse_duplicate(actor, number: str, *, exclude_pk=None) -> None:
    digest = crypto.lookup_hash(number)
    existing = Person.objects.filter(id_hash=digest).exclude(pk=exclude_pk).first()
    if existing is not None:
        exc = DuplicatePerson(existing.pk if may_view_person(actor, existing.pk) else None)
        exc.digest = digest
        raise exc


def find_by_id_number(user, id_number: str) -> Person | None:
    """Exact lookup through the keyed hash, within what ``user`` may see."""
    number = (id_number or "").strip().upper()
    if not number:
        return None
    return Person.objects.restrict(user, VIEW).filter(id_hash=crypto.lookup_hash(number)).first()


def _validated_id(id_number: str, gender: str, birth_date) -> rules.IdCheck:
    check = rules.check_id_number(
        id_number,
        gender=gender if gender in Gender.values else None,
        birth_date=birth_date,
        today=today(),
    )
    if not check.valid:
        raise Refused(check.errors[0], errors={"id_number": list(check.errors)})
    return check


# ---------------------------------------------------------------- registry


def check_id_number(id_number: str, gender: str | None) -> None:
    """The identity number alone (GB 11643, and its sex digit when the gender is known)."""
    _validated_id(id_number, gender or "", None)


def check_phone(value: str) -> None:
    _phone(value)


def check_residence(actor, unit: OrgUnit) -> None:
    """The unit is a residence the actor may register people in."""
    if actor is not None and not may_act_on_unit(actor, CHANGE, Person, unit):
        raise Refused(_("You may not register persons in this unit."), field="residence_unit")
    _check_residence(unit)


def clean_registration(
    actor,
    *,
    name: str,
    gender: str,
    id_number: str,
    residence_unit: OrgUnit,
    first_found_date: datetime.date,
    household_address: str = "",
    phone: str = "",
    drug_types=(),
    status: str = PersonStatus.IN_SOCIETY,
    status_since: datetime.date | None = None,
    birth_date: datetime.date | None = None,
    notes: str = "",
) -> dict:
    """Every check of a registration except the duplicate (which needs the database): the
    actor may register in the unit, the unit is a residence, the identity number (GB 11643)
    agrees with sex and birth date, the dates are plausible, the drug types and phone are
    valid. Returns the cleaned values for ``build_person``; raises ``Refused`` naming the
    field. Shared by ``register_person`` and the Excel roster import
    (``control.roster.importer``)."""
    if actor is not None and not may_act_on_unit(actor, CHANGE, Person, residence_unit):
        raise NotAllowed(_("You may not register persons in this unit."))
    _check_residence(residence_unit)
    if not name.strip():
        raise Refused(_("Enter the name."), field="name")
    if gender not in Gender.values:
        raise Refused(_("Choose male or female."), field="gender")
    if status not in PersonStatus.values:
        raise Refused(_("Unknown status."), field="status")
    check = _validated_id(id_number, gender, birth_date)
    not_in_future(first_found_date, "first_found_date")
    not_before(
        first_found_date,
        check.birth_date,
        "first_found_date",
        _("The person was found before being born."),
    )
    status_since = status_since or first_found_date
    not_in_future(status_since, "status_since")
    types = _drug_types(drug_types)
    phone = _phone(phone)
    return {
        "name": name.strip(),
        "gender": gender,
        "id_number": check.number,
        "birth_date": check.birth_date,
        "household_address": household_address.strip(),
        "residence_unit": residence_unit,
        "drug_types": types,
        "first_found_date": first_found_date,
        "status": status,
        "status_since": status_since,
        "phone": phone,
        "notes": notes,
    }


def build_person(actor, cleaned: dict) -> Person:
    """The unsaved Person for values from ``clean_registration`` (numbers encrypted, hashed
    and masked). ``register_person`` saves it one by one, the roster import in bulk."""
    values = dict(cleaned)
    number = values.pop("id_number")
    phone = values.pop("phone")
    person = Person(**values, created_by=actor)
    # The roster import inserts in bulk (no save()): the picker's key is set here too.
    person.search_key = search_key(person.name)
    _set_id_number(person, number)
    _set_phone(person, phone)
    return person


def initial_records(
    actor, person: Person, *, finding_place: str = "", finding_circumstances: str = ""
) -> tuple[StatusChange, Finding]:
    """The unsaved first status change and first finding that come with a registration."""
    change = StatusChange(
        person=person,
        date=person.status_since,
        status=person.status,
        reason=_("Registered."),
        recorded_by=actor,
    )
    finding = Finding(
        person=person,
        date=person.first_found_date,
        place=finding_place,
        circumstances=finding_circumstances,
        source=_("First found"),
        recorded_by=actor,
    )
    return change, finding


def register_person(actor, **values) -> Person:
    """Register a person (``_register_person``). A number registered outside the actor's area
    is refused without saying so, and the refusal is audited by the number's keyed hash."""
    try:
        return _register_person(actor, **values)
    except DuplicatePerson as exc:
        if exc.existing_id is None and getattr(exc, "digest", None):
            note_registry_refusals(actor, [exc.digest], source="register")
        raise


@transaction.atomic
def _register_person(
    actor,
    *,
    name: str,
    gender: str,
    id_number: str,
    residence_unit: OrgUnit,
    first_found_date: datetime.date,
    household_address: str = "",
    phone: str = "",
    drug_types=(),
    status: str = PersonStatus.IN_SOCIETY,
    status_since: datetime.date | None = None,
    birth_date: datetime.date | None = None,
    notes: str = "",
    finding_place: str = "",
    finding_circumstances: str = "",
) -> Person:
    """Register a person. The identity number is checked (GB 11643: check digit, birth date
    and sex); a number already registered is refused with the existing record's id if the
    actor may see it."""
    cleaned = clean_registration(
        actor,
        name=name,
        gender=gender,
        id_number=id_number,
        residence_unit=residence_unit,
        first_found_date=first_found_date,
        household_address=household_address,
        phone=phone,
        drug_types=drug_types,
        status=status,
        status_since=status_since,
        birth_date=birth_date,
        notes=notes,
    )
    _refuse_duplicate(actor, cleaned["id_number"])
    person = build_person(actor, cleaned)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        exc = DuplicatePerson(None)
        exc.digest = person.id_hash
        raise exc from None
    audit_create(actor, person)
    change, finding = initial_records(
        actor,
        person,
        finding_place=finding_place,
        finding_circumstances=finding_circumstances,
    )
    change.save()
    audit_create(actor, change)
    finding.save()
    audit_create(actor, finding)
    return person


def update_person(actor, person: Person, **changes) -> Person:
    """Correct the registry entry (``_update_person``); a number held outside the actor's
    area is refused and audited as in ``register_person``."""
    try:
        return _update_person(actor, person, **changes)
    except DuplicatePerson as exc:
        if exc.existing_id is None and getattr(exc, "digest", None):
            note_registry_refusals(actor, [exc.digest], source="update")
        raise


@transaction.atomic
def _update_person(actor, person: Person, **changes) -> Person:
    """Correct the registry entry: name, gender, identity number, household address, phone,
    drug types, notes. The residence changes through ``move_residence``, the status through
    ``change_status``."""
    require_person_change(actor, person)
    allowed = {"name", "gender", "id_number", "household_address", "phone", "drug_types", "notes"}
    unknown = set(changes) - allowed
    if unknown:
        raise Refused(_("These fields cannot be changed here: %(f)s.") % {"f": ", ".join(unknown)})
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = snapshot(person)
    if "name" in changes:
        if not changes["name"].strip():
            raise Refused(_("Enter the name."), field="name")
        person.name = changes["name"].strip()
    if "gender" in changes:
        if changes["gender"] not in Gender.values:
            raise Refused(_("Choose male or female."), field="gender")
        person.gender = changes["gender"]
    if "id_number" in changes or "gender" in changes:
        number = changes.get("id_number") or person.id_number
        check = _validated_id(number, person.gender, None)
        _refuse_duplicate(actor, check.number, exclude_pk=person.pk)
        _set_id_number(person, check.number)
        person.birth_date = check.birth_date
    if "household_address" in changes:
        person.household_address = changes["household_address"].strip()
    if "phone" in changes:
        _set_phone(person, _phone(changes["phone"]))
    if "drug_types" in changes:
        person.drug_types = _drug_types(changes["drug_types"])
    if "notes" in changes:
        person.notes = changes["notes"]
    person.save()
    audit_update(actor, person, before)
    return person


@transaction.atomic
def record_finding(
    actor,
    person: Person,
    *,
    date: datetime.date,
    place: str = "",
    circumstances: str = "",
    source: str = "",
    relapse_report=None,
) -> Finding:
    require_person_change(actor, person)
    not_in_future(date, "date")
    finding = Finding.objects.create(
        person=person,
        date=date,
        place=place,
        circumstances=circumstances,
        source=source,
        relapse_report=relapse_report,
        recorded_by=actor,
    )
    audit_create(actor, finding)
    return finding


@transaction.atomic
def move_residence(
    actor, person: Person, *, residence_unit: OrgUnit, date: datetime.date, reason: str = ""
) -> ResidenceChange:
    """The person moves to another village or grid, possibly in another township (变更执行地,
    条例第二十二条). The whole file follows: scope is the residence. Under a community order the
    person must report to the new township within 15 days; the term runs on."""
    require_person_change(actor, person)
    _check_residence(residence_unit)
    if actor is not None and not move_destinations(actor).filter(pk=residence_unit.pk).exists():
        raise Refused(
            _("A person can move only to a village, community or grid of the county."),
            field="residence_unit",
        )
    not_in_future(date, "date")
    person = Person.objects.select_for_update().get(pk=person.pk)
    if residence_unit.pk == person.residence_unit_id:
        raise Refused(_("The person already lives there."), field="residence_unit")
    policy = control_policy()
    running = running_community_order(person, date)
    change = ResidenceChange.objects.create(
        person=person,
        date=date,
        from_unit_id=person.residence_unit_id,
        to_unit=residence_unit,
        reason=reason,
        report_due=rules.transfer_report_due(policy, date) if running else None,
        basis=[policy.transfer_article] if running else [],
        recorded_by=actor,
    )
    audit_create(actor, change)
    before = snapshot(person)
    person.residence_unit = residence_unit
    person.save(update_fields=["residence_unit", "updated_at"])
    audit_update(actor, person, before)
    return change


def _refresh_current(person: Person, related: str, fields: tuple[str, str], source: tuple) -> None:
    latest = getattr(person, related).order_by("-date", "-id").first()
    if latest is not None:
        setattr(person, fields[0], getattr(latest, source[0]))
        setattr(person, fields[1], getattr(latest, source[1]))


@transaction.atomic
def change_status(
    actor, person: Person, *, date: datetime.date, status: str, reason: str = ""
) -> StatusChange:
    """Record a change of status (社会面, 在所, 羁押, 迁出, 死亡) with its date and reason. History
    is kept; the current status is the latest by date."""
    require_person_change(actor, person)
    if status not in PersonStatus.values:
        raise Refused(_("Unknown status."), field="status")
    not_in_future(date, "date")
    person = Person.objects.select_for_update().get(pk=person.pk)
    not_before(date, person.birth_date, "date", _("The date is before the person's birth."))
    change = StatusChange.objects.create(
        person=person, date=date, status=status, reason=reason, recorded_by=actor
    )
    audit_create(actor, change)
    before = snapshot(person)
    _refresh_current(person, "status_changes", ("status", "status_since"), ("status", "date"))
    person.save(update_fields=["status", "status_since", "updated_at"])
    audit_update(actor, person, before)
    return change


@transaction.atomic
def assess_risk(
    actor,
    person: Person,
    *,
    date: datetime.date,
    level: str,
    factors=(),
    notes: str = "",
    assessor_name: str = "",
) -> RiskAssessment:
    """A risk assessment (low, medium, high) with its factors; the current level is the
    latest assessment's."""
    require_person_change(actor, person)
    if level not in control_policy().code_values("risk_level"):
        raise Refused(_("Choose low, medium or high."), field="level")
    not_in_future(date, "date")
    factors = [str(f).strip() for f in factors or () if str(f).strip()]
    if level != "low" and not factors:
        raise Refused(_("Say which factors make the risk medium or high."), field="factors")
    person = Person.objects.select_for_update().get(pk=person.pk)
    assessment = RiskAssessment.objects.create(
        person=person,
        date=date,
        level=level,
        factors=factors,
        notes=notes,
        assessor_name=assessor_name or (str(actor) if actor else ""),
        assessed_by=actor,
    )
    audit_create(actor, assessment)
    before = snapshot(person)
    _refresh_current(person, "risk_assessments", ("risk_level", "risk_date"), ("level", "date"))
    person.save(update_fields=["risk_level", "risk_date", "updated_at"])
    audit_update(actor, person, before)
    return assessment


# ---------------------------------------------------------------- responsibility


@transaction.atomic
def assign(
    actor,
    person: Person,
    *,
    responsible_name: str,
    responsible_role: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    responsible_user=None,
    notes: str = "",
) -> ControlAssignment:
    """Make someone responsible for the person's control from a date (until a date)."""
    require_person_change(actor, person)
    if not responsible_name.strip():
        raise Refused(_("Enter the responsible person's name."), field="responsible_name")
    if responsible_role not in ResponsibleRole.values:
        raise Refused(_("Unknown role."), field="responsible_role")
    not_before(end_date, start_date, "end_date", _("The end is before the start."))
    if responsible_user is not None and not may_view_person(responsible_user, person.pk):
        # The account would be told of follow-ups about someone whose file it may not open.
        raise Refused(
            _("That account may not see this person's file; choose staff of the area."),
            field="responsible_user",
        )
    overlapping = ControlAssignment.objects.filter(
        person=person,
        responsible_name=responsible_name.strip(),
        responsible_role=responsible_role,
    ).exclude(end_date__lt=start_date)
    if end_date is not None:
        overlapping = overlapping.filter(start_date__lte=end_date)
    if overlapping.exists():
        raise Refused(
            _("%(name)s is already responsible for this person in that period.")
            % {"name": responsible_name.strip()},
            field="responsible_name",
        )
    assignment = ControlAssignment.objects.create(
        person=person,
        responsible_name=responsible_name.strip(),
        responsible_role=responsible_role,
        responsible_user=responsible_user,
        start_date=start_date,
        end_date=end_date,
        notes=notes,
        created_by=actor,
    )
    audit_create(actor, assignment)
    return assignment


@transaction.atomic
def end_assignment(
    actor, assignment: ControlAssignment, *, end_date: datetime.date
) -> ControlAssignment:
    require_person_change(actor, assignment.person)
    assignment = ControlAssignment.objects.select_for_update().get(pk=assignment.pk)
    not_before(end_date, assignment.start_date, "end_date", _("The end is before the start."))
    before = snapshot(assignment)
    assignment.end_date = end_date
    assignment.save(update_fields=["end_date"])
    audit_update(actor, assignment, before)
    return assignment


# ---------------------------------------------------------------- sick and disabled (涉毒病残)


@transaction.atomic
def flag_sick_disabled(
    actor,
    person: Person,
    *,
    condition: str,
    identified_date: datetime.date,
    admitted_date: datetime.date | None = None,
    admitted_to: str = "",
    notes: str = "",
) -> SickDisabled:
    require_person_change(actor, person)
    if not condition.strip():
        raise Refused(_("Describe the condition."), field="condition")
    not_in_future(identified_date, "identified_date")
    not_in_future(admitted_date, "admitted_date")
    not_before(
        admitted_date,
        identified_date,
        "admitted_date",
        _("The admission is before the condition was identified."),
    )
    record = SickDisabled.objects.create(
        person=person,
        condition=condition.strip(),
        identified_date=identified_date,
        admitted_date=admitted_date,
        admitted_to=admitted_to,
        notes=notes,
        recorded_by=actor,
    )
    audit_create(actor, record)
    return record


@transaction.atomic
def record_admission(
    actor, record: SickDisabled, *, admitted_date: datetime.date, admitted_to: str = ""
) -> SickDisabled:
    """Admission (收治) to treatment or a special facility."""
    require_person_change(actor, record.person)
    record = SickDisabled.objects.select_for_update().get(pk=record.pk)
    not_in_future(admitted_date, "admitted_date")
    not_before(
        admitted_date,
        record.identified_date,
        "admitted_date",
        _("The admission is before the condition was identified."),
    )
    before = snapshot(record)
    record.admitted_date = admitted_date
    if admitted_to:
        record.admitted_to = admitted_to
    record.save(update_fields=["admitted_date", "admitted_to"])
    audit_update(actor, record, before)
    return record


# ---------------------------------------------------------------- opening a file (查询事由)


# An opening (FileAccess) lets its user read the person's sub-records for this long, as the
# page's session grant does (web/registry.GRANT_SECONDS).
FILE_GRANT_SECONDS = 30 * 60


def open_person_ids(user):
    """The persons whose file ``user`` opened within the grant time (a queryset of ids)."""

    since = timezone.now() - datetime.timedelta(seconds=FILE_GRANT_SECONDS)
    return FileAccess.objects.filter(user=user, at__gte=since).values("person_id")


def has_open_file(user, person_id: int) -> bool:
    return open_person_ids(user).filter(person_id=person_id).exists()


@dataclass(frozen=True)
class PersonFile:
    """A person's file as opened by one user: numbers in full only for the roles that need
    them (``FULL_ID_ROLES``, ``FULL_PHONE_ROLES``), masked for everyone else."""

    person: Person
    id_number: str
    phone: str
    full_id_number: bool
    access: FileAccess


def grant_is_open(opened_at: float, now: float) -> bool:
    """Whether a file opened at ``opened_at`` (epoch seconds) is still open at ``now``: an
    opening holds for ``settings.FILE_OPEN_GRANT_SECONDS`` (30 minutes by default)."""
    from django.conf import settings

    return now - opened_at < settings.FILE_OPEN_GRANT_SECONDS


@transaction.atomic
def open_file(actor, person: Person, *, reason: str, note: str = "") -> PersonFile:
    """Open a person's full file for a stated reason; the opening is logged (who, when, which
    person, why, from where) for the office to review (戒毒条例第七条、第四十三条)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAllowed()
    if not may_view_person(actor, person.pk):
        raise NotAllowed()
    if reason not in AccessReason.values:
        raise Refused(_("Choose the reason for opening the file."), field="reason")
    if reason == AccessReason.OTHER and not note.strip():
        raise Refused(_("Describe the reason."), field="note")
    role = scope_for(actor).role
    full_id = role in FULL_ID_ROLES
    access = FileAccess.objects.create(
        user=actor,
        person=person,
        reason=reason,
        note=note.strip(),
        ip=audit_context.current().ip,
        full_numbers=full_id,
    )
    audit_create(actor, access)
    return PersonFile(
        person=person,
        id_number=person.id_number if full_id else person.id_masked,
        phone=person.phone if role in FULL_PHONE_ROLES else person.phone_masked,
        full_id_number=full_id,
        access=access,
    )
