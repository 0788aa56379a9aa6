"""The precursor rules as pure functions: facts in, outcome and articles out.

Nothing here touches the database or the clock; ``tests/cases/precursors.yaml`` tests each
function clause by clause on the rule books in force. The set-based run (``run.py``) asks
the same questions of many rows at once in SQL; its tests check it agrees with these.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .policy import CountyPolicy, NationalPolicy

# ---------------------------------------------------------------- 统一社会信用代码

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_check_character(first17: str) -> str:
    """GB 32100-2015 §5: the 18th character from the first 17 (weights 3^i mod 31)."""
    total = sum(CREDIT_CHARS.index(ch) * w for ch, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    remainder = 31 - total % 31
    return CREDIT_CHARS[0 if remainder == 31 else remainder]


def check_credit_code(value: str) -> str | None:
    """None if ``value`` is a well-formed unified social credit code, else the problem."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        return _("A unified social credit code has 18 characters.")
    if any(ch not in CREDIT_CHARS for ch in code):
        return _("A unified social credit code uses digits and capitals except I, O, S, V, Z.")
    if not code[2:8].isdigit():
        return _("Characters 3 to 8 of a unified social credit code are the area code (digits).")
    if credit_check_character(code[:17]) != code[17]:
        return _("The last character (the check character) does not match: check the code.")
    return None


# ---------------------------------------------------------------- the closed loop


def direction(law: NationalPolicy, movement: str) -> int:
    """+1 into stock, −1 out of it, 0 neither (transport; a count is no movement)."""
    if movement in law.inbound:
        return 1
    if movement in law.outbound:
        return -1
    return 0


@dataclass(frozen=True)
class Balance:
    opening: Decimal
    qty_in: Decimal
    qty_out: Decimal
    expected_closing: Decimal
    counted: Decimal | None
    counted_on: datetime.date | None
    difference: Decimal | None
    reconciled: bool | None
    basis: tuple[str, ...]


def reconcile(
    law: NationalPolicy,
    county: CountyPolicy,
    *,
    date_from: datetime.date,
    date_to: datetime.date,
    entries: Iterable[tuple[datetime.date, str, Decimal]],
) -> Balance:
    """opening + in − out = expected closing, against the last count in the period.

    ``entries`` are (date, movement, quantity) of one enterprise and substance, any order,
    any dates up to ``date_to``. The opening is the last count before ``date_from`` plus what
    moved after it (zero stock before any count); a count is taken at the end of its day, so
    the difference compares it with the stock expected at that day's end."""
    rows = sorted(entries, key=lambda e: (e[0], e[1] == "stock_count"))
    base_date, base = None, Decimal(0)
    for day, movement, quantity in rows:
        if day < date_from and movement == "stock_count":
            base_date, base = day, Decimal(quantity)
    opening = base + sum(
        (
            direction(law, m) * Decimal(q)
            for day, m, q in rows
            if day < date_from and m != "stock_count" and (base_date is None or day > base_date)
        ),
        Decimal(0),
    )
    period = [r for r in rows if date_from <= r[0] <= date_to]
    qty_in = sum((Decimal(q) for _d, m, q in period if direction(law, m) > 0), Decimal(0))
    qty_out = sum((Decimal(q) for _d, m, q in period if direction(law, m) < 0), Decimal(0))
    counts = [r for r in period if r[1] == "stock_count"]
    counted = counted_on = difference = reconciled = None
    if counts:
        counted_on = max(r[0] for r in counts)
        counted = Decimal([r for r in counts if r[0] == counted_on][-1][2])
        at_count = opening + sum(
            (direction(law, m) * Decimal(q) for day, m, q in period if day <= counted_on),
            Decimal(0),
        )
        difference = counted - at_count
        reconciled = abs(difference) <= county.tolerance
    return Balance(
        opening=opening,
        qty_in=qty_in,
        qty_out=qty_out,
        expected_closing=opening + qty_in - qty_out,
        counted=counted,
        counted_on=counted_on,
        difference=difference,
        reconciled=reconciled,
        basis=(law.movements_article, county.reconciliation_article),
    )


# ---------------------------------------------------------------- flags raised at entry


@dataclass(frozen=True)
class Paper:
    """A licence or filing as the rules need it."""

    kind: str
    number: str
    chemicals: frozenset[str]
    valid_from: datetime.date
    valid_to: datetime.date
    annual_quantity: Decimal | None = None
    revoked_on: datetime.date | None = None

    def valid_on(self, day: datetime.date, chemical: str) -> bool:
        if chemical not in self.chemicals or not (self.valid_from <= day <= self.valid_to):
            return False
        return self.revoked_on is None or day < self.revoked_on


@dataclass(frozen=True)
class EntryFacts:
    movement: str
    date: datetime.date
    chemical: str  # code
    category: str
    quantity: Decimal
    payment: str = ""
    counterparty_registered: bool = False
    counterparty_licence: str = ""  # the number written on the entry
    buyer_papers: tuple[Paper, ...] = ()  # a registered buyer's papers
    own_papers: tuple[Paper, ...] = ()
    transport_licence: str = ""
    year_purchased_before: Decimal = Decimal(0)  # this substance, this calendar year
    prescribed: bool = False


@dataclass(frozen=True)
class FlagSpec:
    rule: str
    basis: tuple[str, ...]
    amount: Decimal | None = None
    limit: Decimal | None = None
    ref_date: datetime.date | None = None
    extra: dict = field(default_factory=dict)


def _valid(papers: Iterable[Paper], kinds: Iterable[str], day, chemical) -> list[Paper]:
    kinds = set(kinds)
    return [p for p in papers if p.kind in kinds and p.valid_on(day, chemical)]


def entry_flags(law: NationalPolicy, facts: EntryFacts) -> list[FlagSpec]:
    """The gaps one ledger entry shows by itself (no period needed)."""
    flags: list[FlagSpec] = []
    precursor = facts.category in ("1", "2", "3")
    if facts.category == "nps":
        flags.append(FlagSpec("nps_held", ("列管办法",), amount=facts.quantity))
    if facts.payment in law.forbidden_payments and facts.movement in ("purchase", "sale"):
        flags.append(FlagSpec("cash_payment", law.payment_basis, amount=facts.quantity))
    if precursor and facts.movement == "sale":
        papers = law.purchase_papers[facts.category]
        if facts.counterparty_registered:
            ok = bool(_valid(facts.buyer_papers, papers.kinds, facts.date, facts.chemical))
        else:
            ok = bool(facts.counterparty_licence.strip())
        if not ok:
            flags.append(FlagSpec("unlicensed_sale", (papers.article,), amount=facts.quantity))
    if precursor and facts.movement == "purchase":
        papers = law.purchase_papers[facts.category]
        held = _valid(facts.own_papers, papers.kinds, facts.date, facts.chemical)
        limits = [p.annual_quantity for p in held if p.annual_quantity is not None]
        if limits:
            limit = max(limits)
            if facts.quantity > limit:
                flags.append(
                    FlagSpec(
                        "over_permitted", (papers.article,), amount=facts.quantity, limit=limit
                    )
                )
            elif facts.year_purchased_before + facts.quantity > limit:
                flags.append(
                    FlagSpec(
                        "over_permitted_year",
                        (papers.article,),
                        amount=facts.year_purchased_before + facts.quantity,
                        limit=limit,
                    )
                )
    if precursor and facts.movement == "transport":
        papers = law.transport_papers[facts.category]
        held = _valid(facts.own_papers, papers.kinds, facts.date, facts.chemical)
        numbers = {p.number for p in held}
        if not held or (facts.transport_licence and facts.transport_licence not in numbers):
            flags.append(FlagSpec("unlicensed_transport", (papers.article,), amount=facts.quantity))
    if (
        facts.category == "ephedrine_preparation"
        and facts.movement == "sale"
        and facts.quantity > law.max_packs_per_sale
        and not (facts.prescribed and law.prescription_exempt)
    ):
        flags.append(
            FlagSpec(
                "ephedrine_over_packs",
                (law.ephedrine_article,),
                amount=facts.quantity,
                limit=Decimal(law.max_packs_per_sale),
            )
        )
    return flags


# ---------------------------------------------------------------- flags of a period


def filing_deadline(law: NationalPolicy, category: str, sale_date: datetime.date):
    """易制毒条例第十九条: the last day to file a sale with the police, and the article."""
    days, article = law.sales_filing[category]
    return sale_date + datetime.timedelta(days=days), article


def late_filing(
    law: NationalPolicy,
    category: str,
    sale_date: datetime.date,
    filed_on: datetime.date | None,
    as_of: datetime.date,
) -> FlagSpec | None:
    """Filed after the deadline, or not filed and the deadline has passed."""
    if category not in law.sales_filing:
        return None
    deadline, article = filing_deadline(law, category, sale_date)
    if (filed_on is not None and filed_on > deadline) or (filed_on is None and as_of > deadline):
        return FlagSpec("late_filing", (article,), ref_date=deadline)
    return None


def unmatched_sale(
    county: CountyPolicy,
    sale_date: datetime.date,
    quantity: Decimal,
    buyer_purchases: Iterable[tuple[datetime.date, Decimal]],
    as_of: datetime.date,
) -> FlagSpec | None:
    """出库 ↔ 入库: the registered buyer's purchase of the same quantity from the seller within
    the window; judged only once the window has passed."""
    last = sale_date + datetime.timedelta(days=county.window_days)
    if as_of <= last:
        return None
    if any(sale_date <= day <= last and q == quantity for day, q in buyer_purchases):
        return None
    return FlagSpec("unmatched_sale", (county.matching_article,), amount=quantity, ref_date=last)


def unusual_purchase(
    county: CountyPolicy, month_total: Decimal, history: dict[str, Decimal]
) -> FlagSpec | None:
    """A month's purchases above factor × the monthly average of the months with purchases
    in the history window (enough months of history required)."""
    months = [q for q in history.values() if q > 0]
    if len(months) < county.min_months:
        return None
    average = sum(months, Decimal(0)) / len(months)
    limit = county.unusual_factor * average
    if month_total > limit:
        return FlagSpec(
            "unusual_purchase", (county.unusual_article,), amount=month_total, limit=limit
        )
    return None


def repeat_buyer(county: CountyPolicy, purchases_in_month: int) -> FlagSpec | None:
    if purchases_in_month > county.max_purchases_per_month:
        return FlagSpec(
            "ephedrine_repeat_buyer",
            (county.repeat_article, "含麻复方制剂通知"),
            amount=Decimal(purchases_in_month),
            limit=Decimal(county.max_purchases_per_month),
        )
    return None


def annual_report_due(law: NationalPolicy, year: int) -> datetime.date:
    """易制毒条例第三十六条: last year's report by 31 March of ``year`` + 1."""
    return datetime.date(year + 1, law.annual_report_month, law.annual_report_day)


def missing_annual_report(
    law: NationalPolicy, year: int, submitted_on: datetime.date | None, as_of: datetime.date
) -> FlagSpec | None:
    due = annual_report_due(law, year)
    if as_of > due and (submitted_on is None or submitted_on > due):
        return FlagSpec("missing_annual_report", (law.annual_report_article,), ref_date=due)
    return None


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def renewal_reminder(law: NationalPolicy, valid_to: datetime.date) -> datetime.date:
    """Re-filing opens (and the reminder goes out) this many months before expiry."""
    return add_months(valid_to, -law.renew_months_before)


def filing_valid_to(law: NationalPolicy, valid_from: datetime.date) -> datetime.date:
    """A 第三类 operating filing runs 3 years (the day before the anniversary)."""
    return add_months(valid_from, 12 * law.operation_filing_years) - datetime.timedelta(days=1)


def flag_due(county: CountyPolicy, raised_on: datetime.date) -> datetime.date:
    return raised_on + datetime.timedelta(days=county.close_within_days)


# ---------------------------------------------------------------- 法释〔2016〕8号 bands


@dataclass(frozen=True)
class BandResult:
    level: str  # "" | "relatively_serious" | "serious" | "especially_serious"
    basis: tuple[str, ...]


def classify_quantity(
    law: NationalPolicy, lower: Decimal | None, upper: Decimal | None, kilograms: Decimal
) -> BandResult:
    """第七条: 情节较重 from the lower bound; 第八条: 情节严重 from the upper bound, 特别严重
    from five times it. Below the lower bound: no band (the aggravating circumstances of
    第七条第二款 are a person's judgement, not the quantity's)."""
    if lower is None or upper is None or kilograms < lower:
        return BandResult("", ())
    if kilograms < upper:
        return BandResult("relatively_serious", (law.bands_article,))
    if kilograms < upper * law.serious_factor:
        return BandResult("serious", (law.bands_serious_article,))
    return BandResult("especially_serious", (law.bands_serious_article,))


# ---------------------------------------------------------------- papers an enterprise needs


def required_papers(county: CountyPolicy, activities: Iterable[str]) -> list[tuple[str, ...]]:
    """For each activity that needs papers, the kinds any one of which satisfies it."""
    return [county.licence_requirements[a] for a in activities if a in county.licence_requirements]


def papers_complete(
    county: CountyPolicy, activities: Iterable[str], held_kinds: Iterable[str]
) -> bool:
    return papers_held(required_papers(county, activities), held_kinds)


def papers_held(required: Iterable[tuple[str, ...]], held_kinds: Iterable[str]) -> bool:
    """Whether the kinds held satisfy every requirement (``required_papers``: one kind of
    each group)."""
    held = set(held_kinds)
    return all(held & set(kinds) for kinds in required)


# ---------------------------------------------------------------- the indicators


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    numerator: int
    denominator: int
    value: float | None
    target: float
    met: bool | None
    basis: tuple[str, ...]


def indicator(county: CountyPolicy, code: str, numerator: int, denominator: int) -> Indicator:
    spec = county.indicator(code)
    if denominator == 0:
        value, met = None, None
    else:
        value = round(100 * numerator / denominator, 1)
        met = numerator * 100 >= spec.target * denominator
    return Indicator(
        code, spec.name, numerator, denominator, value, spec.target, met, (spec.article,)
    )
