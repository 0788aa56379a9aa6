"""Read queries for listings, scoped to the user."""

from django.db.models import CharField, OuterRef, Q, Subquery
from django.db.models.functions import Cast

from jindu.core.scoping import VIEW
from jindu.documents.models import DocumentKind, IssuedDocument

from .models import Application, Assessment, Decision, Designation, Evaluation


def _scoped(model, user, base):
    return (base if base is not None else model.objects.all()).restrict(user, VIEW)


def designations(
    user,
    *,
    status: str = "active",
    level: str = "",
    unit_level: str = "",
    q: str = "",
    org_unit: int | None = None,
    base=None,
    ordered: bool = True,
):
    """Listings ``user`` may see (the board, the API); ``status`` "" is every status. The
    board orders them by due date; the API keeps the model's order."""
    queryset = _scoped(Designation, user, base).select_related("org_unit", "org_unit__parent")
    if status:
        queryset = queryset.filter(status=status)
    if level:
        queryset = queryset.filter(level=level)
    if unit_level:
        queryset = queryset.filter(org_unit__level=unit_level)
    if org_unit is not None:
        queryset = queryset.filter(org_unit_id=org_unit)
    if q:
        queryset = queryset.filter(Q(org_unit__name__icontains=q) | Q(org_unit__code__startswith=q))
    return queryset.order_by("due_date", "org_unit__path") if ordered else queryset


def applications(
    user, *, status: str = "", year: int | None = None, org_unit: int | None = None, base=None
):
    queryset = _scoped(Application, user, base).select_related("org_unit", "applicant_unit")
    if status:
        queryset = queryset.filter(status=status)
    if year:
        queryset = queryset.filter(year=year)
    if org_unit is not None:
        queryset = queryset.filter(org_unit_id=org_unit)
    return queryset


def evaluations(user, *, year: int | None = None, org_unit: int | None = None, base=None):
    queryset = _scoped(Evaluation, user, base).select_related("org_unit")
    if year:
        queryset = queryset.filter(year=year)
    if org_unit is not None:
        queryset = queryset.filter(org_unit_id=org_unit)
    return queryset


def decisions(user, *, designation: int | None = None, base=None):
    """The committee's decisions ``user`` may see, each with the id of its issued document."""
    issued = IssuedDocument.objects.filter(
        kind=DocumentKind.DECISION,
        source_model="rectification.Decision",
        source_id=Cast(OuterRef("pk"), CharField()),
    ).values("pk")[:1]
    queryset = _scoped(Decision, user, base).annotate(document_id=Subquery(issued))
    if designation is not None:
        queryset = queryset.filter(designation_id=designation)
    return queryset


def assessments(user, *, designation: int | None = None, base=None):
    queryset = _scoped(Assessment, user, base)
    if designation is not None:
        queryset = queryset.filter(designation_id=designation)
    return queryset


# Evidence other areas hold for the conditions of art. 14 (the township duties of
# art. 22, 24–27 that the rule book says feed a condition). An area above this one registers a
# provider ``fn(user, designation, on) -> {condition: [(text, met)]}`` so that this area
# imports nothing above it.
EVIDENCE_PROVIDERS: list = []


def register_evidence(provider) -> None:
    if provider not in EVIDENCE_PROVIDERS:
        EVIDENCE_PROVIDERS.append(provider)


def recorded_evidence(user, designation, on) -> dict[str, list[tuple[str, bool | None]]]:
    found: dict[str, list] = {}
    for provider in EVIDENCE_PROVIDERS:
        for condition, items in provider(user, designation, on).items():
            found.setdefault(condition, []).extend(items)
    return found
