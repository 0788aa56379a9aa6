"""Picker source of the enforcement area's cases (a precursor flag closed with "criminal case
opened" links to one), read through the scoping layer: a user finds only the cases of their
jurisdiction."""

from django.db.models import Q

from jindu.core.pickers import Choice, picker_source
from jindu.core.scoping import VIEW

from .models import Case
from .policy import enforcement_policy


def _case_choice(case: Case) -> Choice:
    policy = enforcement_policy()
    return Choice(
        case.pk,
        case.number,
        f"{case.org_unit.name} · {policy.offence_name(case.offence)} · {case.filed_date:%Y-%m-%d}",
    )


@picker_source("cases", choice=_case_choice)
def cases(user, q, params):
    rows = Case.objects.restrict(user, VIEW).select_related("org_unit")
    q = q.strip()
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(org_unit__name__icontains=q))
    return rows.order_by("-filed_date", "-id")
