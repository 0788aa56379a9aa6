"""The supervision board's queries. Each is a fixed number of queries whatever the number of
units: aggregation happens in the database."""

import datetime

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import ExtractMonth

from jindu.core.scoping import VIEW

from .models import Campaign, Obligation, ObligationStatus, WorkReport

DONE = [ObligationStatus.FULFILLED, ObligationStatus.LATE]


def obligations(
    user,
    *,
    today: datetime.date | None = None,
    kind: str = "",
    status: str = "",
    org_unit: int | None = None,
    q: str = "",
    due_before: datetime.date | None = None,
    due_after: datetime.date | None = None,
    base=None,
    overdue_first: bool = True,
):
    """Obligations ``user`` may see with their current status (the board, the API); overdue
    first, then by due date, unless ``overdue_first`` is off (the API keeps the model's
    order)."""
    queryset = (
        (base if base is not None else Obligation.objects.all())
        .restrict(user, VIEW)
        .with_current_status(today)
        .select_related("org_unit", "subject_unit")
    )
    if due_before:
        queryset = queryset.filter(due_date__lt=due_before)
    if due_after:
        queryset = queryset.filter(due_date__gt=due_after)
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(effective_status=status)
    if org_unit:
        queryset = queryset.filter(org_unit_id=org_unit)
    if q:
        queryset = queryset.filter(Q(org_unit__name__icontains=q) | Q(period__startswith=q))
    if not overdue_first:
        return queryset
    return queryset.annotate(
        overdue_first=Case(
            When(effective_status=ObligationStatus.OVERDUE, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("overdue_first", "due_date", "org_unit__path", "kind")


def reports(
    user,
    *,
    status: str = "",
    kind: str = "",
    period: str = "",
    org_unit: int | None = None,
    base=None,
):
    """Work reports ``user`` may see (the reports page, the API)."""
    queryset = (
        (base if base is not None else WorkReport.objects.all())
        .restrict(user, VIEW)
        .select_related("org_unit")
    )
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if period := period.strip():
        queryset = queryset.filter(period=period)
    if org_unit is not None:
        queryset = queryset.filter(org_unit_id=org_unit)
    return queryset


def todo(user, today: datetime.date):
    """A unit's own open duties, overdue first."""
    return obligations(user, today=today).filter(
        org_unit_id=user.unit_id, status__in=[ObligationStatus.OPEN, ObligationStatus.OVERDUE]
    )


def _counts(queryset, today):
    return dict(
        total=Count("id"),
        done=Count("id", filter=Q(status__in=DONE)),
        late=Count("id", filter=Q(status=ObligationStatus.LATE)),
        overdue=Count(
            "id",
            filter=Q(
                status__in=[ObligationStatus.OPEN, ObligationStatus.OVERDUE], due_date__lt=today
            ),
        ),
    )


def _rate(row) -> float:
    return round(100 * row["done"] / row["total"], 1) if row["total"] else 0.0


def completion_by_unit(user, *, year: int, today: datetime.date, limit: int = 20):
    """Units ranked from the latest: most overdue, then most late, then lowest completion."""
    rows = list(
        Obligation.objects.restrict(user, VIEW)
        .filter(due_date__year=year, due_date__lte=today)
        .values("org_unit_id", "org_unit__name")
        .annotate(**_counts(Obligation.objects, today))
        .order_by("-overdue", "-late", "org_unit__name")[:limit]
    )
    for row in rows:
        row["rate"] = _rate(row)
    return rows


def completion_by_month(user, *, year: int, today: datetime.date):
    rows = list(
        Obligation.objects.restrict(user, VIEW)
        .filter(due_date__year=year, due_date__lte=today)
        .annotate(month=ExtractMonth("due_date"))
        .values("month")
        .annotate(**_counts(Obligation.objects, today))
        .order_by("month")
    )
    for row in rows:
        row["rate"] = _rate(row)
    return rows


def totals(user, today: datetime.date) -> dict:
    return Obligation.objects.restrict(user, VIEW).aggregate(
        open=Count("id", filter=Q(status=ObligationStatus.OPEN, due_date__gte=today)),
        overdue=Count(
            "id",
            filter=Q(
                status__in=[ObligationStatus.OPEN, ObligationStatus.OVERDUE], due_date__lt=today
            ),
        ),
        late=Count("id", filter=Q(status=ObligationStatus.LATE)),
        fulfilled=Count("id", filter=Q(status=ObligationStatus.FULFILLED)),
        unknown=Count(
            "id",
            filter=Q(
                due_date_known=False, status__in=[ObligationStatus.OPEN, ObligationStatus.OVERDUE]
            ),
        ),
    )


def current_phase(today: datetime.date):
    campaign = (
        Campaign.objects.filter(start__lte=today, end__gte=today).first()
        or Campaign.objects.order_by("-start").first()
    )
    if campaign is None:
        return None, None
    return campaign, campaign.phase_on(today)


def letter_coverage(user, year: int):
    """Who has signed this year's responsibility letters, by level, and who has not."""
    rows = (
        Obligation.objects.restrict(user, VIEW)
        .filter(kind="responsibility_letter", period=str(year))
        .values("org_unit__level")
        .annotate(expected=Count("id"), signed=Count("id", filter=Q(status__in=DONE)))
        .order_by("org_unit__level")
    )
    missing = (
        Obligation.objects.restrict(user, VIEW)
        .filter(kind="responsibility_letter", period=str(year))
        .exclude(status__in=DONE)
        .select_related("org_unit", "org_unit__parent")
        .order_by("org_unit__path")
    )
    return list(rows), missing
