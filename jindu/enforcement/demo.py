"""Demo enforcement records: two years of fictional cases, seizures, outbound traffickers
(fewer in the second year in most townships, not in all), patrols with one finding, venues
of every grade with inspections, and tips.

Everything is invented (names from the demo county's seeded generator, identity numbers valid
in format but random) and written through the services, with their audit rows. The county
police bureau (县公安局) is marked as the police authority for the county. Loaded once.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from jindu.control import rules as control_rules
from jindu.orgs.demo import POLICE_UNIT_NAME, Names
from jindu.orgs.models import OrgUnit, UnitLevel

from . import services
from .models import Case, PoliceAuthority, Population

SEED = 4312
OFFENCES = ["trafficking"] * 6 + ["illegal_possession", "accommodating", "harbouring"]
ADMIN = ["admin_drug_use"] * 4 + ["admin_possession", "admin_accommodating"]
DRUGS = ["methamphetamine"] * 5 + ["heroin"] * 2 + ["ketamine", "magu", "mdma"]
VENUES = [
    ("ktv", "KTV"),
    ("hotel", "宾馆"),
    ("bar", "酒吧"),
    ("internet_cafe", "网吧"),
    ("foot_massage", "足浴"),
    ("sauna", "洗浴中心"),
]
PLACES = ["广东省东莞市", "广东省深圳市", "浙江省温州市", "福建省厦门市", "江苏省苏州市"]


def _id(rng: random.Random, male: bool = True) -> str:
    birth = datetime.date(rng.randint(1965, 2002), rng.randint(1, 12), rng.randint(1, 28))
    seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"430421{birth:%Y%m%d}{seq:03d}"
    return first17 + control_rules.check_digit(first17)


def _day(rng, start, end):
    return start + datetime.timedelta(days=rng.randrange(max((end - start).days, 0) + 1))


@transaction.atomic
def load_demo_enforcement(today: datetime.date | None = None) -> int:
    """Returns how many cases were added (0 if the demo was loaded before)."""
    if Case.objects.exists():
        return 0
    bureau = OrgUnit.objects.filter(name=POLICE_UNIT_NAME, kind="member_unit").first()
    county = OrgUnit.objects.filter(parent__isnull=True, level=UnitLevel.COUNTY).first()
    townships = list(OrgUnit.objects.filter(level=UnitLevel.TOWNSHIP).order_by("code"))
    if bureau is None or county is None or not townships:
        return 0
    if not PoliceAuthority.objects.filter(unit=bureau).exists():
        services.set_police_authority(None, unit=bureau, area=county)
    rng = random.Random(SEED)
    names = Names(rng)
    today = today or timezone.localdate()
    this_year, last_year = today.year, today.year - 1
    stations = {}
    for station in OrgUnit.objects.filter(kind="police_station").prefetch_related("covers"):
        for township in station.covers.all():
            stations.setdefault(township.pk, station)
    villages = {}
    for village in OrgUnit.objects.filter(level=UnitLevel.VILLAGE).order_by("code"):
        villages.setdefault(village.parent_id, []).append(village)
    cases = 0
    for index, township in enumerate(townships):
        station = stations.get(township.pk)
        homes = villages.get(township.pk) or [township]
        Population.objects.get_or_create(
            org_unit=township,
            year=this_year,
            defaults={"residents": rng.randint(18000, 60000), "source": "演示数据"},
        )
        Population.objects.get_or_create(
            org_unit=township,
            year=last_year,
            defaults={"residents": rng.randint(18000, 60000), "source": "演示数据"},
        )
        for year in (last_year, this_year):
            start = datetime.date(year, 1, 1)
            end = min(datetime.date(year, 12, 31), today)
            for n in range(rng.randint(2, 5)):
                criminal = rng.random() < 0.6
                filed = _day(rng, start, end - datetime.timedelta(days=5))
                case = services.record_case(
                    None,
                    number=f"衡公({township.code[6:9]})立字[{year}]{n + 1:03d}号",
                    kind="criminal" if criminal else "administrative",
                    offence=rng.choice(OFFENCES if criminal else ADMIN),
                    filed_date=filed,
                    solved_date=filed + datetime.timedelta(days=rng.randint(0, 5)),
                    org_unit=township,
                    handling_unit=station or bureau,
                    flags=rng.sample(["zero_pack", "gang", "network", "den"], rng.randint(0, 2))
                    if criminal
                    else [],
                )
                cases += 1
                suspects = [
                    services.add_suspect(
                        None,
                        case,
                        name=names.person(),
                        gender="male" if (male := rng.random() < 0.8) else "female",
                        id_number=_id(rng, male),
                        household_unit=rng.choice(homes),
                        role="principal" if i == 0 else "accomplice",
                        disposal=rng.choice(["detained", "arrested", "sentenced"])
                        if criminal
                        else "administrative_detention",
                    )
                    for i in range(rng.randint(1, 4 if criminal else 1))
                ]
                services.add_seizure(
                    None,
                    case,
                    drug_type=rng.choice(DRUGS),
                    grams=round(rng.uniform(0.2, 60 if criminal else 2), 2),
                )
                if "gang" in case.flags and len(suspects) >= 3:
                    services.add_gang(
                        None, case, name=f"{suspects[0].name}贩毒团伙", members=suspects
                    )
                if "den" in case.flags:
                    services.add_den(None, case, kind="use", place=f"{township.name}某出租屋")
            # Fewer outbound traffickers this year in most townships, not in all.
            count = rng.randint(3, 6) if year == last_year else rng.randint(0, 3)
            if year == this_year and index % 4 == 3:
                count = rng.randint(5, 8)
            for _ in range(count):
                services.record_outbound(
                    None,
                    name=names.person(),
                    gender="male",
                    id_number=_id(rng),
                    household_unit=rng.choice(homes),
                    arrest_date=_day(rng, start, end),
                    arrest_place=rng.choice(PLACES),
                    arresting_agency=rng.choice(PLACES)[:3] + "公安机关",
                    disposal=rng.choice(["detained", "arrested", "sentenced"]),
                    source=rng.choice(["province_request", "bulletin"]),
                    drug_type="methamphetamine",
                    grams=round(rng.uniform(5, 200), 1),
                )
            services.record_patrol(
                None,
                org_unit=township,
                date=_day(rng, datetime.date(year, 4, 1), min(datetime.date(year, 8, 31), today)),
                area=f"{township.name}山区林地",
                staff=rng.randint(3, 8),
                drones=rng.randint(0, 2),
                area_covered_mu=rng.randint(800, 3000),
                area_total_mu=5000,
            )
        # Venues of every grade: the inspection's checklist and findings decide it.
        for k, (kind, label) in enumerate(VENUES[: 2 + index % 3]):
            if station is None:
                break
            venue = services.register_venue(
                None,
                name=f"{township.name[:2]}{names.person()[1:]}{label}",
                kind=kind,
                org_unit=township,
                station=station,
                licence_no=f"4304{index:02d}{k:02d}",
                opened_date=datetime.date(last_year, 3, 1),
                filed_date=datetime.date(last_year, 3, 10),
            )
            profile = (index + k) % 3
            checks = {
                "cctv_30_days": profile != 2,
                "business_log_60_days": True,
                "warning_signs": profile == 0,
                "staff_register": True,
                "patrols": profile != 2,
            }
            services.record_inspection(
                None,
                venue,
                date=today - datetime.timedelta(days=rng.randint(1, 40)),
                mode=rng.choice(["open", "covert"]),
                inspectors="民警两名",
                checks=checks,
                users_found=1 if profile == 1 and k == 0 else 0,
            )
    # One planting finding (the 零种植 target turns red in that township).
    first = townships[0]
    services.record_planting(
        None,
        org_unit=first,
        date=min(datetime.date(this_year, 5, 12), today),
        species="opium_poppy",
        plants=37,
        place=f"{first.name}某村菜地",
    )
    for i in range(6):
        township = townships[i % len(townships)]
        tip = services.receive_tip(
            None,
            received_date=today - datetime.timedelta(days=10 + 7 * i),
            channel=["hotline", "letter", "in_person", "web"][i % 4],
            org_unit=township,
            content=f"{township.name}某处疑似有人吸贩毒（演示）",
            reporter_name=names.person() if i % 2 == 0 else "",
            reporter_phone=f"170{rng.randint(10000000, 99999999)}" if i % 2 == 0 else "",
        )
        if i < 4 and stations.get(township.pk):
            services.assign_tip(None, tip, station=stations[township.pk])
    return cases
