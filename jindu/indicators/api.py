"""The cockpit's REST API (contract of issue #15): the registry, every target for a unit and
period, a target's monthly series, the lists behind a number, warnings and briefings."""

from __future__ import annotations

from django.http import FileResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.utils import translate_validation
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from jindu.api.base import ScopedViewSetMixin, call_service
from jindu.api.filters import FilterSetBackend
from jindu.core.scoping import is_office
from jindu.core.views import get_scoped_or_404
from jindu.orgs.models import OrgUnit

from . import selectors, services
from .access import default_unit, may_view_cockpit
from .filters import ItemsFilter, KpiFilter, SeriesFilter, WarningFilter
from .models import Briefing, WarningRecord
from .policy import indicator_policy
from .serializers import (
    BriefingSerializer,
    ItemsSerializer,
    KpisSerializer,
    SeriesPointSerializer,
    TargetSerializer,
    WarningComputeSerializer,
    WarningSerializer,
)


class _QuerySchema(AutoSchema):
    """These views answer one object computed from their query, not a list: drf-spectacular
    documents a FilterSet's parameters on lists only, so here it reads them from the view's
    FilterSet too (no parameter is declared by hand)."""

    def get_filter_backends(self):
        return getattr(self.view, "filter_backends", [])


class _QueryView(APIView):
    schema = _QuerySchema()
    filter_backends = [FilterSetBackend]
    # The FilterSet's model for the schema's django-filter extension (never evaluated).
    queryset = OrgUnit.objects.none()
    filterset_class = None

    def query(self, request) -> dict:
        """The valid query (the FilterSet's parse, the page's own); 400 naming a bad one."""
        found = self.filterset_class(request.query_params, request=request)
        if not found.is_valid():
            raise translate_validation(found.errors)
        return found.params()


def _require_cockpit(request) -> None:
    if not may_view_cockpit(request.user):
        raise PermissionDenied(
            _("The cockpit is for the office, leaders, townships and police stations.")
        )


def unit_of(request, query: dict) -> OrgUnit:
    unit_id = query.get("org_unit")
    if unit_id is None:
        unit = default_unit(request.user)
        if unit is None:
            raise ValidationError({"org_unit": [_("Choose the unit.")]})
        return unit
    return get_scoped_or_404(OrgUnit, request.user, int(unit_id))


def period_of(query: dict):
    date_to = query.get("date_to") or timezone.localdate()
    date_from = query.get("date_from") or date_to.replace(month=1, day=1)
    if date_from > date_to:
        raise ValidationError({"date_from": [_("The period starts after it ends.")]})
    return date_from, date_to


def figure_dict(f, as_of) -> dict:
    return {
        "code": f.code,
        "name": f.name,
        "goal": f.goal,
        "numerator": f.numerator,
        "denominator": f.denominator,
        "value": f.value,
        "target": f.target,
        "comparison": f.comparison,
        "met": f.met,
        "basis": list(f.basis),
        "as_of": as_of,
    }


class TargetListView(APIView):
    """The registry of the Plan's targets (rule-book data, 方案一（一）至（五）)."""

    @extend_schema(responses=TargetSerializer(many=True))
    def get(self, request):
        _require_cockpit(request)
        rows = [
            {
                "code": t.code,
                "name": t.name,
                "goal": t.goal,
                "target": t.target,
                "comparison": t.comparison,
                "definition": t.definition,
                "numerator": t.numerator,
                "denominator": t.denominator,
                "unit": t.unit,
                "period": t.period,
                "area": t.area,
                "article": t.article,
            }
            for t in indicator_policy().targets
        ]
        return Response(TargetSerializer(rows, many=True).data)


class KpiListView(_QueryView):
    """Every target for a unit's subtree and a period (precomputed when available)."""

    filterset_class = KpiFilter

    @extend_schema(responses=KpisSerializer)
    def get(self, request):
        _require_cockpit(request)
        query = self.query(request)
        unit = unit_of(request, query)
        date_from, date_to = period_of(query)
        goal = query.get("goal")
        cockpit = selectors.figures_for(request.user, unit, date_from, date_to, goal=goal)
        return Response(
            KpisSerializer(
                {
                    "org_unit": unit.pk,
                    "date_from": date_from,
                    "date_to": date_to,
                    "as_of": cockpit.as_of,
                    "indicators": [figure_dict(f, cockpit.as_of) for f in cockpit.figures],
                }
            ).data
        )


def _target_or_404(code: str):
    if indicator_policy().target(code) is None:
        raise NotFound(_("No such target in the registry."))


class KpiSeriesView(_QueryView):
    """A target by month over the last ``months`` months with the same month a year before."""

    filterset_class = SeriesFilter

    @extend_schema(responses=SeriesPointSerializer(many=True))
    def get(self, request, code: str):
        _require_cockpit(request)
        _target_or_404(code)
        query = self.query(request)
        unit = unit_of(request, query)
        months = query.get("months") or 24
        return Response(
            SeriesPointSerializer(
                selectors.series(request.user, unit, code, months), many=True
            ).data
        )


class KpiItemsView(_QueryView):
    """The records behind a target's numerator, denominator or gap (masked, scoped)."""

    filterset_class = ItemsFilter

    @extend_schema(responses=ItemsSerializer)
    def get(self, request, code: str):
        _require_cockpit(request)
        _target_or_404(code)
        query = self.query(request)
        unit = unit_of(request, query)
        date_from, date_to = period_of(query)
        which = query.get("which") or "gap"
        kind, rows = selectors.items_behind(request.user, unit, date_from, date_to, code, which)
        return Response({"code": code, "which": which, "kind": kind, "items": rows})


class WarningViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Warning levels per township and month (办法第四、五条) with every contribution."""

    serializer_class = WarningSerializer
    queryset = WarningRecord.objects.select_related("org_unit").prefetch_related("actions")
    pagination_class = None
    filter_backends = [FilterSetBackend]
    filterset_class = WarningFilter

    def get_queryset(self):
        _require_cockpit(self.request)
        return super().get_queryset().order_by("-period", "-score", "org_unit__path")

    @extend_schema(request=WarningComputeSerializer, responses=WarningSerializer(many=True))
    @action(detail=False, methods=["post"])
    def compute(self, request):
        if not is_office(request.user):
            raise PermissionDenied(_("Only the office computes the warning levels."))
        data = WarningComputeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        records = call_service(
            services.compute_warnings, request.user, data.validated_data["period"]
        )
        return Response(WarningSerializer(records, many=True).data, status=status.HTTP_200_OK)


class BriefingViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Briefings (通报), frozen at issue; the office issues them."""

    serializer_class = BriefingSerializer
    queryset = Briefing.objects.select_related("org_unit")

    def get_queryset(self):
        _require_cockpit(self.request)
        return super().get_queryset()

    def create(self, request, *args, **kwargs):
        if not is_office(request.user):
            raise PermissionDenied(_("Only the office issues briefings."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        briefing = call_service(
            services.issue_briefing,
            request.user,
            kind=serializer.validated_data["kind"],
            period=serializer.validated_data["period"],
            org_unit=serializer.validated_data["org_unit"],
        )
        return Response(self.get_serializer(briefing).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"], url_path="document", url_name="document")
    def document(self, request, pk=None):
        briefing = self.get_object()
        return FileResponse(
            briefing.document.open("rb"),
            as_attachment=True,
            filename=f"{briefing.number}.docx",
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )


router_registrations = [
    ("warnings", WarningViewSet, "warning"),
    ("briefings", BriefingViewSet, "briefing"),
]

urlpatterns_extra = [
    path("targets/", TargetListView.as_view(), name="targets"),
    path("kpis/", KpiListView.as_view(), name="kpis"),
    path("kpis/<slug:code>/series/", KpiSeriesView.as_view(), name="kpi-series"),
    path("kpis/<slug:code>/items/", KpiItemsView.as_view(), name="kpi-items"),
]
