"""Picker source of venues for prevention sessions held at one (娱乐场所从业人员, 进场所): the
venues of the enforcement area's register in the units where the user records activities."""

from django.db.models import Q

from jindu.core.pickers import Choice, picker_source

from .web.forms import activity_venues


def _venue_choice(venue) -> Choice:
    return Choice(venue.pk, venue.name, venue.org_unit.name)


@picker_source("prevention-venues", choice=_venue_choice)
def venues(user, q, params):
    rows = activity_venues(user)
    q = q.strip()
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(org_unit__name__icontains=q))
    return rows
