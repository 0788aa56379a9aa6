"""The roles of the platform. Scoping (``jindu.core.scoping``) decides by role, so the list
lives in core; ``jindu.accounts.roles`` re-exports it with the unit kinds each role fits."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("County office administrator")
    LEADER = "leader", _("Committee leader")
    MEMBER_UNIT = "member_unit", _("Member-unit staff")
    TOWNSHIP = "township", _("Township staff")
    POLICE_STATION = "police_station", _("Police-station staff")
    GRID_WORKER = "grid_worker", _("Grid worker")
    # Bound to one record of a higher area rather than to a subtree (a school's own login:
    # prevention binds it to its school, ``jindu.core.scoping.bind_role``).
    SCHOOL = "school", _("School account")
