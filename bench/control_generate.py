"""A province of people under control, written with PostgreSQL ``COPY``: the data behind
``bench/control.py``.

1 province → 14 cities → 100 counties → 2,000 townships → 20,000 villages and communities;
200,000 fictional persons (generated names, fictional identity numbers with a correct
GB 11643 check digit, encrypted and hashed as the services store them) with their status
changes, first findings, risk assessments (history, the latest also on the person row),
moves (about 5 % of persons: their residence history), control orders of the three kinds
(reported on time or late or not at all; executed or not, with a reason), control
assignments (active and ended), sick/disabled flags with admissions, and 5,000,000 urine
tests spread along the community orders' terms. ``--scale 0.2``: a fifth of both.

Rows bypass the services on purpose (see ``generate.py``), but carry what the services
would write. The RNG is seeded: the same arguments give the same data. Needs PostgreSQL.

Usage (normally called by ``control.py``):
    DATABASE_URL=postgres://… .venv/bin/python bench/control_generate.py [--persons N]
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import time

from generate import setup_django

D = datetime.date
CITIES = 14
COUNTIES = 100
TOWNSHIPS_PER_COUNTY = 20
VILLAGES_PER_TOWNSHIP = 10
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田"
    "董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白"
    "邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉萍红娟建文辉力斌宇浩凯健"
    "俊帆帅旭宁龙林欣佳鹏晨颖倩婷雪琳晶鑫波峰雷亮成新志海东春兵云飞永刚国庆"
)
DRUGS = ["heroin", "methamphetamine", "ketamine", "magu", "happy_water", "mdma", "cannabis"]
DRUG_WEIGHTS = [20, 45, 10, 10, 5, 5, 5]
NOT_EXECUTED = ["pregnancy", "nursing", "serious_illness", "disability", "age", "other"]
ROLES = ["police", "social_worker", "grid_worker", "village_cadre"]
PASSWORD = "bench-password-123"  # throwaway benchmark accounts


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 28):
        try:
            return D(year, month, d)
        except ValueError:
            continue
    raise AssertionError


class Copier:
    """``COPY`` rows into a model's table. ``given`` names the columns a row supplies; every
    other concrete field gets its default (``''``, ``[]``, ``None``, now for timestamps)."""

    def __init__(self, cursor, now: datetime.datetime):
        self.cursor = cursor
        self.now = now

    def __call__(self, model, given: list[str], rows) -> int:
        fields = model._meta.concrete_fields
        by_att = {f.attname: f for f in fields}
        # Columns not given take their default; an id not given is the table's serial.
        missing = [f for f in fields if f.attname not in given and not f.primary_key]
        extra = []
        for f in missing:
            if f.get_internal_type() == "DateTimeField":
                extra.append(self.now)
            elif f.has_default():
                value = f.get_default()
                extra.append(json.dumps(value) if f.get_internal_type() == "JSONField" else value)
            elif f.null:
                extra.append(None)
            elif f.empty_strings_allowed:
                extra.append("")
            else:
                raise ValueError(f"{model.__name__}.{f.attname} needs a value")
        extra = tuple(extra)
        columns = ", ".join(
            f'"{by_att[a].column}"' for a in [*given, *(f.attname for f in missing)]
        )
        count = 0
        sql = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
        with self.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row + extra)
                count += 1
        return count


def reset_sequences(cursor, models) -> None:
    for model in models:
        table = model._meta.db_table
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
        )


def id_number(area: str, birth: datetime.date, seq: int, male: bool) -> str:
    from jindu.control import rules

    sequence = seq * 2 + (1 if male else 0)
    first17 = f"{area}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + rules.check_digit(first17)


def org_tree(copy) -> dict:
    """Units with explicit ids and paths. Returns the ids by level and the village codes."""
    from jindu.orgs.models import OrgUnit

    rows, next_id = [], iter(range(1, 10**7))
    given = ["id", "code", "name", "kind", "level", "parent_id", "path", "is_active", "sort_order"]
    province = next(next_id)
    rows.append((province, "980000000000", "基准省", "county", "county", None, f"/{province}/"))
    tree = {"province": province, "cities": [], "counties": [], "townships": [], "villages": []}
    tree["village_codes"] = {}
    tree["county_townships"] = {}
    tree["county_area"] = {}
    per_city = [COUNTIES // CITIES + (1 if c < COUNTIES % CITIES else 0) for c in range(CITIES)]
    for c in range(1, CITIES + 1):
        city = next(next_id)
        city_path = f"/{province}/{city}/"
        rows.append(
            (city, f"98{c:02d}00000000", f"基准市{c}", "county", "county", province, city_path)
        )
        tree["cities"].append(city)
        for k in range(1, per_city[c - 1] + 1):
            county = next(next_id)
            county_path = f"{city_path}{county}/"
            code = f"98{c:02d}{k:02d}000000"
            rows.append((county, code, f"基准市{c}县{k}", "county", "county", city, county_path))
            tree["counties"].append(county)
            tree["county_area"][county] = code[:6]
            tree["county_townships"][county] = []
            for t in range(1, TOWNSHIPS_PER_COUNTY + 1):
                township = next(next_id)
                t_path = f"{county_path}{township}/"
                t_code = f"98{c:02d}{k:02d}{t:03d}000"
                t_name = f"基准市{c}县{k}镇{t}"
                rows.append((township, t_code, t_name, "township", "township", county, t_path))
                tree["townships"].append((township, county))
                tree["county_townships"][county].append(township)
                for v in range(1, VILLAGES_PER_TOWNSHIP + 1):
                    village = next(next_id)
                    kind = "village" if v % 3 else "community"
                    v_code = f"{t_code[:9]}{v:03d}"
                    v_name = f"{t_name}{'村' if kind == 'village' else '社区'}{v}"
                    rows.append(
                        (village, v_code, v_name, kind, "village", township, f"{t_path}{village}/")
                    )
                    tree["villages"].append((village, township, county))
                    tree["village_codes"][village] = v_code
    # One police station per county, covering its townships (the "county-level" user).
    tree["stations"] = {}
    for county in tree["counties"][:1]:
        station = next(next_id)
        parent_path = next(r[6] for r in rows if r[0] == county)
        rows.append(
            (
                station,
                f"98P{county:06d}",
                f"基准派出所{county}",
                "police_station",
                "station",
                county,
                f"{parent_path}{station}/",
            )
        )
        tree["stations"][county] = station
    copy(OrgUnit, given, ((*r, True, 0) for r in rows))
    from django.db import connection

    with connection.cursor() as cursor:
        through = OrgUnit.covers.through
        for county, station in tree["stations"].items():
            for township in tree["county_townships"][county]:
                cursor.execute(
                    f'INSERT INTO "{through._meta.db_table}" (from_orgunit_id, to_orgunit_id) '
                    "VALUES (%s, %s)",
                    [station, township],
                )
    return tree


def users(tree) -> dict:
    from jindu.accounts.models import User
    from jindu.accounts.roles import Role
    from jindu.orgs.models import OrgUnit

    county = tree["counties"][0]
    township = tree["county_townships"][county][0]
    specs = {
        "bench-office": (Role.OFFICE_ADMIN, tree["province"]),
        "bench-station": (Role.POLICE_STATION, tree["stations"][county]),
        "bench-township": (Role.TOWNSHIP, township),
    }
    made = {}
    for username, (role, unit_id) in specs.items():
        user = User(username=username, role=role, unit=OrgUnit.objects.get(pk=unit_id))
        user.set_password(PASSWORD)
        user.save()
        made[username] = user
    return made


def people(copy, tree, persons: int, tests: int, today: datetime.date, rng: random.Random):
    """Persons and everything recorded about them. Returns the counts written."""
    from jindu.control import crypto
    from jindu.control.models import (
        ControlAssignment,
        ControlOrder,
        Finding,
        Person,
        ResidenceChange,
        RiskAssessment,
        SickDisabled,
        StatusChange,
        UrineTest,
    )

    started = time.perf_counter()
    villages = tree["villages"]
    area_of = tree["county_area"]
    used: set[str] = set()
    person_rows, status_rows, finding_rows, risk_rows = [], [], [], []
    order_rows, assignment_rows, sick_rows, move_rows = [], [], [], []
    # Moves come from their own RNG, so every other row is what it was before moves existed.
    moving = random.Random(f"moves {persons}")
    community_terms = []  # (person, order, start, stop) for the urine tests
    order_id = assignment_id = status_id = risk_id = 0
    statuses = ["in_society", "in_facility", "in_custody", "moved_out", "deceased"]
    status_weights = [74, 10, 9, 5, 2]
    for pk in range(1, persons + 1):
        village, _township, county = villages[rng.randrange(len(villages))]
        male = rng.random() < 0.82
        birth = D(1960, 1, 1) + datetime.timedelta(days=rng.randrange(16000))
        seq = rng.randrange(500)
        while True:
            number = id_number(area_of[county], birth, seq, male)
            if number not in used:
                break
            seq = (seq + 1) % 500
        used.add(number)
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        found = max(birth + datetime.timedelta(days=16 * 365), D(2008, 1, 1)) + datetime.timedelta(
            days=rng.randrange(3000)
        )
        found = min(found, today - datetime.timedelta(days=30))
        drugs = rng.choices(DRUGS, DRUG_WEIGHTS, k=rng.choice((1, 1, 1, 2)))
        status = rng.choices(statuses, status_weights)[0]
        since = found
        status_id += 1
        status_rows.append((status_id, pk, found, "in_society", "Registered."))
        if status != "in_society":
            since = found + datetime.timedelta(days=rng.randrange(max((today - found).days, 1)))
            status_id += 1
            status_rows.append((status_id, pk, since, status, ""))
        finding_rows.append((pk, found, "", "", "First found"))
        # Risk history: one to three assessments, the latest on the person row.
        risk_level, risk_date = "", None
        day = found
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            day = day + datetime.timedelta(days=rng.randrange(30, 400))
            if day > today:
                break
            risk_level = rng.choices(("low", "medium", "high"), (55, 30, 15))[0]
            risk_date = day
            risk_id += 1
            risk_rows.append((risk_id, pk, day, risk_level, json.dumps([]), "基准评估员"))
        # About 5 % moved once or twice (变更执行地): the row holds where they live now, each
        # move where they lived before it (a village of the same county, or anywhere).
        if moving.random() < 0.05:
            here = village
            day = found
            for _ in range(moving.choice((1, 1, 1, 2))):
                day = day + datetime.timedelta(days=moving.randrange(1, 900))
                if day > today:
                    break
                there = villages[moving.randrange(len(villages))][0]
                if there == here:
                    continue
                move_rows.append((pk, day, here, there, "迁居"))
                here = there
            village = here
        left = None
        if status == "in_society" and rng.random() < 0.06:
            left = min(found + datetime.timedelta(days=3 * 365 + rng.randrange(400)), today)
        person_rows.append(
            (
                pk,
                name,
                "male" if male else "female",
                crypto.encrypt(number),
                crypto.lookup_hash(number),
                crypto.mask_id_number(number),
                birth,
                f"基准省某县某镇{rng.randrange(1, 300)}号",
                village,
                crypto.encrypt(phone),
                crypto.lookup_hash(phone),
                crypto.mask_phone(phone),
                json.dumps(drugs),
                found,
                status,
                since,
                risk_level,
                risk_date,
                left,
            )
        )
        # Orders: community detox or rehab for most; compulsory isolation for some, with a
        # community rehab order continuing some isolations.
        roll = rng.random()
        kinds = []
        if roll < 0.55:
            kinds.append("community_detox")
        elif roll < 0.63:
            kinds.append("community_rehab")
        if rng.random() < 0.18:
            kinds.append("compulsory_isolation")
            if rng.random() < 0.3:
                kinds.append("community_rehab")
        decision = found + datetime.timedelta(days=rng.randrange(5, 60))
        for kind in kinds:
            if decision > today:
                break
            order_id += 1
            term = 24 if kind == "compulsory_isolation" else 36
            report_due = reported = executed = reason = expected = end = None
            end_kind = ""
            if kind == "compulsory_isolation":
                if rng.random() < 0.88:
                    executed = decision + datetime.timedelta(days=rng.randrange(0, 20))
                    expected = add_months(executed, term)
                else:
                    reason = rng.choice(NOT_EXECUTED)
            else:
                report_due = decision + datetime.timedelta(days=15)
                r = rng.random()
                if r < 0.86:
                    reported = decision + datetime.timedelta(days=rng.randrange(0, 16))
                elif r < 0.95:
                    reported = decision + datetime.timedelta(days=rng.randrange(16, 60))
                if reported is not None:
                    expected = add_months(reported, term)
            start = executed or reported
            if expected is not None and start is not None:
                if expected <= today:
                    end, end_kind = expected, "expiry"
                elif rng.random() < 0.03:
                    end = start + datetime.timedelta(days=rng.randrange(30, 300))
                    end, end_kind = min(end, today), "terminated"
            if reported is not None and reported > today:
                reported = expected = None
            order_rows.append(
                (
                    order_id,
                    pk,
                    kind,
                    decision,
                    f"基公（禁）决字〔{decision.year}〕{order_id}号",
                    "基准县公安局",
                    term,
                    report_due,
                    reported,
                    executed,
                    reason or "",
                    expected,
                    end,
                    end_kind,
                    json.dumps(["禁毒法第三十三条"]),
                    "control-law",
                )
            )
            if kind != "compulsory_isolation" and reported is not None:
                community_terms.append((pk, order_id, reported, min(end or today, today)))
            decision = (end or expected or decision) + datetime.timedelta(days=rng.randrange(1, 90))
        # Control assignments: most people in society have one running; some ended.
        if status == "in_society":
            start = found + datetime.timedelta(days=rng.randrange(1, 120))
            if rng.random() < 0.25:
                stop = start + datetime.timedelta(days=rng.randrange(30, 700))
                if stop < today:
                    assignment_id += 1
                    assignment_rows.append(
                        (assignment_id, pk, f"{rng.choice(SURNAMES)}干部", "police", start, stop)
                    )
                    start = stop + datetime.timedelta(days=1)
            if rng.random() < 0.88 and start <= today:
                assignment_id += 1
                assignment_rows.append(
                    (
                        assignment_id,
                        pk,
                        f"{rng.choice(SURNAMES)}社工",
                        rng.choice(ROLES),
                        start,
                        None,
                    )
                )
        if rng.random() < 0.03:
            identified = found + datetime.timedelta(days=rng.randrange(30, 2000))
            if identified <= today:
                admitted = None
                if rng.random() < 0.7:
                    admitted = min(identified + datetime.timedelta(days=rng.randrange(60)), today)
                sick_rows.append(
                    (
                        pk,
                        rng.choice(("艾滋病", "肺结核", "肢体残疾", "精神障碍")),
                        identified,
                        admitted,
                    )
                )
    prepared = time.perf_counter() - started

    counts = {}
    counts["persons"] = copy(
        Person,
        [
            "id",
            "name",
            "gender",
            "id_number_encrypted",
            "id_hash",
            "id_masked",
            "birth_date",
            "household_address",
            "residence_unit_id",
            "phone_encrypted",
            "phone_hash",
            "phone_masked",
            "drug_types",
            "first_found_date",
            "status",
            "status_since",
            "risk_level",
            "risk_date",
            "left_control_on",
        ],
        person_rows,
    )
    del person_rows
    counts["status changes"] = copy(
        StatusChange, ["id", "person_id", "date", "status", "reason"], status_rows
    )
    counts["findings"] = copy(
        Finding, ["person_id", "date", "place", "circumstances", "source"], finding_rows
    )
    counts["risk assessments"] = copy(
        RiskAssessment,
        ["id", "person_id", "date", "level", "factors", "assessor_name"],
        risk_rows,
    )
    counts["orders"] = copy(
        ControlOrder,
        [
            "id",
            "person_id",
            "kind",
            "decision_date",
            "decision_no",
            "authority",
            "term_months",
            "report_due",
            "reported_date",
            "executed_date",
            "not_executed_reason",
            "expected_end",
            "end_date",
            "end_kind",
            "basis",
            "policy_id",
        ],
        order_rows,
    )
    counts["assignments"] = copy(
        ControlAssignment,
        ["id", "person_id", "responsible_name", "responsible_role", "start_date", "end_date"],
        assignment_rows,
    )
    counts["sick/disabled"] = copy(
        SickDisabled, ["person_id", "condition", "identified_date", "admitted_date"], sick_rows
    )
    counts["moves"] = copy(
        ResidenceChange, ["person_id", "date", "from_unit_id", "to_unit_id", "reason"], move_rows
    )
    counts["urine tests"] = copy(
        UrineTest,
        ["person_id", "order_id", "date", "kind", "result"],
        urine_tests(community_terms, tests, rng),
    )
    counts["(python build s)"] = round(prepared, 1)
    return counts


def urine_tests(terms, total: int, rng: random.Random):
    """``total`` tests spread over the community orders in proportion to their running days,
    each at a random day of its order's term."""
    days = [max((stop - start).days, 1) for _p, _o, start, stop in terms]
    all_days = sum(days)
    written = 0
    results = ("negative", "positive", "missed", "refused")
    weights = (970, 15, 10, 5)
    randrange, choices, rand = rng.randrange, rng.choices, rng.random
    for index, (person, order, start, _stop) in enumerate(terms):
        n = total - written if index == len(terms) - 1 else round(total * days[index] / all_days)
        n = min(n, total - written)
        span = days[index]
        for result in choices(results, weights, k=n):
            yield (
                person,
                order,
                start + datetime.timedelta(days=randrange(span)),
                "hair" if rand() < 0.02 else "urine",
                result,
            )
        written += n


def generate(persons: int = 200_000, tests: int = 5_000_000, seed: int = 20261129) -> dict:
    """Fill the (empty, migrated) database. Returns the tree, the users and the timings."""
    from django.db import connection, transaction
    from django.utils import timezone

    from jindu.control.models import (
        ControlAssignment,
        ControlOrder,
        Person,
        RiskAssessment,
        StatusChange,
    )
    from jindu.orgs.models import OrgUnit

    rng = random.Random(seed)
    today = timezone.localdate()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        copy = Copier(cursor, timezone.now())
        tree = org_tree(copy)
        org_seconds = time.perf_counter() - started
        counts = people(copy, tree, persons, tests, today, rng)
        reset_sequences(
            cursor, [OrgUnit, Person, StatusChange, RiskAssessment, ControlOrder, ControlAssignment]
        )
    written = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    tree["users"] = users(tree)
    return {
        "tree": tree,
        "counts": counts,
        "org_seconds": round(org_seconds, 1),
        "load_seconds": round(written, 1),
        "total_seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--tests", type=int, default=5_000_000)
    parser.add_argument("--scale", type=float, help="both numbers times this (0.2: 40,000)")
    args = parser.parse_args()
    if args.scale:
        args.persons, args.tests = round(200_000 * args.scale), round(5_000_000 * args.scale)
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    result = generate(args.persons, args.tests)
    print(result["counts"], f"in {result['total_seconds']} s")


if __name__ == "__main__":
    main()
