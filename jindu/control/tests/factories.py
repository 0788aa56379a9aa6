"""Small builders for control tests: fictional people with valid identity numbers, made
through the services (so validation and the audit trail run too)."""

import datetime
import itertools

from jindu.control import rules
from jindu.control.services import registry

D = datetime.date
_sequence = itertools.count(100)


BORN = D(1990, 1, 1)


def id_number(birth: datetime.date = BORN, *, male: bool = True, area: str = "430421") -> str:
    """A valid fictional identity number (GB 11643 check digit)."""
    seq = (2 * next(_sequence) + (1 if male else 0)) % 1000
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + rules.check_digit(first17)


def person(world, actor=None, *, unit=None, name="张测试", male=True, **extra):
    actor = actor if actor is not None else world.users["township_a"]
    data = {
        "name": name,
        "gender": "male" if male else "female",
        "id_number": id_number(extra.pop("birth", BORN), male=male),
        "residence_unit": unit or world.village_a,
        "first_found_date": D(2019, 5, 1),
        "drug_types": ["methamphetamine"],
        "phone": "13812345678",
    }
    data.update(extra)
    return registry.register_person(actor, **data)
