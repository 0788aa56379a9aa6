from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("County office administrator")
    LEADER = "leader", _("Committee leader")
    MEMBER_UNIT = "member_unit", _("Member-unit staff")
    TOWNSHIP = "township", _("Township staff")
    POLICE_STATION = "police_station", _("Police-station staff")
    GRID_WORKER = "grid_worker", _("Grid worker")


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
}
