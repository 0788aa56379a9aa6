"""The demo county: a fictional 衡阳县 with townships, villages, grids, departments and logins.

Everything here is invented. Township, village and person names are generated or made up
for the demo (a seeded ``random.Random``, so every run produces the same county); they are
not a copy of any real list and no holder is a real person.

``build_plan()`` describes the county as plain data without touching the database;
``load_demo()`` writes it through the services (so every row gets its audit record),
skipping whatever already exists: running it twice changes nothing.
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import translation

from .models import OrgUnit, Position, PositionRole, UnitKind

DEMO_PASSWORD = "Jindu-demo-2026"
SEED = 2018

COUNTY_CODE = "430421000000"
COUNTY_NAME = "衡阳县"
COUNTY_PREFIX = COUNTY_CODE[:6]

# The townships, in code order (codes 100, 101, …), and the industrial park (code 400).
# ``director_differs``: the township's anti-drug committee director is the township head
# (镇长/乡长), not the party secretary — a few cases each way for later checks.
# ``communities``: how many of its units are urban communities (near the county seat).
# The names are invented for the demo.
TOWNSHIPS: list[tuple[str, bool, int]] = [
    ("云岭镇", False, 6),  # the county seat
    ("青溪镇", False, 2),
    ("柳塘镇", False, 1),
    ("枫林镇", True, 0),
    ("松坪镇", False, 0),
    ("白沙镇", False, 1),
    ("石桥镇", False, 0),
    ("龙泉镇", False, 0),
    ("荷塘镇", False, 0),
    ("杨柳镇", True, 0),
    ("桂花镇", False, 0),
    ("梓山镇", False, 0),
    ("双河镇", False, 0),
    ("清水镇", False, 0),
    ("茶亭镇", False, 0),
    ("长岗镇", False, 0),
    ("兰溪镇", True, 0),
    ("凤岭镇", False, 0),
    ("高坪乡", False, 0),
    ("竹山乡", False, 0),
    ("鹤岭乡", False, 0),
    ("莲花乡", True, 0),
    ("黄泥乡", False, 0),
    ("铁炉乡", False, 0),
    ("桐木乡", False, 0),
]
PARK = ("界牌园区", False, 3)
PARK_CODE_DIGITS = "400"

# Member units of the county anti-drug committee; the first is the office itself.
# (name, first-responsible title, direct-responsible title)
MEMBER_UNITS: list[tuple[str, str, str]] = [
    ("县禁毒委员会办公室", "主任", "副主任"),
    ("县委宣传部", "部长", "副部长"),
    ("县法院", "院长", "副院长"),
    ("县检察院", "检察长", "副检察长"),
    ("县公安局", "局长", "副局长"),
    ("县教育局", "局长", "副局长"),
    ("县卫生健康局", "局长", "副局长"),
    ("县民政局", "局长", "副局长"),
    ("县司法局", "局长", "副局长"),
    ("县文化旅游广电体育局", "局长", "副局长"),
    ("县市场监督管理局", "局长", "副局长"),
    ("县应急管理局", "局长", "副局长"),
    ("团县委", "书记", "副书记"),
    ("县妇联", "主席", "副主席"),
    ("县财政局", "局长", "副局长"),
    ("县人力资源和社会保障局", "局长", "副局长"),
]
OFFICE_UNIT_CODE = f"{COUNTY_PREFIX}M01"
POLICE_UNIT_NAME = "县公安局"

# Police stations, each listed by the townships it covers (indexes into TOWNSHIPS + park,
# the park being index len(TOWNSHIPS)); the station sits in, and is named after, the first.
STATION_GROUPS: list[tuple[int, ...]] = [
    (0,),
    (1,),
    (2,),
    (3,),
    (4,),
    (5, 6),
    (7,),
    (8,),
    (9,),
    (10,),
    (11, 12),
    (13,),
    (14,),
    (15,),
    (16,),
    (17,),
    (18, 19),
    (20,),
    (21, 22),
    (23, 24),
    (25,),  # the park
]

# Fictional people: surnames and given-name characters, combined by the seeded generator.
SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁"
    "于余叶蒋杜苏魏程吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江"
    "阎薛尹段雷龙黎史陶贺毛郝顾龚邵万覃武钱严莫孔向汤"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉鹏宇浩"
    "凯俊峰波亮林海云飞翔旭东晨阳宏毅德清正荣昌盛安康泽润立新春晓燕琳雪梅丹婷"
    "慧颖佳欣怡嘉瑞祥永兴福寿根生德胜卫民湘衡岳雁蒸"
)

# Village names: a place syllable and a landform, a family hamlet (杨家坪), or an old
# collective name (新民村). All combinations are made up.
PLACE_FIRST = "新大小石黄白青红长高上下东西南北金银桃竹松柏枫杉茶梅荷莲桐樟双三五龙凤鹤狮马牛"
PLACE_SECOND = "塘坪桥冲湾岭山田江溪坝湖陂岗铺垅源洲口坳园塅峰林湘港"
FAMILY_SURNAMES = "杨李刘周罗谢彭曾陈王张唐邓何胡蒋廖颜"
FAMILY_SECOND = "坪湾冲塘山岭桥垅"
COLLECTIVE_NAMES = (
    "新民",
    "光明",
    "团结",
    "红星",
    "胜利",
    "联合",
    "民主",
    "建新",
    "永丰",
    "五星",
    "先锋",
    "东升",
    "幸福",
    "丰收",
    "群力",
    "前进",
    "新华",
    "长征",
)
COMMUNITY_NAMES = (
    "人民路",
    "文昌",
    "新街",
    "向阳",
    "东风",
    "站前",
    "花园",
    "滨江",
    "朝阳",
    "建设",
    "育才",
    "工业",
    "创业",
    "解放路",
)
CHINESE_ORDINALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit_code: str
    note: str = ""


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: str
    parent_code: str | None
    sort_order: int = 0
    covers: tuple[str, ...] = ()


@dataclass(frozen=True)
class PositionSpec:
    unit_code: str
    role: str
    holder_name: str
    title: str
    start_date: datetime.date


@dataclass(frozen=True)
class UserSpec:
    username: str
    role: str
    unit_code: str
    full_name: str
    note: str = ""
    # Created by another area with its binding (the school account: prevention's demo binds
    # it to a school); listed among the logins, not created here.
    bound: bool = False


@dataclass
class Plan:
    units: list[UnitSpec] = field(default_factory=list)
    positions: list[PositionSpec] = field(default_factory=list)
    users: list[UserSpec] = field(default_factory=list)


@dataclass
class LoadResult:
    created: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    conflicts: list[str] = field(default_factory=list)


def township_code(index: int) -> str:
    """The code of ``TOWNSHIPS[index]``, or of the park for ``index == len(TOWNSHIPS)``."""
    digits = PARK_CODE_DIGITS if index == len(TOWNSHIPS) else f"{100 + index:03d}"
    return f"{COUNTY_PREFIX}{digits}000"


def _short(name: str) -> str:
    """云岭镇 → 云岭, 界牌园区 → 界牌: the name a station in the township takes."""
    for suffix in ("园区", "镇", "乡"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


class Names:
    """Unique fictional names drawn from a seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.people: set[str] = set()
        self.places: set[str] = set()
        self._collective = list(COLLECTIVE_NAMES)
        self._community = list(COMMUNITY_NAMES)
        rng.shuffle(self._collective)
        rng.shuffle(self._community)

    def person(self) -> str:
        while True:
            surname = "欧阳" if self.rng.random() < 0.01 else self.rng.choice(SURNAMES)
            length = 1 if self.rng.random() < 0.2 else 2
            name = surname + "".join(self.rng.choice(GIVEN_CHARS) for _ in range(length))
            if name not in self.people and name[-1] != name[-2]:
                self.people.add(name)
                return name

    def village(self) -> str:
        while True:
            draw = self.rng.random()
            if draw < 0.08 and self._collective:
                stem = self._collective.pop()
            elif draw < 0.35:
                stem = self.rng.choice(FAMILY_SURNAMES) + "家" + self.rng.choice(FAMILY_SECOND)
            else:
                stem = self.rng.choice(PLACE_FIRST) + self.rng.choice(PLACE_SECOND)
            if stem not in self.places:
                self.places.add(stem)
                return stem + "村"

    def community(self) -> str:
        stem = self._community.pop()
        self.places.add(stem)
        return stem + "社区"


def _date(rng: random.Random, first_year: int, last_year: int) -> datetime.date:
    return datetime.date(rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28))


def _tenures(rng: random.Random, names: Names, history: bool) -> list[tuple[str, datetime.date]]:
    """Holders of one post, oldest first: the current one, and maybe one before (ended)."""
    if not history:
        return [(names.person(), _date(rng, 2013, 2024))]
    older = _date(rng, 2013, 2018)
    newer = _date(rng, older.year + 2, 2024)
    return [(names.person(), older), (names.person(), newer)]


def _post(
    plan: Plan,
    rng: random.Random,
    names: Names,
    unit_code: str,
    role: str,
    title: str,
    *,
    history_chance: float = 1 / 3,
    holders: list[tuple[str, datetime.date]] | None = None,
) -> list[tuple[str, datetime.date]]:
    if holders is None:
        holders = _tenures(rng, names, rng.random() < history_chance)
    for holder, start in holders:
        plan.positions.append(PositionSpec(unit_code, role, holder, title, start))
    return holders


def build_plan(seed: int = SEED) -> Plan:
    """The whole demo county as data. Deterministic: the same seed gives the same county."""
    rng = random.Random(seed)
    names = Names(rng)
    plan = Plan()
    first, direct = PositionRole.FIRST_RESPONSIBLE, PositionRole.DIRECT_RESPONSIBLE
    director = PositionRole.COMMITTEE_DIRECTOR

    plan.units.append(UnitSpec(COUNTY_CODE, COUNTY_NAME, UnitKind.COUNTY, None))

    # Member units first, so the office's director can be the county's office director.
    office_holders = None
    for i, (name, first_title, direct_title) in enumerate(MEMBER_UNITS, start=1):
        code = f"{COUNTY_PREFIX}M{i:02d}"
        plan.units.append(UnitSpec(code, name, UnitKind.MEMBER_UNIT, COUNTY_CODE, sort_order=i))
        holders = _post(plan, rng, names, code, first, first_title)
        _post(plan, rng, names, code, direct, direct_title)
        if code == OFFICE_UNIT_CODE:
            office_holders = holders

    _post(plan, rng, names, COUNTY_CODE, first, "县委书记")
    _post(plan, rng, names, COUNTY_CODE, direct, "县委常委、政法委书记")
    _post(plan, rng, names, COUNTY_CODE, director, "县长")
    _post(
        plan,
        rng,
        names,
        COUNTY_CODE,
        PositionRole.OFFICE_DIRECTOR,
        "县禁毒办主任",
        holders=office_holders,
    )

    all_townships = [*TOWNSHIPS, PARK]
    for t_index, (t_name, director_differs, n_communities) in enumerate(all_townships):
        t_code = township_code(t_index)
        is_park = t_index == len(TOWNSHIPS)
        kind = UnitKind.PARK if is_park else UnitKind.TOWNSHIP
        plan.units.append(UnitSpec(t_code, t_name, kind, COUNTY_CODE, sort_order=t_index + 1))
        if is_park:
            secretary, deputy, head = "党工委书记", "管委会副主任", "管委会主任"
        elif t_name.endswith("乡"):
            secretary, deputy, head = "党委书记", "分管副乡长", "乡长"
        else:
            secretary, deputy, head = "党委书记", "分管副镇长", "镇长"
        secretaries = _post(plan, rng, names, t_code, first, secretary)
        _post(plan, rng, names, t_code, direct, deputy)
        if director_differs:
            _post(plan, rng, names, t_code, director, head)
        else:
            _post(plan, rng, names, t_code, director, secretary, holders=secretaries)

        n_units = rng.randint(15, 25)
        for v_index in range(n_units):
            if v_index < n_communities:
                v_code = f"{t_code[:9]}{v_index + 1:03d}"
                v_name, v_kind, v_title = names.community(), UnitKind.COMMUNITY, "社区党委书记"
            else:
                v_code = f"{t_code[:9]}{201 + v_index - n_communities:03d}"
                v_name, v_kind, v_title = names.village(), UnitKind.VILLAGE, "村党支部书记"
            plan.units.append(UnitSpec(v_code, v_name, v_kind, t_code, sort_order=v_index + 1))
            _post(plan, rng, names, v_code, first, v_title)
            if rng.random() < 0.5:
                _post(plan, rng, names, v_code, direct, "治保主任", history_chance=0.15)
            for g_index in range(rng.randint(2, 4)):
                plan.units.append(
                    UnitSpec(
                        f"{v_code}{g_index + 1:03d}",
                        f"{v_name}第{CHINESE_ORDINALS[g_index]}网格",
                        UnitKind.GRID,
                        v_code,
                        sort_order=g_index + 1,
                    )
                )

    for s_index, group in enumerate(STATION_GROUPS, start=1):
        code = f"{COUNTY_PREFIX}P{s_index:02d}"
        name = _short(all_townships[group[0]][0]) + "派出所"
        covers = tuple(township_code(i) for i in group)
        plan.units.append(
            UnitSpec(code, name, UnitKind.POLICE_STATION, COUNTY_CODE, 100 + s_index, covers)
        )
        _post(plan, rng, names, code, first, "所长")
        _post(plan, rng, names, code, direct, "副所长")

    # A judicial office in every township (the park has none of its own).
    for j_index, (t_name, _differs, _n) in enumerate(TOWNSHIPS, start=1):
        code = f"{COUNTY_PREFIX}J{j_index:02d}"
        covers = (township_code(j_index - 1),)
        plan.units.append(
            UnitSpec(
                code,
                _short(t_name) + "司法所",
                UnitKind.JUDICIAL_OFFICE,
                COUNTY_CODE,
                200 + j_index,
                covers,
            )
        )
        _post(plan, rng, names, code, first, "所长")
        _post(plan, rng, names, code, direct, "副所长")

    police_code = next(u.code for u in plan.units if u.name == POLICE_UNIT_NAME)
    first_township = township_code(0)
    first_station = next(
        u.code
        for u in plan.units
        if u.kind == UnitKind.POLICE_STATION and first_township in u.covers
    )
    first_village = next(
        u.code for u in plan.units if u.kind == UnitKind.VILLAGE and u.parent_code == first_township
    )
    first_grid = next(
        u.code for u in plan.units if u.kind == UnitKind.GRID and u.parent_code == first_village
    )
    logins = [
        ("office", "office_admin", OFFICE_UNIT_CODE, "县禁毒办，管理全县数据与账号"),
        ("leader", "leader", COUNTY_CODE, "查看全县"),
        ("gongan", "member_unit", police_code, ""),
        ("township", "township", first_township, ""),
        ("township2", "township", township_code(1), "另一乡镇，看不到 township 的数据"),
        ("station", "police_station", first_station, ""),
        ("grid", "grid_worker", first_grid, ""),
    ]
    for username, role, unit_code, note in logins:
        plan.users.append(UserSpec(username, role, unit_code, names.person(), note))
    # Made after the other logins so that their generated names stay as they were.
    plan.users.append(
        UserSpec(
            "school",
            "school",
            first_township,
            names.person(),
            "学校账号：只记录本校（第一个乡镇的中学）的班级和课时",
            bound=True,
        )
    )
    return plan


@transaction.atomic
def load_demo(plan: Plan | None = None) -> LoadResult:
    """Write the demo county through the services; existing rows are left alone."""
    from jindu.accounts import services as accounts
    from jindu.accounts.models import User

    from . import services

    plan = plan or build_plan()
    result = LoadResult()

    units = OrgUnit.objects.in_bulk(field_name="code")
    missing = [spec for spec in plan.units if spec.code not in units]
    if len(plan.units) > len(missing):
        result.skipped["units"] += len(plan.units) - len(missing)
    units.update(
        services.create_units(
            None,
            [
                services.NewUnit(
                    spec.code,
                    spec.name,
                    spec.kind,
                    spec.parent_code,
                    spec.sort_order,
                    spec.covers,
                )
                for spec in missing
            ],
        )
    )
    if missing:
        result.created["units"] += len(missing)

    existing = set(Position.objects.values_list("org_unit_id", "role", "holder_name", "start_date"))
    wanted = []
    for spec in plan.positions:
        unit = units[spec.unit_code]
        if (unit.pk, spec.role, spec.holder_name, spec.start_date) in existing:
            result.skipped["positions"] += 1
            continue
        wanted.append(
            services.NewPosition(
                org_unit=unit,
                role=spec.role,
                holder_name=spec.holder_name,
                title=spec.title,
                start_date=spec.start_date,
            )
        )
    # Someone changed the demo data since: keep their version of a refused tenure.
    created, refused = services.appoint_many(None, wanted, skip_refused=True)
    if created:
        result.created["positions"] += len(created)
    for spec, problem in refused:
        result.conflicts.append(f"{spec.org_unit.name} {spec.role} {spec.holder_name}: {problem}")

    taken = {u.lower() for u in User.objects.values_list("username", flat=True)}
    # A bound login (the school account) is made by its area's demo, with its binding.
    own = [spec for spec in plan.users if not spec.bound]
    new_users = [spec for spec in own if spec.username.lower() not in taken]
    if len(own) > len(new_users):
        result.skipped["users"] += len(own) - len(new_users)
    # In the demo county the office has marked the accounts as integrating, so the README's
    # API examples work for every role that has records to read over it (grid workers report
    # from a phone and have none). One password, hashed once.
    users = accounts.create_users(
        None,
        [
            {
                "username": spec.username,
                "role": spec.role,
                "unit": units[spec.unit_code],
                "full_name": spec.full_name,
                "api_access": spec.role != "grid_worker",
            }
            for spec in new_users
        ],
        password=DEMO_PASSWORD,
    )
    for user in users:
        if user.role in settings.TWO_FACTOR_ROLES:
            # A known TOTP key, so `manage.py demo_otp office` can print the code.
            from jindu.accounts import otp

            otp.enrol_demo(user)
    if users:
        result.created["users"] += len(users)
    return result


def demo_counts() -> dict[str, int]:
    """What the demo county holds: units by kind (keyed by kind), positions and logins."""
    from jindu.accounts.models import User

    county = OrgUnit.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return {}
    by_kind = Counter(OrgUnit.objects.subtree_of(county).values_list("kind", flat=True).order_by())
    counts = {kind: by_kind.get(kind, 0) for kind in UnitKind.values}
    positions = Position.objects.filter(org_unit__path__startswith=county.path)
    counts["positions"] = positions.count()
    counts["current_positions"] = positions.current().count()
    counts["logins"] = User.objects.filter(
        username__in=[login.username for login in _demo_logins()]
    ).count()
    return counts


def _demo_logins() -> list[DemoLogin]:
    return [DemoLogin(u.username, u.role, u.unit_code, u.note) for u in build_plan().users]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def demo_logins_text() -> str:
    """A table of the demo logins (username, role, unit, password) for the console."""
    from jindu.accounts.models import User
    from jindu.accounts.roles import Role

    logins = _demo_logins()
    users = User.objects.select_related("unit").in_bulk(
        [login.username for login in logins], field_name="username"
    )
    if not users:
        return "没有演示账号：先运行 python manage.py load_demo"
    rows = [("用户名", "角色", "单位", "密码", "说明")]
    checked: dict[str, bool] = {}
    with translation.override("zh-hans"):
        for login in logins:
            user = users.get(login.username)
            if user is None:
                continue
            # The logins share one hash until someone changes theirs: checked once per hash.
            if user.password not in checked:
                checked[user.password] = user.check_password(DEMO_PASSWORD)
            password = DEMO_PASSWORD if checked[user.password] else "（已修改）"
            unit = user.unit.name if user.unit else ""
            rows.append((user.username, str(Role(user.role).label), unit, password, login.note))
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"演示账号（{COUNTY_NAME}，虚构数据）"]
    for row in rows:
        lines.append(
            "  " + "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
        )
    from django.conf import settings

    if settings.TWO_FACTOR_ROLES:
        lines.append(
            "  县禁毒办管理员和禁毒委领导登录网页还需动态口令（双因素认证）："
            "python manage.py demo_otp office（或 leader）显示当前口令。"
        )
    return "\n".join(lines)
