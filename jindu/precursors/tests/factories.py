"""Small helpers to build the precursor area's test data through its services."""

import datetime
import itertools

from jindu.accounts import services as accounts
from jindu.orgs import services as orgs
from jindu.precursors import rules, services
from jindu.precursors.models import Chemical

PASSWORD = "Test-password-2026"
_serial = itertools.count(1)


def credit_code(serial: int | None = None, area: str = "430421") -> str:
    """A well-formed, fictional 统一社会信用代码 (GB 32100-2015 check character)."""
    serial = next(_serial) if serial is None else serial
    body = f"91{area}MA{serial:07d}"
    body = body[:17]
    return body + rules.credit_check_character(body)


def regulators(world):
    """The police, market regulation and emergency management member units, with a user
    each (the world's 县教育局 regulates nothing)."""
    units = {}
    for code, name, department in (
        ("430421M05", "县公安局", "public_security"),
        ("430421M11", "县市场监督管理局", "market_regulation"),
        ("430421M12", "县应急管理局", "emergency_management"),
    ):
        unit = orgs.create_unit(None, code=code, name=name, kind="member_unit", parent=world.county)
        services.assign_department(None, unit, department)
        user = accounts.create_user(
            None, username=department, password=PASSWORD, role="member_unit", unit=unit
        )
        units[department] = (unit, user)
    return units


def catalogue():
    services.load_catalogue(None)
    return {c.code: c for c in Chemical.objects.all()}


def enterprise(
    township, *, name="甲镇化工有限公司", sector="chemical", activities=("trade",), **kw
):
    return services.register_enterprise(
        None,
        name=name,
        credit_code=kw.pop("credit_code", None) or credit_code(),
        org_unit=township,
        sector=sector,
        activities=list(activities),
        registered_on=kw.pop("registered_on", datetime.date(2020, 1, 1)),
        **kw,
    )


def licence(company, chemicals, kind="purchase_filing", number=None, **kw):
    return services.record_licence(
        None,
        enterprise=company,
        kind=kind,
        number=number or f"备{next(_serial):05d}",
        chemicals=chemicals,
        valid_from=kw.pop("valid_from", datetime.date(2024, 1, 1)),
        valid_to=kw.pop("valid_to", datetime.date(2026, 12, 31)),
        **kw,
    )


def entry(company, chemical, movement, quantity, day, **kw):
    kw.setdefault("document_no", f"D{next(_serial):06d}")
    if movement in ("purchase", "sale") and "payment" not in kw:
        kw["payment"] = "transfer"
    if movement in ("purchase", "sale", "transfer_in", "transfer_out"):
        if "counterparty" not in kw:
            kw.setdefault("counterparty_name", "外地某公司")
            kw.setdefault("counterparty_licence", "外备001")
    return services.record_entry(
        None, company, chemical=chemical, movement=movement, quantity=quantity, date=day, **kw
    )


def outsider_records(world) -> dict:
    """Township B's precursor records of every kind that has a page or endpoint (for the
    URL-conf scoping walk in tests/test_scoping_urlconf.py)."""
    from types import SimpleNamespace

    from jindu.precursors.models import Flag

    chem = catalogue()
    company = enterprise(world.township_b, name="乙乡化工有限公司")
    paper = licence(company, [chem["acetone"]], number="乙乡备001")
    line = entry(company, chem["acetone"], "sale", "10", datetime.date(2025, 3, 1), payment="cash")
    inspection = services.record_inspection(
        None,
        enterprise=company,
        date=datetime.date(2025, 3, 5),
        departments=["public_security"],
        inspectors="乙乡检查组",
        checklist={"ledger_complete": False},
        outcome="rectify",
        findings="乙乡检查发现",
        rectification_deadline=datetime.date(2025, 4, 5),
    )
    report = services.record_annual_report(
        None, company, year=2024, submitted_on=datetime.date(2025, 3, 1)
    )
    # A county-wide census round: township B's enterprise is among those it must reach (an
    # outsider sees neither it in the missing list nor it in the counts).
    census = services.create_round(
        None, name="全县易制毒企业摸底", date_from=datetime.date(2025, 1, 1),
        date_to=datetime.date(2025, 12, 31),
    )  # fmt: skip
    return {
        "inspection_round": census,
        "enterprise": company,
        "chemical_licence": paper,
        "ledger_entry": line,
        "precursor_flag": Flag.objects.filter(enterprise=company).first(),
        "chemical_inspection": inspection,
        "precursor_annual_report": report,
        # The catalogue is the county's reference list, the same for every township: there
        # is nothing of township B's in it to reach, so the walk tries an id that is none.
        "no_chemical": SimpleNamespace(pk=10**6),
    }
