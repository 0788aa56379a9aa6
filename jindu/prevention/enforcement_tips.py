"""The enforcement area's tips as the source of 方案一（四）'s participation indicator.

Prevention sits above enforcement, so it reads the tips itself (enforcement cannot import
prevention) and registers this source at start-up (``providers.register_tip_source``).
Counts are taken within the user's enforcement jurisdiction, like enforcement's own targets.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef

from jindu.enforcement.models import Case, Tip
from jindu.enforcement.selectors import in_scope

from .providers import TipCounts, register_tip_source


def tip_counts(user, unit, date_from, date_to) -> TipCounts:
    tips = in_scope(Tip.objects.all(), user, "org_unit__path", "station__path").filter(
        org_unit__path__startswith=unit.path,
        received_date__gte=date_from,
        received_date__lte=date_to,
    )
    cases = in_scope(Case.objects.all(), user, "org_unit__path").filter(
        org_unit__path__startswith=unit.path,
        solved_date__gte=date_from,
        solved_date__lte=date_to,
    )
    from_tips = cases.filter(Exists(Tip.objects.filter(case=OuterRef("pk"))))
    return TipCounts(tips.count(), cases.count(), from_tips.count())


def tip_counts_for_units(user, units, date_from, date_to) -> dict[int, TipCounts]:
    """``tip_counts`` of each unit in three grouped queries (the cockpit's refresh)."""
    from jindu.orgs.subtrees import owners_of, subtrees_q

    units = list({u.pk: u for u in units}.values())
    owners = owners_of(units)
    totals = {u.pk: [0, 0, 0] for u in units}
    tips = in_scope(Tip.objects.all(), user, "org_unit__path", "station__path").filter(
        subtrees_q(units, "org_unit__path"),
        received_date__gte=date_from,
        received_date__lte=date_to,
    )
    cases = in_scope(Case.objects.all(), user, "org_unit__path").filter(
        subtrees_q(units, "org_unit__path"),
        solved_date__gte=date_from,
        solved_date__lte=date_to,
    )
    from_tips = cases.filter(Exists(Tip.objects.filter(case=OuterRef("pk"))))
    for i, rows in enumerate((tips, cases, from_tips)):
        for path, n in (
            rows.values("org_unit__path").annotate(n=Count("pk")).values_list("org_unit__path", "n")
        ):
            for pk in owners(path):
                totals[pk][i] += n
    return {pk: TipCounts(*t) for pk, t in totals.items()}


def register() -> None:
    register_tip_source("enforcement.tips", tip_counts, for_units=tip_counts_for_units)
