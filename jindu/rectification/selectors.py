"""Read queries for listings, scoped to the user."""

from django.db.models import Q

from jindu.core.scoping import VIEW

from .models import Application, Designation, Evaluation


def designations(
    user, *, status: str = "active", level: str = "", unit_level: str = "", q: str = ""
):
    queryset = Designation.objects.restrict(user, VIEW).select_related(
        "org_unit", "org_unit__parent"
    )
    if status in ("active", "lifted"):
        queryset = queryset.filter(status=status)
    if level:
        queryset = queryset.filter(level=level)
    if unit_level:
        queryset = queryset.filter(org_unit__level=unit_level)
    if q:
        queryset = queryset.filter(Q(org_unit__name__icontains=q) | Q(org_unit__code__startswith=q))
    return queryset.order_by("due_date", "org_unit__path")


def applications(user, *, status: str = "", year: int | None = None):
    queryset = Application.objects.restrict(user, VIEW).select_related("org_unit", "applicant_unit")
    if status:
        queryset = queryset.filter(status=status)
    if year:
        queryset = queryset.filter(year=year)
    return queryset


def evaluations(user, *, year: int | None = None):
    queryset = Evaluation.objects.restrict(user, VIEW).select_related("org_unit")
    if year:
        queryset = queryset.filter(year=year)
    return queryset
