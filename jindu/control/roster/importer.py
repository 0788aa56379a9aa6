"""Importing the county's roster of drug users from Excel (.xlsx), and its template.

The house pattern of ``jindu/orgs/importer.py``: every row is checked and every bad row is
reported with its reason (row number, column, message); by default nothing is written unless
the whole file is clean, or, by choice, the good rows are written and the bad ones reported.
Re-importing the same file changes nothing.

Built for large files (the benchmark imports 100,000 rows): the workbook is streamed once
(``read_only=True``, ``values_only=True``) inside one transaction, in chunks of ``CHUNK``
rows; each chunk is checked and then written. In the default all-or-nothing mode the first
bad row stops the writing, the rest of the file is still checked (so every bad row is
listed), and the transaction is rolled back: a clean file is read once, not twice. Per chunk,
existing people are fetched by their keyed identity hash in one query (never by
decrypting); new people, their first status change and finding (and a risk assessment when
the row grades them) are inserted at once (``insert``: ``COPY`` on PostgreSQL,
``bulk_create`` elsewhere); units are looked up once per distinct code or name. Memory holds
one chunk, the units seen, 64 bits per identity number seen (duplicates within the file) and
at most ``MAX_ERRORS`` row errors.

Validation is the service's (``registry.clean_registration``, which asks
``rules.check_id_number``), and rows are built by ``registry.build_person`` and
``registry.initial_records`` exactly as ``registry.register_person`` builds them. The import
writes one summary audit event (counts only, no personal data); changes to people already
registered go through the services (``update_person``, ``move_residence``,
``assess_risk``), which check and audit each.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from jindu.audit import services as audit
from jindu.audit.models import AuditAction
from jindu.core import xlsx
from jindu.core.bulk import insert
from jindu.core.errors import NotAllowed, Refused
from jindu.core.scoping import CHANGE, VIEW, scope_for
from jindu.orgs.importer import RowError, cell_text  # shared with the organisation import
from jindu.orgs.models import OrgUnit

from .. import crypto
from ..models import Finding, Person, RiskAssessment, StatusChange
from ..policy import control_policy
from ..selectors import RESIDENCE_LEVELS
from ..services import registry
from ..services.common import today

NAME = "姓名"
GENDER = "性别"
ID_NUMBER = "公民身份号码"
ADDRESS = "户籍地址"
UNIT = "现居住地编码"
PHONE = "联系电话"
DRUGS = "吸毒种类"
FOUND = "初次发现日期"
NOTES = "备注"
RISK = "风险等级"

# The template's columns in order. The last one (风险等级) may be left out of a file.
HEADERS = [NAME, GENDER, ID_NUMBER, ADDRESS, UNIT, PHONE, DRUGS, FOUND, NOTES, RISK]
REQUIRED_HEADERS = HEADERS[:-1]
OPTIONAL_HEADERS = [RISK]

# A row whose name starts with this is the template's example row and is skipped.
EXAMPLE_MARK = "示例"
CHUNK = 2000
MAX_ERRORS = 500

# Service field → column title, to name the column of a refusal.
FIELD_COLUMNS = {
    "name": NAME,
    "gender": GENDER,
    "id_number": ID_NUMBER,
    "household_address": ADDRESS,
    "residence_unit": UNIT,
    "phone": PHONE,
    "drug_types": DRUGS,
    "first_found_date": FOUND,
    "status_since": FOUND,
    "notes": NOTES,
}
RISK_NAMES = {"低": "low", "中": "medium", "高": "high"}
SEPARATORS = re.compile(r"[、,，;；/\s]+")
DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)
CODE_PATTERN = re.compile(r"^\d{6,20}$")


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0  # every bad row, even those beyond MAX_ERRORS
    rows: int = 0  # data rows read
    imported: bool = False  # whether anything was written
    finished: bool = False  # the import ran and was recorded (even if it changed nothing)
    # keyed hashes of rows whose number the county office must resolve (never named by row)
    referred: list[str] = field(default_factory=list)

    @property
    def referred_count(self) -> int:
        return len(self.referred)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.referred

    @property
    def more_errors(self) -> int:
        """Bad rows not listed (beyond the first ``MAX_ERRORS``)."""
        return max(self.error_count - len(self.errors), 0)

    def counts(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}

    def add_error(self, row: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, message))

    def as_json(self) -> dict:
        """What the job page shows (``control/roster_result.html`` reads the same keys)."""
        return {
            **self.counts(),
            "errors": [{"row": e.row, "message": e.message} for e in self.errors],
            "error_count": self.error_count,
            "rows": self.rows,
            "imported": self.imported,
            "finished": self.finished,
            "ok": self.ok,
            "more_errors": self.more_errors,
        }


class _FileProblem(Exception):
    """The file as a whole cannot be imported (unreadable, wrong headers)."""

    def __init__(self, row: int, message: str):
        super().__init__(message)
        self.row = row
        self.message = message


class _Rollback(Exception):
    pass


# ---------------------------------------------------------------- reading cells


def _problem(column: str, message) -> str:
    return _("%(column)s: %(problem)s") % {"column": column, "problem": message}


def _id_text(value) -> str:
    """An identity number as typed; a number cell that Excel rounded cannot be trusted."""
    if isinstance(value, float) and abs(value) >= 1e15:
        raise Refused(
            _(
                "The identity number was stored as a number and lost its last digits; "
                "format the column as text and type it again."
            )
        )
    return cell_text(value).upper()


def parse_date(value) -> datetime.date:
    """A date cell or text YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYY年M月D日."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    if not text:
        raise Refused(_("Enter the date."))
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise Refused(
        _("“%(value)s” is not a date: write it as 2020-05-01, 2020/5/1 or 2020年5月1日.")
        % {"value": text[:40]}
    )


def _code_lookup(name: str) -> dict[str, str]:
    """Chinese name or code (any case) → code, for one of the policy's code lists."""
    lookup = {}
    for code in control_policy().code_list(name):
        lookup[code.code.lower()] = code.code
        lookup[code.name.lower()] = code.code
    return lookup


def parse_drug_types(value, lookup: dict[str, str]) -> list[str]:
    tokens = [t for t in SEPARATORS.split(cell_text(value)) if t]
    unknown = [t for t in tokens if t.lower() not in lookup]
    if unknown:
        names = "、".join(c.name for c in control_policy().code_list("drug_types"))
        raise Refused(
            _("Unknown drug type “%(types)s”: use %(names)s.")
            % {"types": "、".join(unknown), "names": names}
        )
    return list(dict.fromkeys(lookup[t.lower()] for t in tokens))


def parse_gender(value, lookup: dict[str, str]) -> str:
    # Refused here, not left to the service: a row with other problems never reaches it,
    # and the report must name every problem of the row.
    text = cell_text(value)
    if text.lower() not in lookup:
        raise Refused(_("Choose male or female."))
    return lookup[text.lower()]


def parse_risk(value, lookup: dict[str, str]) -> str:
    text = cell_text(value)
    if not text:
        return ""
    level = RISK_NAMES.get(text) or lookup.get(text.lower())
    if level is None:
        raise Refused(_("Write 低, 中 or 高, or leave it empty."))
    return level


# ---------------------------------------------------------------- units


class _Units:
    """Residence units by code (or unique name within the user's scope), looked up once."""

    def __init__(self, actor):
        self.actor = actor
        self.scope = scope_for(actor) if actor is not None else None
        self.by_code: dict[str, OrgUnit | None] = {}
        self.by_name: dict[str, OrgUnit | bool | None] = {}  # False: ambiguous

    def prefetch(self, texts: set[str]) -> None:
        codes = {t for t in texts if CODE_PATTERN.match(t) and t not in self.by_code}
        if codes:
            for unit in OrgUnit.objects.filter(code__in=codes):
                self.by_code[unit.code] = unit
            for code in codes:
                self.by_code.setdefault(code, None)
        names = {t for t in texts if not CODE_PATTERN.match(t) and t and t not in self.by_name}
        if names:
            units = OrgUnit.objects.filter(name__in=names, level__in=RESIDENCE_LEVELS)
            if self.actor is not None:
                units = units.restrict(self.actor, VIEW)
            found: dict[str, list[OrgUnit]] = {}
            for unit in units:
                found.setdefault(unit.name, []).append(unit)
            for name in names:
                matches = found.get(name, [])
                if len(matches) == 1:
                    self.by_name[name] = matches[0]
                else:
                    self.by_name[name] = False if matches else None

    def resolve(self, text: str) -> OrgUnit:
        if not text:
            raise Refused(_("Enter the 12-digit code of the village, community or grid."))
        if CODE_PATTERN.match(text):
            unit = self.by_code.get(text)
            if unit is None:
                raise Refused(_("No unit has the code %(code)s.") % {"code": text})
        else:
            unit = self.by_name.get(text)
            if unit is False:
                raise Refused(
                    _("Several units in your area are called “%(name)s”: use the code.")
                    % {"name": text}
                )
            if unit is None:
                raise Refused(
                    _("No village, community or grid in your area is called “%(name)s”.")
                    % {"name": text}
                )
        if self.scope is not None and not self.scope.covers_path(unit.path):
            raise Refused(_("%(unit)s is not within your area.") % {"unit": unit.name})
        return unit


# ---------------------------------------------------------------- one pass over the file


# What is compared with an existing person's record (no decryption needed).
_COMPARED = (
    "pk",
    "id_hash",
    "name",
    "household_address",
    "phone_hash",
    "drug_types",
    "notes",
    "residence_unit_id",
    "risk_level",
)


@dataclass
class _Row:
    number: int
    cleaned: dict
    digest: str
    risk: str


class _Pass:
    """One streamed pass over the file: parse and check every row, chunk by chunk, and write
    each chunk's good rows. With ``all_or_nothing``, writing stops at the first bad row (the
    caller then rolls the transaction back) while checking goes on, so every bad row is
    reported."""

    def __init__(self, actor, report: ImportReport, *, all_or_nothing: bool, max_rows: int | None):
        self.actor = actor
        self.report = report
        self.all_or_nothing = all_or_nothing
        self.max_rows = max_rows
        self.scope = scope_for(actor) if actor is not None else None
        self.units = _Units(actor)
        self.drugs = _code_lookup("drug_types")
        self.genders = _code_lookup("gender")
        self.risks = _code_lookup("risk_level")
        # The first row of each identity number, keyed by 64 bits of its keyed hash (a few
        # dozen bytes a row, the only memory that grows with the file besides openpyxl's
        # table of shared strings).
        self.seen: dict[int, int] = {}
        self.today = today()

    # ---- per row

    def parse(self, number: int, cells: dict) -> _Row | None:
        """Check every column of the row and report every problem found (not only the
        first): the clerk corrects the whole row at once."""
        problems: list[str] = []

        def attempt(column, check):
            try:
                return check()
            except Refused as exc:
                messages = [str(m) for ms in (exc.errors or {}).values() for m in ms]
                problems.append(_problem(column, "；".join(messages) or str(exc.message)))
                return None

        unit = attempt(UNIT, lambda: self.units.resolve(cell_text(cells[UNIT])))
        gender = attempt(GENDER, lambda: parse_gender(cells[GENDER], self.genders))
        id_number = attempt(ID_NUMBER, lambda: _id_text(cells[ID_NUMBER]))
        found = attempt(FOUND, lambda: parse_date(cells[FOUND]))
        drug_types = attempt(DRUGS, lambda: parse_drug_types(cells[DRUGS], self.drugs))
        risk = attempt(RISK, lambda: parse_risk(cells.get(RISK), self.risks))
        name = cell_text(cells[NAME])
        address = cell_text(cells[ADDRESS])
        # A value longer than its field is refused, never cut.
        for column, value, limit in ((NAME, name, 50), (ADDRESS, address, 200)):
            if len(value.strip()) > limit:
                problems.append(
                    _problem(
                        column,
                        _("At most %(n)d characters (this has %(len)d).")
                        % {"n": limit, "len": len(value.strip())},
                    )
                )
        if not name.strip():
            problems.append(_problem(NAME, _("Enter the name.")))
        if id_number:
            attempt(ID_NUMBER, lambda: registry.check_id_number(id_number, gender))
        attempt(PHONE, lambda: registry.check_phone(cell_text(cells[PHONE])))
        if unit is not None:
            attempt(UNIT, lambda: registry.check_residence(self.actor, unit))
        if problems:
            self.report.add_error(number, "；".join(dict.fromkeys(problems)))
            return None
        try:
            cleaned = registry.clean_registration(
                self.actor,
                name=name,
                gender=gender,
                id_number=id_number,
                residence_unit=unit,
                first_found_date=found,
                household_address=address,
                phone=cell_text(cells[PHONE]),
                drug_types=drug_types,
                notes=cell_text(cells[NOTES]),
            )
        except Refused as exc:
            field_name = exc.field or next(iter(exc.errors or {}), "")
            column = FIELD_COLUMNS.get(field_name, NAME)
            messages = [str(m) for m in (exc.errors or {}).get(field_name, [])] or [
                str(exc.message)
            ]
            self.report.add_error(number, _problem(column, "；".join(messages)))
            return None
        digest = crypto.lookup_hash(cleaned["id_number"])
        key = int(digest[:16], 16)
        first = self.seen.get(key)
        if first is not None:
            self.report.add_error(
                number,
                _problem(
                    ID_NUMBER,
                    _("The same identity number is already on row %(row)d.") % {"row": first},
                ),
            )
            return None
        self.seen[key] = number
        return _Row(number, cleaned, digest, risk)

    # ---- per chunk

    def chunk(self, raw: list[tuple[int, dict]]) -> None:
        self.units.prefetch({cell_text(cells[UNIT]) for _n, cells in raw})
        rows = [row for number, cells in raw if (row := self.parse(number, cells)) is not None]
        if not rows:
            return
        existing = {
            p["id_hash"]: p
            for p in Person.objects.filter(id_hash__in=[r.digest for r in rows]).values(
                *_COMPARED, unit_path=F("residence_unit__path")
            )
        }
        new_rows, old_rows = [], []
        for row in rows:
            person = existing.get(row.digest)
            if person is None:
                new_rows.append(row)
            elif self.scope is not None and not self.scope.covers_path(person["unit_path"]):
                # Not named row by row: that would tell a township which of its numbers are
                # registered elsewhere. Counted, audited by keyed hash, left to the office.
                self.report.referred.append(row.digest)
            else:
                old_rows.append((row, person))
        if not (self.all_or_nothing and (self.report.error_count or self.report.referred)):
            self._create(new_rows)
            for row, person in old_rows:
                self._update(row, person)

    # ---- writing

    def _create(self, rows: list[_Row]) -> None:
        if not rows:
            return
        people = []
        for row in rows:
            person = registry.build_person(self.actor, row.cleaned)
            if row.risk:
                person.risk_level, person.risk_date = row.risk, self.today
            people.append(person)
        insert(Person, people, ids=True)
        changes, findings, risks = [], [], []
        for row, person in zip(rows, people, strict=True):
            change, finding = registry.initial_records(self.actor, person)
            changes.append(change)
            findings.append(finding)
            if row.risk:
                risks.append(self._assessment(person, row.risk))
        insert(StatusChange, changes)
        insert(Finding, findings)
        insert(RiskAssessment, risks)
        self.report.created += len(rows)

    def _assessment(self, person: Person, level: str) -> RiskAssessment:
        return RiskAssessment(
            person=person,
            date=self.today,
            level=level,
            factors=[] if level == "low" else [_("Graded in the imported roster")],
            assessor_name=str(self.actor) if self.actor else "",
            assessed_by=self.actor,
        )

    def _update(self, row: _Row, current: dict) -> None:
        """Bring an existing person up to the row: changed name, address, phone and notes;
        drug types merged; a move of residence; a new risk grade. Blank cells change nothing.
        The changes go through the services (which check and audit each)."""
        new = row.cleaned
        changes = {}
        if new["name"] != current["name"]:
            changes["name"] = new["name"]
        if new["household_address"] and new["household_address"] != current["household_address"]:
            changes["household_address"] = new["household_address"]
        if new["phone"] and crypto.lookup_hash(new["phone"]) != current["phone_hash"]:
            changes["phone"] = new["phone"]
        merged = list(dict.fromkeys([*current["drug_types"], *new["drug_types"]]))
        if merged != list(current["drug_types"]):
            changes["drug_types"] = merged
        if new["notes"] and new["notes"] != current["notes"]:
            changes["notes"] = new["notes"]
        moves = new["residence_unit"].pk != current["residence_unit_id"]
        grades = bool(row.risk) and row.risk != current["risk_level"]
        if not (changes or moves or grades):
            self.report.unchanged += 1
            return
        try:
            with transaction.atomic():
                self._apply(row, Person.objects.get(pk=current["pk"]), changes, moves, grades)
        except Refused as exc:
            column = FIELD_COLUMNS.get(exc.field or "", UNIT if moves else NAME)
            self.report.add_error(row.number, _problem(column, str(exc.message)))
            return
        self.report.updated += 1

    def _apply(self, row: _Row, person: Person, changes: dict, moves: bool, grades: bool) -> None:
        new = row.cleaned
        reason = _("Roster import")
        if changes:
            person = registry.update_person(self.actor, person, **changes)
        if moves:
            registry.move_residence(
                self.actor,
                person,
                residence_unit=new["residence_unit"],
                date=self.today,
                reason=reason,
            )
        if grades:
            registry.assess_risk(
                self.actor,
                person,
                date=self.today,
                level=row.risk,
                factors=[] if row.risk == "low" else [_("Graded in the imported roster")],
            )

    # ---- the whole file

    def run(self, source, progress=None) -> None:
        batch: list[tuple[int, dict]] = []
        # Blank rows count too: a million of them must not keep a worker busy.
        budget = None if self.max_rows is None else self.max_rows * 2
        for number, cells in _read(source, progress, max_rows_read=budget):
            self.report.rows += 1
            if self.max_rows is not None and self.report.rows > self.max_rows:
                raise _FileProblem(
                    0,
                    _("The file has more than %(max)d rows; split it into several files.")
                    % {"max": self.max_rows},
                )
            batch.append((number, cells))
            if len(batch) >= CHUNK:
                self.chunk(batch)
                batch = []
                if progress is not None:
                    progress(self.report.rows)
        if batch:
            self.chunk(batch)
        if progress is not None:
            progress(self.report.rows)


def _read(
    source, progress=None, *, max_rows_read: int | None = None, max_seconds: float | None = None
) -> Iterator[tuple[int, dict]]:
    """The data rows of the first sheet as (row number, {column title: value}), streamed
    under the budgets of ``core.xlsx`` (issue 16, item 8). Blank rows and the template's
    example row are skipped, but count toward the budget."""
    try:
        stream = xlsx.rows(source, progress, max_rows_read=max_rows_read, max_seconds=max_seconds)
        _header_row, first = next(stream, (1, ()))
        header = [cell_text(v).rstrip("*＊") for v in first]
        positions = {title: header.index(title) for title in HEADERS if title in header}
        if any(title not in positions for title in REQUIRED_HEADERS):
            stream.close()
            raise _FileProblem(
                1,
                _("This is not the roster template: the first row must be %(headers)s.")
                % {"headers": "、".join(REQUIRED_HEADERS)},
            )
        width = max(positions.values()) + 1
        for number, values in stream:
            if not values:
                continue
            if len(values) < width:
                values = (*values, *[None] * (width - len(values)))
            cells = {title: values[index] for title, index in positions.items()}
            if all(v is None or cell_text(v) == "" for v in cells.values()):
                continue
            if cell_text(cells[NAME]).startswith(EXAMPLE_MARK):
                continue
            yield number, cells
    except xlsx.SheetProblem as problem:
        raise _FileProblem(problem.row, problem.message) from None


# ---------------------------------------------------------------- the import


def _require_registrar(actor) -> None:
    if actor is not None and not scope_for(actor).may(CHANGE, Person):
        raise NotAllowed(_("You may not register persons."))


def import_roster(
    actor,
    source,
    *,
    good_rows_only: bool = False,
    max_rows: int | None = None,
    progress=None,
) -> ImportReport:
    """Import a roster (a path or a binary file object of an .xlsx).

    By default nothing is written unless every row is good; with ``good_rows_only`` the good
    rows are written and the bad ones reported. ``max_rows`` refuses larger files (the web
    page's limit; the function itself has none). Raises ``NotAllowed`` for a user who may not
    register persons.

    One streamed pass inside one transaction: each chunk is checked, then written; in the
    default mode the first bad row stops the writing, the rest of the file is still checked,
    and the transaction is rolled back, so a clean file is read once, not twice."""
    _require_registrar(actor)
    report = _import_roster(
        actor, source, good_rows_only=good_rows_only, max_rows=max_rows, progress=progress
    )
    registry.note_registry_refusals(actor, report.referred, source="import")
    if not report.finished:
        # A refused or rolled-back import leaves nothing else behind; the trail still says
        # that it was tried (counts only, no personal data).
        audit.record(
            actor,
            AuditAction.REFUSED,
            model_label="control.Person",
            object_repr=_("Roster import refused"),
            changes={
                "rows": report.rows,
                "bad_rows": report.error_count,
                "referred": report.referred_count,
                "good_rows_only": good_rows_only,
            },
        )
    return report


def _import_roster(
    actor, source, *, good_rows_only: bool, max_rows: int | None, progress=None
) -> ImportReport:
    report = ImportReport()
    try:
        with transaction.atomic():
            _Pass(actor, report, all_or_nothing=not good_rows_only, max_rows=max_rows).run(
                source, progress
            )
            if not report.rows:
                raise _FileProblem(0, _("The file has no data rows."))
            if (report.error_count or report.referred) and not good_rows_only:
                raise _Rollback
            audit.record(
                actor,
                AuditAction.IMPORT,
                model_label="control.Person",
                object_repr=_("Roster import"),
                changes={
                    "counts": report.counts(),
                    "rows": report.rows,
                    "bad_rows": report.error_count,
                    "referred": report.referred_count,
                    "good_rows_only": good_rows_only,
                },
            )
    except _Rollback:
        report.created = report.updated = report.unchanged = 0
        return report
    except _FileProblem as problem:
        return ImportReport(
            error_count=1, errors=[RowError(problem.row, problem.message)], rows=report.rows
        )
    except IntegrityError:
        return ImportReport(
            error_count=1,
            errors=[
                RowError(
                    0,
                    _(
                        "Someone registered one of these persons while the file was being "
                        "imported; nothing was written. Import the file again."
                    ),
                )
            ],
        )
    report.imported = bool(report.created or report.updated)
    report.finished = True
    return report
