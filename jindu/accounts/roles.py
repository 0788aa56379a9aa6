from jindu.core.roles import Role

__all__ = ["ROLE_UNIT_KINDS", "Role"]

# Which kinds of unit a user of each role may belong to. The office admin and leaders sit in
# the county (or the office itself, a member unit); everyone else belongs to the unit whose
# records they work on.
ROLE_UNIT_KINDS: dict[str, tuple[str, ...]] = {
    Role.OFFICE_ADMIN: ("county", "member_unit"),
    Role.LEADER: ("county", "member_unit"),
    Role.MEMBER_UNIT: ("member_unit",),
    Role.TOWNSHIP: ("township", "park"),
    Role.POLICE_STATION: ("police_station", "judicial_office"),
    Role.GRID_WORKER: ("grid",),
    # A school account belongs to the township its school is in (and sees only the school).
    Role.SCHOOL: ("township", "park"),
}
