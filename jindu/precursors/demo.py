"""Demo precursor enterprises: about 40 fictional enterprises of every kind in the demo
county, their papers (some expiring soon, one expired), a year of ledgers in which most
months reconcile and a few carry each kind of gap, pharmacies with 含麻 sales (one buyer
coming back too often), inspections with findings, and the flags the rules raise from it.

Everything is invented: names are generated from the townships' names and a few trade
words, credit codes are well formed (GB 32100 check character) but random, buyers' identity
numbers are valid in format but random. Routine ledger lines, which raise nothing, are
bulk-inserted (one audit event for them, counts only) to keep ``make run`` fast; every line
meant to show a gap goes through ``services.record_entry``, so its flags come from the
rules exactly as a user's would; the period flags come from the same run as the daily job.
Loaded once: if any enterprise is registered, nothing is added.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jindu.audit import services as audit
from jindu.audit.models import AuditAction
from jindu.control.rules import check_digit
from jindu.orgs.models import OrgUnit, UnitKind

from . import rules, run, services
from .models import (
    Chemical,
    Enterprise,
    Flag,
    FlagStatus,
    LedgerEntry,
    Source,
)

SEED = 1303
DEPARTMENTS = {
    "县公安局": "public_security",
    "县市场监督管理局": "market_regulation",
    "县应急管理局": "emergency_management",
    "县卫生健康局": "health",
}
CHEMICAL_WORDS = ["化工", "精细化工", "试剂", "化学", "新材料", "表面处理", "实验器材"]
USER_WORDS = ["制药", "电子", "印染", "陶瓷", "涂料", "机械", "环保科技"]
PHARMACY_WORDS = ["大药房", "药店", "医药连锁门店", "便民药房"]
CLINIC_WORDS = ["卫生院", "社区卫生服务中心", "诊所"]
CATEGORY_3 = ["acetone", "toluene", "sulfuric_acid", "hydrochloric_acid", "mek",
              "potassium_permanganate"]  # fmt: skip
CATEGORY_2 = ["acetic_anhydride", "chloroform", "ethyl_ether"]


def _credit_code(rng: random.Random) -> str:
    chars = rules.CREDIT_CHARS
    body = "91430421" + "MA4" + "".join(rng.choice(chars[:10] + chars[10:20]) for _ in range(6))
    return body + rules.credit_check_character(body)


def _id_number(rng: random.Random) -> str:
    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 40))
    body = f"430421{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + check_digit(body)


def _short(name: str) -> str:
    return name.removesuffix("镇").removesuffix("乡").removesuffix("园区")


def _months(today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    first = rules.add_months(today.replace(day=1), -12)
    result = []
    for i in range(12):
        start = rules.add_months(first, i)
        result.append((start, rules.add_months(start, 1) - datetime.timedelta(days=1)))
    return result


class _Builder:
    def __init__(self, today: datetime.date):
        self.today = today
        self.rng = random.Random(SEED)
        self.chem = {c.code: c for c in Chemical.objects.all()}
        self.lines: list[LedgerEntry] = []
        self.serial = 0
        self.months = _months(today)

    def doc(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}-{self.serial:06d}"

    def line(self, enterprise, chemical, movement, quantity, day, **extra):
        """A routine line: bulk-inserted later, raises nothing by construction."""
        self.lines.append(
            LedgerEntry(
                enterprise=enterprise,
                chemical=self.chem[chemical],
                movement=movement,
                quantity=Decimal(quantity).quantize(Decimal("0.001")),
                date=day,
                document_no=extra.pop("document_no", None) or self.doc(movement[:2].upper()),
                source=Source.IMPORT,
                policy_id=services.policy_ids(),
                **extra,
            )
        )

    def flush(self) -> int:
        LedgerEntry.objects.bulk_create(self.lines, batch_size=2000)
        count = len(self.lines)
        self.lines = []
        return count

    def gap(self, enterprise, chemical, movement, quantity, day, **data):
        """A line meant to show a gap: through the service, so the rules raise its flags."""
        data.setdefault("document_no", self.doc("GAP"))
        return services.record_entry(
            None,
            enterprise,
            chemical=self.chem[chemical],
            movement=movement,
            quantity=str(quantity),
            date=day,
            **data,
        )


def _register(b: _Builder, units, stations, kind: str, index: int) -> Enterprise:
    rng = b.rng
    unit = units[index % len(units)]
    township = unit.township() or unit
    short = _short(township.name)
    if kind == "trader":
        name, sector, activities = (
            f"{short}{rng.choice(CHEMICAL_WORDS)}经营部",
            "chemical",
            ["trade", "store"],
        )
    elif kind == "producer":
        name, sector, activities = (
            f"衡阳{short}{rng.choice(CHEMICAL_WORDS)}有限公司",
            "chemical",
            ["produce", "trade", "store"],
        )
    elif kind == "user":
        name, sector, activities = (
            f"{short}{rng.choice(USER_WORDS)}有限公司",
            "chemical",
            ["use", "store"],
        )
    elif kind == "carrier":
        name, sector, activities = f"{short}危险货物运输有限公司", "chemical", ["transport"]
    elif kind == "pharmacy":
        name, sector, activities = (
            f"{short}{rng.choice(PHARMACY_WORDS)}",
            "pharmaceutical",
            ["retail_pharmacy"],
        )
    else:
        name, sector, activities = f"{short}{rng.choice(CLINIC_WORDS)}", "medical", ["medical"]
    name = f"{name}（{index + 1}号）" if Enterprise.objects.filter(name=name).exists() else name
    return services.register_enterprise(
        None,
        name=name,
        credit_code=_credit_code(rng),
        org_unit=unit,
        station=stations.get(township.pk),
        sector=sector,
        activities=activities,
        address=f"{township.name}{rng.randrange(1, 300)}号",
        contact_name=f"{rng.choice('王李张刘陈杨黄赵')}经理",
        contact_phone=f"170{rng.randrange(10**7, 10**8)}",
        registered_on=b.months[0][0] - datetime.timedelta(days=rng.randrange(30, 900)),
    )


def _papers(b: _Builder, e: Enterprise, kind: str, chemicals: list[str], expiring=False,
            expired=False) -> None:  # fmt: skip
    today = b.today
    start = b.months[0][0] - datetime.timedelta(days=200)
    end = rules.filing_valid_to(services.national_policy(), start)
    if expiring:
        end = today + datetime.timedelta(days=45)
    if expired:
        end = today - datetime.timedelta(days=20)
    objects = [b.chem[c] for c in chemicals]
    if kind in ("trader", "producer"):
        paper = "operation_filing" if kind == "trader" else "production_licence"
        services.record_licence(
            None, enterprise=e, kind=paper, number=f"（湘）3J{e.pk:05d}", chemicals=objects,
            valid_from=start, valid_to=end, issuer="县应急管理局",
        )  # fmt: skip
    if kind in ("user", "trader", "producer"):
        services.record_licence(
            None, enterprise=e, kind="purchase_filing", number=f"衡公易购备{e.pk:05d}",
            chemicals=objects, annual_quantity=Decimal(6000), valid_from=start,
            valid_to=min(end, start + datetime.timedelta(days=3 * 365 - 1)), issuer="县公安局",
        )  # fmt: skip
    if kind == "carrier":
        services.record_licence(
            None, enterprise=e, kind="transport_filing", number=f"衡公易运备{e.pk:05d}",
            chemicals=objects, valid_from=start, valid_to=end, issuer="县公安局",
        )  # fmt: skip


@transaction.atomic
def load_demo_precursors(today: datetime.date | None = None) -> int:
    """Register the demo enterprises with a year of history; returns how many were added."""
    if Enterprise.objects.exists():
        return 0
    today = today or timezone.localdate()
    services.load_catalogue(None)
    for unit in OrgUnit.objects.filter(kind=UnitKind.MEMBER_UNIT, name__in=DEPARTMENTS):
        services.assign_department(None, unit, DEPARTMENTS[unit.name])
    units = list(
        OrgUnit.objects.filter(kind__in=[UnitKind.TOWNSHIP, UnitKind.PARK]).order_by("code")
    )
    if not units:
        return 0
    stations = {}
    for station in OrgUnit.objects.filter(kind=UnitKind.POLICE_STATION).prefetch_related("covers"):
        for township in station.covers.all():
            stations.setdefault(township.pk, station)
    b = _Builder(today)
    # The first township (the demo "township" login) gets more, so its pages are full.
    plan = (["trader"] * 6 + ["producer"] + ["user"] * 12 + ["carrier"] * 2
            + ["pharmacy"] * 12 + ["clinic"] * 6)  # fmt: skip
    spread = [units[0]] * 12 + units[1:]
    made: dict[str, list[Enterprise]] = {}
    for i, kind in enumerate(plan):
        e = _register(b, spread, stations, kind, i)
        made.setdefault(kind, []).append(e)
    traders, users = made["trader"] + made["producer"], made["user"]
    stock: dict[tuple[int, str], Decimal] = {}
    supplies = {}
    for i, e in enumerate(traders):
        chems = [CATEGORY_3[i % len(CATEGORY_3)], CATEGORY_2[i % len(CATEGORY_2)]]
        supplies[e.pk] = chems
        _papers(b, e, "producer" if e in made["producer"] else "trader", chems,
                expiring=(i == 1), expired=(i == 4))  # fmt: skip
    for i, e in enumerate(users):
        trader = traders[i % len(traders)]
        chem = supplies[trader.pk][0 if i % 3 else 1]
        supplies[e.pk] = [chem]
        _papers(b, e, "user", [chem], expiring=(i == 2))
        e._supplier = trader
    for e in made["carrier"]:
        _papers(b, e, "carrier", CATEGORY_3[:3])

    # A year of routine lines: each trader buys from outside, sells to its users (who enter
    # the purchase a day or two later), everyone counts at month end.
    rng = b.rng
    for start, end in b.months:
        for t in traders:
            for chem in supplies[t.pk]:
                bought = Decimal(rng.randrange(300, 600))
                b.line(t, chem, "purchase", bought, start + datetime.timedelta(days=2),
                       counterparty_name="湖南某化工集团", counterparty_licence="湘易经备0001",
                       payment="transfer")  # fmt: skip
                stock[(t.pk, chem)] = stock.get((t.pk, chem), Decimal(0)) + bought
        for u in users:
            chem = supplies[u.pk][0]
            trader = u._supplier
            day = start + datetime.timedelta(days=rng.randrange(5, 15))
            qty = Decimal(rng.randrange(40, 120))
            doc = b.doc("XS")
            filed = day + datetime.timedelta(days=rng.randrange(1, 10))
            b.line(trader, chem, "sale", qty, day, counterparty=u, payment="transfer",
                   stated_use="生产清洗", document_no=doc,
                   filed_on=min(filed, today))  # fmt: skip
            b.line(u, chem, "purchase", qty, day + datetime.timedelta(days=rng.randrange(0, 3)),
                   counterparty=trader, payment="transfer", document_no=f"RK-{doc}")  # fmt: skip
            stock[(trader.pk, chem)] -= qty
            used = (qty * Decimal("0.8")).quantize(Decimal(1))
            b.line(u, chem, "use", used, day + datetime.timedelta(days=5))
            stock[(u.pk, chem)] = stock.get((u.pk, chem), Decimal(0)) + qty - used
        for (pk, chem), qty in stock.items():
            b.line(Enterprise(pk=pk), chem, "stock_count", qty, end)
        for p in made["pharmacy"]:
            for _ in range(3):
                b.line(p, "ephedrine_compound_tablets", "sale", rng.choice([1, 2]),
                       start + datetime.timedelta(days=rng.randrange(0, 27)),
                       **LedgerEntry.buyer_id_number.values(_id_number(rng)))  # fmt: skip
    routine = b.flush()
    audit.record(
        None,
        AuditAction.IMPORT,
        model_label="precursors.LedgerEntry",
        object_repr="demo ledgers",
        changes={"rows": routine},
    )
    _gaps(b, made, supplies, traders, users)
    _reports_and_inspections(b, made)
    first = b.months[0][0]
    run.run_period(None, first, today, as_of=today)
    services.annual_report_obligations(None, today)
    _close_old_flags(today)
    return sum(len(v) for v in made.values())


def _gaps(b: _Builder, made, supplies, traders, users) -> None:
    """A few lines of each kind of gap, recorded through the service (the rules raise the
    entry flags; the run raises the period ones)."""
    recent = b.months[-2][0]  # the month before last
    t0, t1, t2 = traders[0], traders[1], traders[2]
    chem0, chem1 = supplies[t0.pk][0], supplies[t1.pk][0]
    # Cash, and a sale to an outside buyer without a licence number.
    b.gap(t0, chem0, "sale", 25, recent + datetime.timedelta(days=3),
          counterparty_name="外县某五金店", counterparty_licence="", payment="cash",
          filed_on=recent + datetime.timedelta(days=5))  # fmt: skip
    # A sale to a registered user that the user never entered (出库 without 入库).
    b.gap(
        t1,
        chem1,
        "sale",
        33,
        recent + datetime.timedelta(days=8),
        counterparty=users[1],
        payment="transfer",
        filed_on=recent + datetime.timedelta(days=9),
    )
    # A 第二类 sale filed 40 days late.
    chem2 = supplies[t2.pk][1]
    b.gap(t2, chem2, "sale", 12, b.months[-4][0] + datetime.timedelta(days=2),
          counterparty_name="外市某制药厂", counterparty_licence="湘易购备9921", payment="transfer",
          filed_on=b.months[-4][0] + datetime.timedelta(days=42))  # fmt: skip
    # A stock that does not reconcile: 8 kg missing at a month-end count.
    u0 = users[0]
    count = LedgerEntry.objects.filter(
        enterprise=u0, movement="stock_count", date=b.months[-3][1]
    ).first()
    if count is not None:
        LedgerEntry.objects.filter(pk=count.pk).update(quantity=count.quantity - 8)
    # An unusual purchase: five times the usual month.
    u3 = users[3]
    b.gap(u3, supplies[u3.pk][0], "purchase", 900, recent + datetime.timedelta(days=20),
          counterparty_name="外省某化工公司", counterparty_licence="赣易经备0102",
          payment="transfer")  # fmt: skip
    # A transport by a carrier of a 第二类 substance it holds no transport licence for.
    carrier = made["carrier"][0]
    b.gap(carrier, "acetic_anhydride", "transport", 200, recent + datetime.timedelta(days=11))
    # Pharmacies: three packs in one sale, and one buyer coming back five times in a month.
    p0, p1 = made["pharmacy"][0], made["pharmacy"][1]
    rng = b.rng
    b.gap(p0, "ephedrine_compound_tablets", "sale", 3, recent + datetime.timedelta(days=4),
          buyer_id_number=_id_number(rng))  # fmt: skip
    repeat = _id_number(rng)
    for shop, day in ((p0, 2), (p1, 6), (p0, 12), (p1, 17), (p0, 24)):
        b.gap(shop, "ephedrine_compound_tablets", "sale", 1, recent + datetime.timedelta(days=day),
              buyer_id_number=repeat)  # fmt: skip


def _reports_and_inspections(b: _Builder, made) -> None:
    today = b.today
    year = today.year - 1
    chemical = made["trader"] + made["producer"] + made["user"] + made["carrier"]
    for i, e in enumerate(chemical):
        if i == 5:
            continue  # one enterprise has not sent last year's report
        if today >= datetime.date(today.year, 3, 1):
            services.record_annual_report(
                None, e, year=year, submitted_on=datetime.date(today.year, 3, 10 + i % 15),
                summary="上年度购销存情况如实报告。",
            )  # fmt: skip
    census = services.create_round(
        None,
        name=f"{today.year}年易制毒化学品企业全面摸底",
        date_from=datetime.date(today.year, 1, 1),
        date_to=datetime.date(today.year, 12, 31),
    )
    everyone = [e for kind in made.values() for e in kind]
    for i, e in enumerate(everyone[:30]):
        day = max(datetime.date(today.year, 1, 1), today - datetime.timedelta(days=20 + i * 9))
        regulator = {"chemical": "emergency_management", "pharmaceutical": "market_regulation"}
        departments = ["public_security", regulator.get(e.sector, "health")]
        rectify = i in (3, 11)
        inspection = services.record_inspection(
            None,
            enterprise=e,
            date=day,
            departments=departments,
            inspectors="县公安局禁毒大队、"
            + ("县应急管理局" if e.sector == "chemical" else "县市场监督管理局"),
            checklist={
                "licences_valid": True,
                "ledger_complete": not rectify,
                "stock_matches": True,
                "storage_security": not rectify,
            },
            findings="台账签字不全，仓库未设双锁。" if rectify else "未发现问题。",
            outcome="rectify" if rectify else "no_problem",
            rectification_deadline=day + datetime.timedelta(days=30) if rectify else None,
            round=census,
        )  # fmt: skip
        if i == 3 and inspection.rectification_deadline <= today:
            services.record_rectified(None, inspection, on=inspection.rectification_deadline)


def _close_old_flags(today: datetime.date) -> None:
    """What the rules raised months ago has been dealt with; the recent ones are open."""
    old = Flag.objects.filter(
        status=FlagStatus.OPEN, period__lt=(today - datetime.timedelta(days=75)).strftime("%Y-%m")
    )
    for flag in old.order_by("pk")[:20]:
        services.close_flag(
            None, flag, outcome="explained", note="经核查，属正常经营，已说明情况。"
        )
