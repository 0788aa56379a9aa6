"""Pure rules about the organisation tree: which unit may sit under which, and unit codes.

Codes follow the 12-digit statistical division code (统计用区划代码): the 6-digit GB/T 2260
county code, 3 digits for the township, 3 for the village. Grids extend their village's code
with 3 digits. Departments and stations use the county code, a letter and a number
(``430421M01`` member unit, ``430421P01`` police station, ``430421J01`` judicial office).
"""

import re

from django.utils.translation import gettext as _

from .models import UnitKind, UnitLevel

KIND_LEVEL: dict[str, str] = {
    UnitKind.COUNTY: UnitLevel.COUNTY,
    UnitKind.TOWNSHIP: UnitLevel.TOWNSHIP,
    UnitKind.PARK: UnitLevel.TOWNSHIP,
    UnitKind.VILLAGE: UnitLevel.VILLAGE,
    UnitKind.COMMUNITY: UnitLevel.VILLAGE,
    UnitKind.GRID: UnitLevel.GRID,
    UnitKind.MEMBER_UNIT: UnitLevel.DEPARTMENT,
    UnitKind.POLICE_STATION: UnitLevel.STATION,
    UnitKind.JUDICIAL_OFFICE: UnitLevel.STATION,
}

# The level of the parent each level requires (None: a root).
PARENT_LEVEL: dict[str, str | None] = {
    UnitLevel.COUNTY: None,
    UnitLevel.TOWNSHIP: UnitLevel.COUNTY,
    UnitLevel.VILLAGE: UnitLevel.TOWNSHIP,
    UnitLevel.GRID: UnitLevel.VILLAGE,
    UnitLevel.DEPARTMENT: UnitLevel.COUNTY,
    UnitLevel.STATION: UnitLevel.COUNTY,
}

_DEPT_LETTER = {
    UnitKind.MEMBER_UNIT: "M",
    UnitKind.POLICE_STATION: "P",
    UnitKind.JUDICIAL_OFFICE: "J",
}


# How many leading digits of a unit's code its sub-units' codes repeat.
CODE_PREFIX: dict[str, int] = {UnitLevel.TOWNSHIP: 9, UnitLevel.VILLAGE: 12}


def level_of(kind: str) -> str:
    return KIND_LEVEL[kind]


def parent_problem(kind: str, parent_level: str | None) -> str | None:
    """Why a unit of ``kind`` cannot sit under a parent of ``parent_level``, or None."""
    wanted = PARENT_LEVEL[level_of(kind)]
    if wanted is None and parent_level is not None:
        return _("A county is the root of the tree and has no parent unit.")
    if wanted is not None and parent_level != wanted:
        return _("A unit of this kind must be placed under a unit of level “%(level)s”.") % {
            "level": UnitLevel(wanted).label
        }
    return None


def code_problem(kind: str, code: str, parent_code: str | None) -> str | None:
    """Why ``code`` is not a valid code for a unit of ``kind`` under ``parent_code``, or None."""
    level = level_of(kind)
    if level == UnitLevel.COUNTY:
        if not re.fullmatch(r"\d{6}0{6}", code, re.ASCII):
            return _("A county code has 12 digits: the 6-digit division code and six zeros.")
        return None
    if level in (UnitLevel.DEPARTMENT, UnitLevel.STATION):
        county = (parent_code or "")[:6]
        if not re.fullmatch(rf"{county}{_DEPT_LETTER[kind]}\d{{2,3}}", code, re.ASCII):
            return _(
                "The code must be the county code, the letter %(letter)s and a number, "
                "e.g. %(example)s."
            ) % {
                "letter": _DEPT_LETTER[kind],
                "example": f"{county}{_DEPT_LETTER[kind]}01",
            }
        return None
    if level == UnitLevel.TOWNSHIP:
        county = (parent_code or "")[:6]
        if not re.fullmatch(rf"{county}\d{{3}}000", code, re.ASCII) or code[6:9] == "000":
            return _(
                "A township code has 12 digits: the county's 6, three for the township "
                "(not 000) and 000, e.g. %(example)s."
            ) % {"example": f"{county}100000"}
        return None
    if level == UnitLevel.VILLAGE:
        township = (parent_code or "")[:9]
        if not re.fullmatch(rf"{township}\d{{3}}", code, re.ASCII) or code.endswith("000"):
            return _(
                "A village code has 12 digits: the township's first 9 and three for the "
                "village (not 000), e.g. %(example)s."
            ) % {"example": f"{township}201"}
        return None
    parent = parent_code or ""
    if not re.fullmatch(rf"{parent}\d{{3}}", code, re.ASCII) or code.endswith("000"):
        return _(
            "A grid code is its village's 12-digit code followed by three digits "
            "(not 000), e.g. %(example)s."
        ) % {"example": f"{parent}001"}
    return None
