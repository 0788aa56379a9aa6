"""Reading and validating a policy file.

Every problem names the file, the key and what is wrong, so a county editing its own rules
sees exactly where the file disagrees with the format (policies/README.md).
"""

from __future__ import annotations

import datetime
import math
import re
import tomllib
from pathlib import Path
from typing import Any

from .schema import (
    ApplicationKind,
    Article,
    CampaignSpec,
    Category,
    Choice,
    Condition,
    Consequence,
    EvaluationItem,
    EvaluationRules,
    Grade,
    Level,
    ListingObligation,
    PhaseSpec,
    Policy,
    RecurringObligation,
    ReportField,
    Responsibilities,
    SupervisionRules,
    TownshipDuty,
)

AFTER_EXTENSIONS = ("continue", "decide")
OWNERS = ("listed_unit", "office")
SCHEDULES = ("anniversary", "period_end", "calendar_year")
SECTIONS = ("objective", "subjective")
WHEN = ("listed", "period_missed", "extension_missed")
TARGETS = ("unit", "responsible_persons")
DESIGNATION_LEVELS = ("township", "village")
NEW_PERIOD = ("fresh", "keep")
DUTY_CHECKS = ("positions", "record")
FREQUENCIES = ("monthly", "quarterly", "yearly", "campaign")
OWNER_KINDS = ("member_unit", "township", "village", "county")
FIELD_TYPES = ("text", "number")
POSITION_ROLES = (
    "first_responsible",
    "direct_responsible",
    "committee_director",
    "office_director",
)


class PolicyError(ValueError):
    def __init__(self, path: str, key: str, problem: str):
        self.path, self.key, self.problem = path, key, problem
        super().__init__(f"{path}: {key}: {problem}")


class _Reader:
    """Typed access to a TOML table that reports the dotted key of any problem."""

    def __init__(self, path: str, data: dict, prefix: str = ""):
        self.path, self.data, self.prefix = path, data, prefix

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def fail(self, name: str, problem: str):
        raise PolicyError(self.path, self.key(name), problem)

    def get(self, name: str, kind, *, default: Any = ..., choices=None):
        if name not in self.data:
            if default is ...:
                self.fail(name, "is required")
            return default
        value = self.data[name]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
            self.fail(name, f"must be {_kind_name(kind)}, not {type(value).__name__}")
        if choices is not None and value not in choices:
            self.fail(name, f"must be one of {', '.join(map(str, choices))}, not {value!r}")
        return value

    def text(self, name: str, default: Any = ..., *, required_nonempty: bool = True, choices=None):
        value = self.get(name, str, default=default, choices=choices)
        if default is ... and required_nonempty and not value.strip():
            self.fail(name, "must not be empty")
        return value

    def number(self, name: str, default: Any = ..., *, minimum: float | None = None):
        value = self.get(name, float, default=default)
        if not math.isfinite(value) or (minimum is not None and value < minimum):
            self.fail(name, f"must be a number ≥ {minimum}")
        return value

    def whole(self, name: str, default: Any = ..., *, minimum: int = 0):
        value = self.get(name, int, default=default)
        if value < minimum:
            self.fail(name, f"must be a whole number ≥ {minimum}")
        return value

    def table(self, name: str) -> _Reader:
        return _Reader(self.path, self.get(name, dict), f"{self.key(name)}.")

    def tables(self, name: str, *, min_items: int = 1) -> list[_Reader]:
        items = self.get(name, list)
        if len(items) < min_items:
            self.fail(name, f"needs at least {min_items} entr{'y' if min_items == 1 else 'ies'}")
        readers = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise PolicyError(self.path, f"{self.key(name)}[{i}]", "must be a table")
            readers.append(_Reader(self.path, item, f"{self.key(name)}[{i}]."))
        return readers

    def strings(self, name: str, default: Any = ...) -> tuple[str, ...]:
        value = self.get(name, list, default=default)
        if not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(name, "must be a list of non-empty strings")
        return tuple(value)


def _kind_name(kind) -> str:
    return {
        str: "text",
        int: "a whole number",
        float: "a number",
        bool: "true or false",
        dict: "a table",
        list: "a list",
        datetime.date: "a date (YYYY-MM-DD)",
    }.get(kind, kind.__name__)


def _unique(path: str, key: str, codes: list[str]) -> None:
    seen = set()
    for i, code in enumerate(codes):
        if code in seen:
            raise PolicyError(path, f"{key}[{i}].code", f"duplicate code {code!r}")
        seen.add(code)


def _code(reader: _Reader, name: str = "code") -> str:
    value = reader.text(name)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", value):
        reader.fail(name, f"must be a lower-case code like key_rectification, not {value!r}")
    return value


def load_policy(path: str | Path) -> Policy:
    path = Path(path)
    label = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError(label, "(file)", "does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(label, "(syntax)", str(exc)) from None
    return parse_policy(raw, label)


def parse_policy(raw: dict, label: str = "<policy>") -> Policy:
    root = _Reader(label, raw)

    articles_raw = root.get("articles", dict)
    articles = {}
    for number, body in articles_raw.items():
        if not isinstance(body, dict):
            raise PolicyError(label, f"articles.{number}", "must be a table with `text`")
        r = _Reader(label, body, f"articles.{number}.")
        articles[number] = Article(number, r.text("chapter", ""), r.text("text"))
    if not articles:
        root.fail("articles", "needs the text of at least one article")

    def article(reader: _Reader, name: str = "article", *, optional: bool = False) -> str:
        value = reader.text(name, "" if optional else ...)
        if value and value not in articles:
            reader.fail(name, f"cites {value!r}, which is not in [articles]")
        return value

    head = root.table("policy")
    policy_id = head.text("id")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", policy_id):
        head.fail("id", "must be lower-case letters, digits and hyphens")
    document_date = head.get("document_date", datetime.date)
    effective_date = head.get("effective_date", datetime.date)
    if effective_date < document_date:
        head.fail("effective_date", "cannot be before document_date")
    designation_levels = head.strings("designation_levels")
    for lv in designation_levels:
        if lv not in DESIGNATION_LEVELS:
            head.fail("designation_levels", f"{lv!r} is not one of {', '.join(DESIGNATION_LEVELS)}")

    categories = tuple(
        Category(_code(r), r.text("name"), article(r), r.text("clause", ""))
        for r in root.tables("categories")
    )
    _unique(label, "categories", [c.code for c in categories])

    level_readers = root.tables("levels")
    levels = []
    for r in level_readers:
        after = r.text("after_extensions", choices=AFTER_EXTENSIONS)
        level = Level(
            code=_code(r),
            name=r.text("name"),
            short_name=r.text("short_name"),
            rank=r.whole("rank", minimum=1),
            article=article(r),
            clause=r.text("clause", ""),
            period_months=r.whole("period_months", minimum=1),
            extensions_allowed=r.whole("extensions_allowed"),
            extension_months=r.whole("extension_months", 0),
            period_article=article(r, "period_article"),
            after_extensions=after,
            continue_months=r.whole("continue_months", 0),
            lower_to=r.text("lower_to", ""),
            shift_to_working_day=r.get("shift_to_working_day", bool, default=False),
        )
        if level.extensions_allowed and level.extension_months < 1:
            r.fail("extension_months", "must be ≥ 1 when extensions are allowed")
        if after == "continue" and level.continue_months < 1:
            r.fail("continue_months", 'must be ≥ 1 when after_extensions is "continue"')
        levels.append(level)
    _unique(label, "levels", [lv.code for lv in levels])
    by_code = {lv.code: lv for lv in levels}
    for r, level in zip(level_readers, levels, strict=True):
        if level.lower_to:
            target = by_code.get(level.lower_to)
            if target is None:
                r.fail("lower_to", f"names no level {level.lower_to!r}")
            if target.rank >= level.rank:
                r.fail(
                    "lower_to", f"{level.lower_to!r} is not a lower level (its rank is not lower)"
                )

    lowering = root.table("lowering")
    rules_table = root.get("rules", dict)
    for key, value in rules_table.items():
        if key.endswith("_article") and value not in articles:
            raise PolicyError(label, f"rules.{key}", f"cites {value!r}, which is not in [articles]")

    conditions = tuple(
        Condition(_code(r), r.text("name"), article(r), r.text("clause", ""), r.strings("points"))
        for r in root.tables("conditions")
    )
    _unique(label, "conditions", [c.code for c in conditions])

    application_kinds = tuple(
        ApplicationKind(_code(r), r.text("name"), article(r))
        for r in root.tables("application_kinds")
    )
    _unique(label, "application_kinds", [a.code for a in application_kinds])

    evaluation = _evaluation(root.table("evaluation"), article)
    listing_obligations = _obligations(root, article)
    consequences = _consequences(root, article, by_code)
    responsibilities = _responsibilities(root, article)
    assistance_roles = tuple(
        Choice(_code(r), r.text("name"), article(r, optional=True))
        for r in (
            root.tables("assistance_roles", min_items=0) if "assistance_roles" in root.data else []
        )
    )
    _unique(label, "assistance_roles", [a.code for a in assistance_roles])
    condition_codes = {c.code for c in conditions}
    duties = []
    for r in root.tables("township_duties", min_items=0) if "township_duties" in root.data else []:
        duty = TownshipDuty(
            code=_code(r),
            name=r.text("name"),
            article=article(r),
            check=r.text("check", choices=DUTY_CHECKS),
            director_role=r.text("director_role", ""),
            principal_role=r.text("principal_role", ""),
            feeds_condition=r.text("feeds_condition", ""),
        )
        if duty.check == "positions":
            for key in ("director_role", "principal_role"):
                if getattr(duty, key) not in POSITION_ROLES:
                    r.fail(key, f"must be one of {', '.join(POSITION_ROLES)}")
        if duty.feeds_condition and duty.feeds_condition not in condition_codes:
            r.fail("feeds_condition", f"names no condition {duty.feeds_condition!r}")
        duties.append(duty)
    _unique(label, "township_duties", [d.code for d in duties])

    return Policy(
        id=policy_id,
        issuer=head.text("issuer"),
        title=head.text("title"),
        short_title=head.text("short_title", f"《{head.text('title')}》"),
        document_no=head.text("document_no", ""),
        document_date=document_date,
        effective_date=effective_date,
        effective_article=article(head, "effective_article"),
        designation_levels=designation_levels,
        designation_article=article(head, "designation_article"),
        village_article=article(head, "village_article", optional=True),
        decided_by=head.text("decided_by"),
        office=head.text("office"),
        categories=categories,
        levels=tuple(levels),
        lowering_new_period=lowering.text("new_period", choices=NEW_PERIOD),
        lowering_article=article(lowering),
        rules=dict(rules_table),
        conditions=conditions,
        application_kinds=application_kinds,
        evaluation=evaluation,
        listing_obligations=listing_obligations,
        consequences=consequences,
        responsibilities=responsibilities,
        assistance_roles=assistance_roles,
        township_duties=tuple(duties),
        supervision=_supervision(root, article),
        recurring_obligations=_recurring(root, article),
        report_fields=_report_fields(root),
        campaigns=_campaigns(root, article),
        articles=articles,
        source=label,
    )


def _evaluation(r: _Reader, article) -> EvaluationRules:
    objective = r.number("objective_weight", minimum=0)
    subjective = r.number("subjective_weight", minimum=0)
    if abs(objective + subjective - 1) > 1e-9:
        r.fail(
            "subjective_weight",
            f"the two weights must add up to 1 (they add up to {objective + subjective:g})",
        )
    must_outweigh = r.get("objective_must_outweigh", bool, default=False)
    if must_outweigh and objective <= subjective:
        r.fail(
            "objective_weight",
            "must be greater than subjective_weight (objective_must_outweigh is true)",
        )
    methods = []
    for i, m in enumerate(r.get("methods", list)):
        if not isinstance(m, dict):
            raise PolicyError(r.path, f"{r.key('methods')}[{i}]", "must be a table")
        mr = _Reader(r.path, m, f"{r.key('methods')}[{i}].")
        methods.append(Choice(_code(mr), mr.text("name"), article(mr, optional=True)))
    _unique(r.path, r.key("methods"), [m.code for m in methods])
    grades = []
    for i, g in enumerate(r.get("grades", list)):
        gr = _Reader(r.path, g, f"{r.key('grades')}[{i}].")
        grades.append(Grade(_code(gr), gr.text("name"), gr.number("min", minimum=0)))
    if not grades:
        r.fail("grades", "needs at least one grade band")
    if [g.min for g in grades] != sorted((g.min for g in grades), reverse=True) or len(
        {g.min for g in grades}
    ) != len(grades):
        r.fail("grades", "bands must be listed from the highest minimum down, without repeats")
    if grades[-1].min != 0:
        r.fail("grades", "the last band must start at 0 so that every score has a grade")
    veto_grade = r.text("veto_grade")
    if veto_grade not in {g.code for g in grades}:
        r.fail("veto_grade", f"names no grade {veto_grade!r}")
    recommendations = []
    for i, m in enumerate(r.get("recommendations", list)):
        mr = _Reader(r.path, m, f"{r.key('recommendations')}[{i}].")
        recommendations.append(Choice(_code(mr), mr.text("name")))
    items = []
    for ir in r.tables("items"):
        veto = ir.get("veto", bool, default=False)
        item = EvaluationItem(
            code=_code(ir),
            section=ir.text("section", choices=SECTIONS),
            name=ir.text("name"),
            points=ir.number("points", 0.0, minimum=0),
            deduct_per=ir.number("deduct_per", 0.0, minimum=0),
            veto=veto,
            percentage=ir.get("percentage", bool, default=False),
            article=article(ir, optional=True),
            note=ir.text("note", ""),
        )
        if veto and item.points:
            ir.fail("points", "a veto item (一票否决) carries no points")
        if not veto and item.points <= 0:
            ir.fail("points", "must be > 0 for a scored item")
        if item.percentage and item.deduct_per:
            ir.fail("deduct_per", "a percentage item has no per-occurrence deduction")
        items.append(item)
    _unique(r.path, r.key("items"), [i.code for i in items])
    for section in SECTIONS:
        total = sum(i.points for i in items if i.section == section)
        if abs(total - 100) > 1e-9:
            r.fail(
                "items",
                f"the {section} items' points must add up to 100 (they add up to {total:g})",
            )
    return EvaluationRules(
        article=article(r),
        weights_article=article(r, "weights_article"),
        objective_weight=objective,
        subjective_weight=subjective,
        objective_must_outweigh=must_outweigh,
        methods=tuple(methods),
        grades=tuple(grades),
        veto_grade=veto_grade,
        recommendations=tuple(recommendations),
        items=tuple(items),
    )


def _optional_tables(root: _Reader, name: str) -> list[_Reader]:
    return root.tables(name, min_items=0) if name in root.data else []


def _optional_date(reader: _Reader, name: str):
    return reader.get(name, datetime.date, default=None)


def _supervision(root: _Reader, article) -> SupervisionRules:
    if "supervision" not in root.data:
        return SupervisionRules()
    r = root.table("supervision")
    return SupervisionRules(
        remind_working_days_before=r.whole("remind_working_days_before", 3),
        escalate_after_working_days=r.whole("escalate_after_working_days", 5),
        report_article=article(r, "report_article", optional=True),
        major_event_article=article(r, "major_event_article", optional=True),
        meeting_article=article(r, "meeting_article", optional=True),
        letter_article=article(r, "letter_article", optional=True),
    )


def _recurring(root: _Reader, article) -> tuple[RecurringObligation, ...]:
    result = []
    for r in _optional_tables(root, "recurring_obligations"):
        frequency = r.text("frequency", choices=FREQUENCIES)
        owners = r.strings("owners")
        for owner in owners:
            if owner not in OWNER_KINDS:
                r.fail("owners", f"{owner!r} is not one of {', '.join(OWNER_KINDS)}")
        rule = RecurringObligation(
            kind=_code(r, "kind"),
            name=r.text("name"),
            article=article(r),
            owners=owners,
            frequency=frequency,
            due_day=r.whole("due_day", 0),
            due=r.text("due", ""),
            due_phase=r.text("due_phase", ""),
            counterpart=r.text("counterpart", "", choices=("", *OWNER_KINDS)),
            shift_to_working_day=r.get("shift_to_working_day", bool, default=False),
            active_from=_optional_date(r, "active_from"),
            active_until=_optional_date(r, "active_until"),
        )
        if frequency == "monthly" and not 1 <= rule.due_day <= 28:
            r.fail("due_day", "must be a day of the month from 1 to 28")
        if frequency == "yearly":
            try:
                datetime.date(2001, *map(int, rule.due.split("-")))
            except (ValueError, TypeError):
                r.fail("due", "must be a month and day MM-DD for a yearly obligation")
        if frequency == "campaign" and not rule.due_phase:
            r.fail("due_phase", "names the campaign phase at whose end it is due")
        result.append(rule)
    return tuple(result)


def _report_fields(root: _Reader) -> tuple[ReportField, ...]:
    fields = tuple(
        ReportField(
            _code(r),
            r.text("name"),
            r.text("type", choices=FIELD_TYPES),
            r.get("required", bool, default=False),
        )
        for r in _optional_tables(root, "report_fields")
    )
    _unique(root.path, "report_fields", [f.code for f in fields])
    return fields


def _campaigns(root: _Reader, article) -> tuple[CampaignSpec, ...]:
    result = []
    for r in _optional_tables(root, "campaigns"):
        start, end = r.get("start", datetime.date), r.get("end", datetime.date)
        if end < start:
            r.fail("end", "is before start")
        phases = []
        for pr in r.tables("phases"):
            phase = PhaseSpec(
                _code(pr),
                pr.text("name"),
                pr.get("start", datetime.date),
                pr.get("end", datetime.date),
                pr.strings("tasks", ()),
            )
            if phase.end < phase.start or phase.start < start or phase.end > end:
                pr.fail("end", "a phase must lie within its campaign and end after it starts")
            phases.append(phase)
        result.append(
            CampaignSpec(
                r.text("code"), r.text("name"), start, end, article(r, optional=True), tuple(phases)
            )
        )
    return tuple(result)


def _responsibilities(root: _Reader, article) -> Responsibilities:
    if "responsibilities" not in root.data:
        return Responsibilities()
    r = root.table("responsibilities")
    roles = r.strings("responsible_roles", ("first_responsible", "direct_responsible"))
    for role in roles:
        if role not in POSITION_ROLES:
            r.fail("responsible_roles", f"{role!r} is not one of {', '.join(POSITION_ROLES)}")
    return Responsibilities(
        assistance_article=article(r, "assistance_article", optional=True),
        inspection_article=article(r, "inspection_article", optional=True),
        inspections_per_year=r.whole("inspections_per_year", 1, minimum=0),
        briefing_article=article(r, "briefing_article", optional=True),
        annual_assessment_article=article(r, "annual_assessment_article", optional=True),
        report_article=article(r, "report_article", optional=True),
        report_recipients=r.strings("report_recipients", ()),
        eligibility_article=article(r, "eligibility_article", optional=True),
        responsible_roles=roles,
    )


def _obligations(root: _Reader, article) -> tuple[ListingObligation, ...]:
    result = []
    for r in root.tables("listing_obligations", min_items=0):
        schedule = r.text("schedule", choices=SCHEDULES)
        due = r.text("due", "")
        if schedule == "calendar_year":
            try:
                datetime.date(2001, *map(int, due.split("-")))
            except (ValueError, TypeError):
                r.fail("due", "must be a month and day MM-DD for a calendar_year schedule")
        result.append(
            ListingObligation(
                kind=_code(r, "kind"),
                name=r.text("name"),
                article=article(r),
                owner=r.text("owner", choices=OWNERS),
                schedule=schedule,
                due=due,
                shift_to_working_day=r.get("shift_to_working_day", bool, default=False),
            )
        )
    kinds = [o.kind for o in result]
    if len(set(kinds)) != len(kinds):
        root.fail("listing_obligations", "each obligation kind may appear once")
    return tuple(result)


def _consequences(root: _Reader, article, levels: dict) -> tuple[Consequence, ...]:
    result = []
    for r in root.tables("consequences", min_items=0) if "consequences" in root.data else []:
        level_codes = r.strings("levels")
        for code in level_codes:
            if code not in levels:
                r.fail("levels", f"names no level {code!r}")
        result.append(
            Consequence(
                kind=_code(r, "kind"),
                name=r.text("name"),
                when=r.text("when", choices=WHEN),
                levels=level_codes,
                target=r.text("target", choices=TARGETS),
                article=article(r),
                clause=r.text("clause", ""),
                awards=r.strings("awards", ()),
                scope=r.text("scope", ""),
                min_tenure_months_before_listing=r.whole("min_tenure_months_before_listing", 0),
                only_if_tenure_months_before_listing=r.whole(
                    "only_if_tenure_months_before_listing", 0
                ),
            )
        )
    return tuple(result)
