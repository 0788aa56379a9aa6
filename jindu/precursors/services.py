"""Actions of the precursor area: one atomic function per business action, each checking
permission, validating, writing and recording the audit event in the same transaction.

Validation of a ledger line (``clean_entry``) is shared by the form, the API and the Excel
import, so a line is refused for the same reason, in the same words, however it arrives.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jindu.accounts.roles import Role
from jindu.audit import services as audit
from jindu.audit.models import AuditAction
from jindu.control.rules import check_id_number
from jindu.core.errors import Conflict, NotAllowed, Refused
from jindu.core.scoping import CHANGE, is_office, require_office, scope_for
from jindu.enforcement.models import Case
from jindu.orgs.models import OrgUnit, UnitKind, UnitLevel

from . import rules
from .models import (
    Activity,
    AnnualReport,
    Chemical,
    ChemicalInspection,
    ChemicalLicence,
    Department,
    Enterprise,
    Flag,
    FlagStatus,
    InspectionRound,
    LedgerEntry,
    LicenceKind,
    Movement,
    Payment,
    RegulatorUnit,
    Sector,
    Source,
    regulated_sectors,
)
from .policy import county_policy, national_policy

ENTERPRISE_UNIT_LEVELS = (UnitLevel.TOWNSHIP, UnitLevel.VILLAGE)


def today() -> datetime.date:
    return timezone.localdate()


def policy_ids() -> str:
    return f"{national_policy().id}+{county_policy().id}"


def _snapshot(obj) -> dict:
    return audit.snapshot(obj, exclude=("password", *getattr(obj, "secret_fields", ())))


def _audit_create(actor, obj) -> None:
    audit.record(actor, AuditAction.CREATE, obj, changes=audit.diff({}, _snapshot(obj)))


def _audit_update(actor, obj, before: dict) -> None:
    changes = audit.diff(before, _snapshot(obj))
    if changes:
        audit.record(actor, AuditAction.UPDATE, obj, changes=changes)


def may_manage(actor, enterprise: Enterprise) -> bool:
    """The office, the station covering it, or a member unit regulating its sector."""
    if actor is None:
        return True
    return Enterprise.objects.restrict(actor, CHANGE).filter(pk=enterprise.pk).exists()


def _require_manage(actor, enterprise: Enterprise) -> None:
    if not may_manage(actor, enterprise):
        raise NotAllowed(_("You may not record anything for this enterprise."))


def may_register(actor, org_unit: OrgUnit, sector: str) -> bool:
    if actor is None:
        return True
    if is_office(actor):
        return True
    scope = scope_for(actor)
    if not scope.may(CHANGE, Enterprise):
        return False
    if scope.role == Role.MEMBER_UNIT:
        return sector in regulated_sectors(actor)
    return scope.covers_path(org_unit.path)


# ---------------------------------------------------------------- the catalogue


@transaction.atomic
def load_catalogue(actor=None) -> dict[str, int]:
    """Copy the national rule book's catalogue into the database: new entries are created,
    unedited ones brought up to the file, entries the office edited are kept as they are."""
    law = national_policy()
    existing = {c.code: c for c in Chemical.objects.all()}
    counts = {"created": 0, "updated": 0, "kept": 0}
    for entry in law.catalogue:
        values = {
            "name": entry.name,
            "category": entry.category,
            "drug_class": entry.drug_class,
            "cas": entry.cas,
            "unit": entry.unit,
            "listed_date": entry.listed_date,
            "source_document": entry.source,
            "verified": entry.verified,
            "band_lower": entry.band_lower,
            "band_upper": entry.band_upper,
            "band_item": entry.band_item,
            "note": entry.note,
            "policy_id": law.id,
        }
        chemical = existing.get(entry.code)
        if chemical is None:
            chemical = Chemical.objects.create(code=entry.code, **values)
            _audit_create(actor, chemical)
            counts["created"] += 1
        elif chemical.edited:
            counts["kept"] += 1
        else:
            before = _snapshot(chemical)
            for name, value in values.items():
                setattr(chemical, name, value)
            chemical.save()
            if before != _snapshot(chemical):
                _audit_update(actor, chemical, before)
                counts["updated"] += 1
    return counts


CHEMICAL_FIELDS = (
    "code",
    "name",
    "category",
    "drug_class",
    "cas",
    "unit",
    "listed_date",
    "delisted_date",
    "source_document",
    "verified",
    "band_lower",
    "band_upper",
    "band_item",
    "note",
)


@transaction.atomic
def save_chemical(actor, chemical: Chemical | None = None, **fields) -> Chemical:
    """The office adds or edits a catalogue entry (a later addition keeps its source and
    date); an edited entry is never overwritten by a later load of the rule book."""
    require_office(actor, _("Only the county office may do this."))
    from .policy import CAS

    errors = {}
    if "cas" in fields and fields["cas"] and not CAS.fullmatch(fields["cas"]):
        errors["cas"] = [_("Write the CAS number as digits-digits-digit, e.g. 108-24-7.")]
    if chemical is None:
        for name in ("code", "name", "category", "unit", "listed_date", "source_document"):
            if not fields.get(name):
                errors.setdefault(name, [_("This field is required.")])
        if fields.get("code") and Chemical.objects.filter(code=fields["code"]).exists():
            errors["code"] = [_("A substance with this code exists.")]
    lower, upper = fields.get("band_lower"), fields.get("band_upper")
    if lower is not None and upper is not None and lower >= upper:
        errors["band_upper"] = [_("The upper bound must be above the lower bound.")]
    if errors:
        raise Refused(_("Check the fields marked."), errors=errors)
    creating = chemical is None
    before = {} if creating else _snapshot(chemical)
    chemical = chemical or Chemical()
    for name in CHEMICAL_FIELDS:
        if name in fields:
            setattr(chemical, name, fields[name])
    chemical.edited = True
    chemical.save()
    if creating:
        _audit_create(actor, chemical)
    else:
        _audit_update(actor, chemical, before)
    return chemical


@transaction.atomic
def assign_department(actor, unit: OrgUnit, department: str) -> RegulatorUnit:
    """Which member unit is which department (decides which enterprises its staff see)."""
    require_office(actor, _("Only the county office may do this."))
    if unit.kind != UnitKind.MEMBER_UNIT:
        raise Refused(_("Choose a member unit."), field="unit")
    if department not in Department.values:
        raise Refused(_("Choose the department."), field="department")
    row, created = RegulatorUnit.objects.update_or_create(
        unit=unit, defaults={"department": department}
    )
    _audit_create(actor, row) if created else audit.record(actor, AuditAction.UPDATE, row)
    return row


# ---------------------------------------------------------------- enterprises


def _clean_enterprise(actor, data: dict, instance: Enterprise | None) -> dict:
    errors: dict[str, list] = {}
    name = (data.get("name") or "").strip()
    if "name" in data or instance is None:
        if not name:
            errors["name"] = [_("Enter the enterprise's name.")]
        data["name"] = name
    if "credit_code" in data or instance is None:
        code = (data.get("credit_code") or "").strip().upper()
        problem = rules.check_credit_code(code)
        if problem:
            errors["credit_code"] = [problem]
        else:
            clash = Enterprise.objects.filter(credit_code=code)
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                errors["credit_code"] = [_("An enterprise with this credit code is registered.")]
        data["credit_code"] = code
    unit = data.get("org_unit", instance.org_unit if instance else None)
    if unit is None:
        errors["org_unit"] = [_("Choose the township or village.")]
    elif unit.level not in ENTERPRISE_UNIT_LEVELS:
        errors["org_unit"] = [_("Choose a township, park or village.")]
    station = data.get("station")
    if station is not None and station.kind != UnitKind.POLICE_STATION:
        errors["station"] = [_("Choose a police station.")]
    sector = data.get("sector", instance.sector if instance else None)
    if sector not in Sector.values:
        errors["sector"] = [_("Choose the sector.")]
    if "activities" in data or instance is None:
        activities = list(dict.fromkeys(data.get("activities") or []))
        unknown = [a for a in activities if a not in Activity.values]
        if not activities:
            errors["activities"] = [_("Choose at least one activity.")]
        elif unknown:
            errors["activities"] = [
                _("Unknown activity: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}
            ]
        data["activities"] = activities
    if "registered_on" in data and data["registered_on"] and data["registered_on"] > today():
        errors["registered_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise Refused(_("Check the fields marked."), errors=errors)
    if unit is not None and station is None and instance is None:
        data["station"] = OrgUnit.objects.filter(
            kind=UnitKind.POLICE_STATION, covers__in=[_township_of(unit)]
        ).first()
    return data


def _township_of(unit: OrgUnit) -> OrgUnit:
    return unit.township() or unit


ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "org_unit",
    "station",
    "sector",
    "activities",
    "address",
    "contact_name",
    "contact_phone",
    "is_active",
    "registered_on",
)


@transaction.atomic
def register_enterprise(actor, **fields) -> Enterprise:
    data = _clean_enterprise(actor, dict(fields), None)
    if not may_register(actor, data["org_unit"], data["sector"]):
        raise NotAllowed(_("You may not register enterprises here."))
    data.setdefault("registered_on", None)
    data["registered_on"] = data["registered_on"] or today()
    enterprise = Enterprise.objects.create(
        **{k: v for k, v in data.items() if k in ENTERPRISE_FIELDS}
    )
    _audit_create(actor, enterprise)
    return enterprise


@transaction.atomic
def update_enterprise(actor, enterprise: Enterprise, **fields) -> Enterprise:
    _require_manage(actor, enterprise)
    data = _clean_enterprise(actor, dict(fields), enterprise)
    before = _snapshot(enterprise)
    for name, value in data.items():
        if name in ENTERPRISE_FIELDS:
            setattr(enterprise, name, value)
    enterprise.save()
    _audit_update(actor, enterprise, before)
    return enterprise


# ---------------------------------------------------------------- licences and filings


def _decimal(value, field: str, *, allow_none=False) -> Decimal | None:
    if value in (None, ""):
        if allow_none:
            return None
        raise Refused(_("Enter the quantity."), field=field)
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise Refused(_("“%(value)s” is not a number.") % {"value": value}, field=field) from None
    if not number.is_finite():
        raise Refused(_("“%(value)s” is not a number.") % {"value": value}, field=field)
    if number < 0:
        raise Refused(_("The quantity cannot be negative."), field=field)
    return number.quantize(Decimal("0.001"))


@transaction.atomic
def record_licence(
    actor,
    *,
    enterprise: Enterprise,
    kind: str,
    number: str,
    chemicals,
    valid_from: datetime.date,
    valid_to: datetime.date,
    issuer: str = "",
    annual_quantity=None,
) -> ChemicalLicence:
    _require_manage(actor, enterprise)
    law = national_policy()
    errors: dict[str, list] = {}
    number = (number or "").strip()
    chemicals = list(chemicals or [])
    if kind not in LicenceKind.values:
        errors["kind"] = [_("Choose the kind of licence or filing.")]
    if not number:
        errors["number"] = [_("Enter the number.")]
    elif ChemicalLicence.objects.filter(kind=kind, number=number).exists():
        errors["number"] = [_("A licence of this kind with this number is recorded.")]
    if not chemicals:
        errors["chemicals"] = [_("Choose the substances it covers.")]
    if valid_from is None:
        errors["valid_from"] = [_("Enter the date.")]
    if valid_to is None:
        errors["valid_to"] = [_("Enter the date.")]
    if valid_from and valid_to and valid_to < valid_from:
        errors["valid_to"] = [_("The licence cannot end before it starts.")]
    if kind == LicenceKind.OPERATION_FILING and valid_from and valid_to:
        longest = rules.filing_valid_to(law, valid_from)
        if valid_to > longest:
            errors["valid_to"] = [
                _("An operating filing is valid %(years)d years at most, to %(date)s.")
                % {"years": law.operation_filing_years, "date": longest.isoformat()}
            ]
    try:
        quantity = _decimal(annual_quantity, "annual_quantity", allow_none=True)
    except Refused as exc:
        errors["annual_quantity"] = [exc.message]
        quantity = None
    if errors:
        raise Refused(_("Check the fields marked."), errors=errors, basis=[law.filing_article])
    licence = ChemicalLicence.objects.create(
        enterprise=enterprise,
        kind=kind,
        number=number,
        issuer=(issuer or "").strip(),
        annual_quantity=quantity,
        valid_from=valid_from,
        valid_to=valid_to,
        policy_id=law.id,
    )
    licence.chemicals.set(chemicals)
    _audit_create(actor, licence)
    _licence_obligations(actor, licence)
    return licence


def _licence_obligations(actor, licence: ChemicalLicence) -> None:
    """A renewable paper owes its renewal by its end date (reminded from 3 months before);
    a new paper of the same kind that starts by the old one's end fulfils the old one's."""
    from jindu.supervision import services as supervision
    from jindu.supervision.models import Obligation, ObligationKind

    law = national_policy()
    if licence.kind not in law.renewable_kinds:
        return
    enterprise = licence.enterprise
    previous = ChemicalLicence.objects.filter(
        enterprise=enterprise,
        kind=licence.kind,
        valid_to__lt=licence.valid_to,
        valid_to__gte=licence.valid_from - datetime.timedelta(days=1),
    ).exclude(pk=licence.pk)
    for old in previous:
        supervision.fulfil(
            actor,
            kind=ObligationKind.PRECURSOR_RENEWAL,
            org_unit=enterprise.org_unit,
            period=old.valid_to.isoformat(),
            record=licence,
            source=old,
        )
    obligation, created = Obligation.objects.get_or_create(
        kind=ObligationKind.PRECURSOR_RENEWAL,
        org_unit=enterprise.org_unit,
        period=licence.valid_to.isoformat(),
        source_model="precursors.ChemicalLicence",
        source_id=str(licence.pk),
        defaults={
            "due_date": licence.valid_to,
            "basis": [law.filing_article],
            "policy_id": law.id,
            "note": f"{enterprise.name} · {licence.get_kind_display()} {licence.number}"[:300],
        },
    )
    if created:
        audit.record_create(actor, obligation)


# ---------------------------------------------------------------- the ledger


def _date(value, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if value in (None, ""):
        raise Refused(_("Enter the date."), field=field)
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise Refused(
            _("“%(value)s” is not a date: write it as 2020-05-01.") % {"value": value}, field=field
        ) from None


def clean_entry(actor, enterprise: Enterprise, data: dict, *, chemicals=None) -> dict:
    """Validate one ledger line; every problem is named by its field, in Chinese. Changes
    nothing. ``chemicals`` (code → Chemical) spares the import a query per row."""
    errors: dict[str, list] = {}

    def problem(field, message):
        errors.setdefault(field, []).append(message)

    cleaned: dict = {"enterprise": enterprise}
    try:
        day = _date(data.get("date"), "date")
        if day > today():
            problem("date", _("The date cannot be in the future."))
        cleaned["date"] = day
    except Refused as exc:
        problem("date", exc.message)
        day = None
    chemical = data.get("chemical")
    if isinstance(chemical, str):
        code = chemical.strip()
        chemical = (chemicals or {}).get(code) if chemicals is not None else None
        if chemical is None and chemicals is None:
            chemical = Chemical.objects.filter(Q(code=code) | Q(name=code)).first()
    if not isinstance(chemical, Chemical):
        problem("chemical", _("Unknown substance: use a code or name from the catalogue."))
    else:
        cleaned["chemical"] = chemical
        if day and (
            day < chemical.listed_date or (chemical.delisted_date and day >= chemical.delisted_date)
        ):
            problem(
                "chemical",
                _("%(name)s was not listed on %(date)s.")
                % {"name": chemical.name, "date": day.isoformat()},
            )
    movement = data.get("movement")
    if movement not in Movement.values:
        problem("movement", _("Choose the movement."))
    cleaned["movement"] = movement
    try:
        quantity = _decimal(data.get("quantity"), "quantity")
        if quantity == 0 and movement != Movement.STOCK_COUNT:
            problem("quantity", _("The quantity must be more than zero."))
        cleaned["quantity"] = quantity
    except Refused as exc:
        problem("quantity", exc.message)
    document_no = (data.get("document_no") or "").strip()
    if not document_no:
        problem("document_no", _("Enter the document number."))
    elif len(document_no) > 60:
        problem("document_no", _("At most %(n)d characters.") % {"n": 60})
    cleaned["document_no"] = document_no
    counterparty = data.get("counterparty")
    name = (data.get("counterparty_name") or "").strip()
    licence = (data.get("counterparty_licence") or "").strip()
    if counterparty is not None and counterparty == enterprise:
        problem("counterparty", _("An enterprise cannot trade with itself."))
    cleaned.update(counterparty=counterparty, counterparty_name=name, counterparty_licence=licence)
    trade = movement in (
        Movement.PURCHASE,
        Movement.SALE,
        Movement.TRANSFER_IN,
        Movement.TRANSFER_OUT,
    )
    retail = (
        movement == Movement.SALE
        and isinstance(chemical, Chemical)
        and chemical.category == "ephedrine_preparation"
    )
    if trade and counterparty is None and not name and not retail:
        problem("counterparty", _("Name the counterparty: a registered enterprise, or its name."))
    payment = data.get("payment") or ""
    if payment and payment not in Payment.values:
        problem("payment", _("Choose the payment method."))
    if movement in (Movement.PURCHASE, Movement.SALE) and not payment and not retail:
        problem("payment", _("Choose the payment method."))
    cleaned["payment"] = payment
    cleaned["stated_use"] = (data.get("stated_use") or "").strip()[:200]
    cleaned["transport_licence"] = (data.get("transport_licence") or "").strip()[:60]
    cleaned["prescribed"] = bool(data.get("prescribed"))
    filed_on = data.get("filed_on")
    if filed_on not in (None, ""):
        try:
            filed_on = _date(filed_on, "filed_on")
            if day and filed_on < day:
                problem("filed_on", _("A sale cannot be filed before it happened."))
            if filed_on > today():
                problem("filed_on", _("The date cannot be in the future."))
        except Refused as exc:
            problem("filed_on", exc.message)
    cleaned["filed_on"] = filed_on or None
    buyer = (data.get("buyer_id_number") or "").strip().upper()
    cleaned["buyer_id_hash"] = cleaned["buyer_id_masked"] = ""
    if retail:
        if not buyer:
            problem("buyer_id_number", _("Register the buyer's identity number."))
        else:
            check = check_id_number(buyer, today=today())
            if not check.valid:
                problem("buyer_id_number", "；".join(str(e) for e in check.errors))
            else:
                # core.protected.ProtectedNumber: the keyed hash and the mask, never the number
                cleaned.update(LedgerEntry.buyer_id_number.values(check.number))
    if errors:
        raise Refused(_("Check the fields marked."), errors=errors)
    return cleaned


def entry_facts(cleaned: dict) -> rules.EntryFacts:
    """What ``rules.entry_flags`` needs about a line: papers and the year's purchases."""
    enterprise, chemical, day = cleaned["enterprise"], cleaned["chemical"], cleaned["date"]

    def papers(owner):
        if owner is None:
            return ()
        rows = ChemicalLicence.objects.filter(
            enterprise=owner, chemicals=chemical, valid_from__lte=day, valid_to__gte=day
        )
        return tuple(
            rules.Paper(
                kind=p.kind,
                number=p.number,
                chemicals=frozenset([chemical.code]),
                valid_from=p.valid_from,
                valid_to=p.valid_to,
                annual_quantity=p.annual_quantity,
                revoked_on=p.revoked_on,
            )
            for p in rows
        )

    year_before = Decimal(0)
    if cleaned["movement"] == Movement.PURCHASE:
        year_before = LedgerEntry.objects.filter(
            enterprise=enterprise,
            chemical=chemical,
            movement=Movement.PURCHASE,
            date__year=day.year,
        ).aggregate(total=Sum("quantity"))["total"] or Decimal(0)
    return rules.EntryFacts(
        movement=cleaned["movement"],
        date=day,
        chemical=chemical.code,
        category=chemical.category,
        quantity=cleaned["quantity"],
        payment=cleaned["payment"],
        counterparty_registered=cleaned["counterparty"] is not None,
        counterparty_licence=cleaned["counterparty_licence"],
        buyer_papers=papers(cleaned["counterparty"]),
        own_papers=papers(enterprise),
        transport_licence=cleaned["transport_licence"],
        year_purchased_before=Decimal(year_before),
        prescribed=cleaned["prescribed"],
    )


ENTRY_FIELDS = (
    "enterprise",
    "date",
    "chemical",
    "movement",
    "quantity",
    "counterparty",
    "counterparty_name",
    "counterparty_licence",
    "document_no",
    "payment",
    "stated_use",
    "transport_licence",
    "filed_on",
    "prescribed",
    "buyer_id_hash",
    "buyer_id_masked",
)


def same_line(entry: LedgerEntry, cleaned: dict) -> bool:
    """Whether an existing line says exactly what ``cleaned`` says (a re-import)."""
    for name in ENTRY_FIELDS:
        value = getattr(entry, name)
        new = cleaned[name]
        if name in ("quantity",):
            if Decimal(value) != Decimal(new):
                return False
        elif value != new:
            return False
    return True


@transaction.atomic
def record_entry(actor, enterprise: Enterprise, *, source: str = Source.MANUAL, **data):
    """Record one ledger line and raise the flags it shows by itself. A line with the same
    document number, substance and movement is refused (409) unless it is identical, in
    which case nothing changes and the existing line is returned."""
    _require_manage(actor, enterprise)
    cleaned = clean_entry(actor, enterprise, data)
    existing = LedgerEntry.objects.filter(
        enterprise=enterprise,
        document_no=cleaned["document_no"],
        chemical=cleaned["chemical"],
        movement=cleaned["movement"],
    ).first()
    if existing is not None:
        if same_line(existing, cleaned):
            return existing
        raise Conflict(
            _("Document %(no)s is already in the ledger with other values.")
            % {"no": cleaned["document_no"]},
            field="document_no",
            errors={"document_no": [_("This document number is already in the ledger.")]},
        )
    return write_entry(actor, cleaned, source=source)


def write_entry(actor, cleaned: dict, *, source: str) -> LedgerEntry:
    entry = LedgerEntry(
        **{k: cleaned[k] for k in ENTRY_FIELDS},
        source=source,
        policy_id=policy_ids(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise Conflict(
            _("This document number is already in the ledger."), field="document_no"
        ) from None
    _audit_create(actor, entry)
    for spec in rules.entry_flags(national_policy(), entry_facts(cleaned)):
        raise_flag(actor, spec, entry=entry)
    return entry


def raise_flag(actor, spec: rules.FlagSpec, *, entry: LedgerEntry | None = None, **where):
    """Raise a flag once per occasion; returns it, or None if it was raised before."""
    county = county_policy()
    raised = today()
    enterprise = entry.enterprise if entry else where["enterprise"]
    key = where.get("key") or f"{spec.rule}:{entry.pk}"
    if Flag.objects.filter(key=key).exists():
        return None
    flag = Flag.objects.create(
        rule=spec.rule,
        basis="、".join(spec.basis),
        enterprise=enterprise,
        chemical=entry.chemical if entry else where.get("chemical"),
        period=(entry.date.strftime("%Y-%m") if entry else where["period"]),
        entry=entry,
        counterparty=entry.counterparty if entry else where.get("counterparty"),
        amount=spec.amount,
        limit=spec.limit,
        ref_date=spec.ref_date,
        key=key,
        raised_on=raised,
        due_date=rules.flag_due(county, raised),
        raised_at=timezone.now(),
        policy_id=policy_ids(),
    )
    _audit_create(actor, flag)
    from .notify import notify_flags

    transaction.on_commit(lambda: notify_flags(Flag.objects.filter(pk=flag.pk)))
    return flag


@transaction.atomic
def close_flag(
    actor,
    flag: Flag,
    *,
    outcome: str,
    note: str = "",
    case=None,
    case_reference: str = "",
):
    """Closing needs an outcome from the rule book (and a note); "criminal case opened" needs
    the enforcement area's case (``case``, or its number in ``case_reference``), one the
    closing user may see; the flag keeps the link and the number."""
    _require_manage(actor, flag.enterprise)
    county = county_policy()
    codes = [o.code for o in county.flag_outcomes]
    errors = {}
    if not flag.is_open:
        raise Conflict(_("This flag is already closed."))
    if outcome not in codes:
        errors["outcome"] = [_("Choose the outcome.")]
    if not (note or "").strip():
        errors["note"] = [_("Say what was found and done.")]
    reference = (case_reference or "").strip()
    if outcome == "criminal_case":
        visible = Case.objects.all()
        if getattr(actor, "is_authenticated", False):
            visible = visible.restrict(actor)
        if case is None and reference:
            case = visible.filter(number=reference).first()
            if case is None:
                errors["case_reference"] = [
                    _("No case with this number in your jurisdiction: record the case first.")
                ]
        elif case is None:
            errors["case"] = [_("Choose the criminal case the flag led to.")]
        elif not visible.filter(pk=case.pk).exists():
            errors["case"] = [_("Choose a case in your jurisdiction.")]
    else:
        case = None
    if errors:
        raise Refused(_("Check the fields marked."), errors=errors)
    before = _snapshot(flag)
    flag.status = FlagStatus.CLOSED
    flag.outcome = outcome
    flag.note = note.strip()
    flag.case = case
    flag.case_reference = case.number if case is not None else reference
    flag.closed_on = today()
    flag.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    flag.save()
    _audit_update(actor, flag, before)
    return flag


# ---------------------------------------------------------------- annual reports


@transaction.atomic
def record_annual_report(
    actor, enterprise: Enterprise, *, year: int, submitted_on: datetime.date, summary: str = ""
) -> AnnualReport:
    from jindu.supervision import services as supervision
    from jindu.supervision.models import ObligationKind

    _require_manage(actor, enterprise)
    if submitted_on is None or submitted_on > today():
        raise Refused(_("The date cannot be in the future."), field="submitted_on")
    if not year or year >= submitted_on.year + 1:
        raise Refused(_("A year's report comes after the year."), field="year")
    if AnnualReport.objects.filter(enterprise=enterprise, year=year).exists():
        raise Conflict(_("This year's report is recorded."), field="year")
    report = AnnualReport.objects.create(
        enterprise=enterprise, year=year, submitted_on=submitted_on, summary=summary.strip()
    )
    _audit_create(actor, report)
    supervision.fulfil(
        actor,
        kind=ObligationKind.PRECURSOR_ANNUAL_REPORT,
        org_unit=enterprise.org_unit,
        period=str(year),
        record=report,
        source=enterprise,
        on=submitted_on,
    )
    return report


def annual_report_obligations(actor, as_of: datetime.date) -> int:
    """易制毒条例第三十六条: every active enterprise in the chemical trade owes last year's
    report by 31 March (bulk, idempotent through the obligation's unique key)."""
    from jindu.supervision.models import Obligation, ObligationKind

    law = national_policy()
    year = as_of.year - 1
    due = rules.annual_report_due(law, year)
    enterprises = Enterprise.objects.filter(
        is_active=True, sector=Sector.CHEMICAL, registered_on__lte=datetime.date(year, 12, 31)
    ).values_list("pk", "org_unit_id", "name")
    before = Obligation.objects.filter(kind=ObligationKind.PRECURSOR_ANNUAL_REPORT).count()
    batch = []
    for pk, unit_id, name in enterprises.iterator(chunk_size=2000):
        batch.append(
            Obligation(
                kind=ObligationKind.PRECURSOR_ANNUAL_REPORT,
                org_unit_id=unit_id,
                period=str(year),
                due_date=due,
                basis=[law.annual_report_article],
                policy_id=law.id,
                source_model="precursors.Enterprise",
                source_id=str(pk),
                note=f"{name} · {year}"[:300],
            )
        )
        if len(batch) >= 2000:
            Obligation.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Obligation.objects.bulk_create(batch, ignore_conflicts=True)
    created = (
        Obligation.objects.filter(kind=ObligationKind.PRECURSOR_ANNUAL_REPORT).count() - before
    )
    if created:
        audit.record(
            actor,
            AuditAction.CREATE,
            model_label="supervision.Obligation",
            object_repr=f"precursor annual reports {year}",
            changes={"created": [None, created]},
        )
    return created


# ---------------------------------------------------------------- joint inspections


@transaction.atomic
def record_inspection(
    actor,
    *,
    enterprise: Enterprise,
    date: datetime.date,
    departments,
    inspectors: str,
    checklist: dict,
    outcome: str,
    findings: str = "",
    rectification_deadline: datetime.date | None = None,
    round: InspectionRound | None = None,
) -> ChemicalInspection:
    from jindu.supervision.models import Obligation, ObligationKind

    _require_manage(actor, enterprise)
    county = county_policy()
    errors: dict[str, list] = {}
    if date is None:
        errors["date"] = [_("Enter the date.")]
    elif date > today():
        errors["date"] = [_("The date cannot be in the future.")]
    departments = list(dict.fromkeys(departments or []))
    if not departments or any(d not in Department.values for d in departments):
        errors["departments"] = [_("Choose the departments that inspected.")]
    if not (inspectors or "").strip():
        errors["inspectors"] = [_("Name the inspectors.")]
    items = {c.code for c in county.checklist if enterprise.sector in c.sectors}
    unknown = set(checklist or {}) - {c.code for c in county.checklist}
    if unknown:
        errors["checklist"] = [
            _("Unknown checklist item: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        ]
    spec = county.outcome(outcome)
    if spec is None:
        errors["outcome"] = [_("Choose the outcome.")]
    elif spec.needs_deadline and not rectification_deadline:
        errors["rectification_deadline"] = [_("An order to rectify needs a deadline.")]
    if rectification_deadline and date and rectification_deadline < date:
        errors["rectification_deadline"] = [_("The deadline cannot be before the inspection.")]
    failed = [code for code in items if (checklist or {}).get(code) is False]
    if failed and spec is not None and spec.code == "no_problem":
        errors["outcome"] = [_("Items failed the checklist: the outcome cannot be “no problem”.")]
    if round is not None and date and not (round.date_from <= date <= round.date_to):
        errors["round"] = [_("The inspection is outside the round's period.")]
    if errors:
        raise Refused(_("Check the fields marked."), errors=errors)
    inspection = ChemicalInspection.objects.create(
        enterprise=enterprise,
        round=round,
        date=date,
        departments=departments,
        inspectors=inspectors.strip(),
        checklist={k: bool(v) for k, v in (checklist or {}).items()},
        findings=(findings or "").strip(),
        outcome=outcome,
        rectification_deadline=rectification_deadline if spec.needs_deadline else None,
        policy_id=county.id,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _audit_create(actor, inspection)
    if inspection.rectification_deadline:
        obligation = Obligation.objects.create(
            kind=ObligationKind.PRECURSOR_RECTIFICATION,
            org_unit=enterprise.org_unit,
            period=inspection.rectification_deadline.isoformat(),
            due_date=inspection.rectification_deadline,
            basis=["方案四（一）五是"],
            policy_id=county.id,
            source_model="precursors.ChemicalInspection",
            source_id=str(inspection.pk),
            note=f"{enterprise.name} · {spec.name}"[:300],
        )
        audit.record_create(actor, obligation)
    return inspection


@transaction.atomic
def record_rectified(actor, inspection: ChemicalInspection, *, on: datetime.date):
    from jindu.supervision import services as supervision
    from jindu.supervision.models import ObligationKind

    _require_manage(actor, inspection.enterprise)
    if not inspection.rectification_deadline:
        raise Conflict(_("This inspection ordered no rectification."))
    if inspection.rectified_on:
        raise Conflict(_("The rectification is recorded."))
    if on is None or on > today() or on < inspection.date:
        raise Refused(_("Give the day it was rectified (not in the future)."), field="on")
    before = _snapshot(inspection)
    inspection.rectified_on = on
    inspection.save(update_fields=["rectified_on"])
    _audit_update(actor, inspection, before)
    supervision.fulfil(
        actor,
        kind=ObligationKind.PRECURSOR_RECTIFICATION,
        org_unit=inspection.enterprise.org_unit,
        period=inspection.rectification_deadline.isoformat(),
        record=inspection,
        source=inspection,
        on=on,
    )
    return inspection


@transaction.atomic
def create_round(actor, *, name: str, date_from, date_to, is_census: bool = True):
    require_office(actor, _("Only the county office may do this."))
    if not (name or "").strip():
        raise Refused(_("Name the round."), field="name")
    if not date_from or not date_to or date_to < date_from:
        raise Refused(_("The period starts after it ends."), field="date_to")
    row = InspectionRound.objects.create(
        name=name.strip(), date_from=date_from, date_to=date_to, is_census=is_census
    )
    _audit_create(actor, row)
    return row
