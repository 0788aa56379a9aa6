"""The enforcement REST API (issue 12's contract). Thin: serializers call the services; every
queryset reads through the scoping layer (``restrict``), figures through the selectors.

``router_registrations`` and ``urlpatterns_extra`` are added in jindu/api/urls.py.
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from jindu.api.base import CreateViewSet, call_service
from jindu.api.filters import FilterSetBackend, valid_query
from jindu.orgs.models import OrgUnit

from . import selectors, services
from .access import enforcement_scope, works_on_enforcement
from .filters import (
    CaseFilter,
    DenFilter,
    GangFilter,
    InspectionFilter,
    KpiQuery,
    OutboundTraffickerFilter,
    OutboundWorkFilter,
    PatrolFilter,
    PlantingFindingFilter,
    ProductionIncidentFilter,
    SanctionFilter,
    SeizureFilter,
    StatsQuery,
    SuspectFilter,
    TipFilter,
    VenueFilter,
)
from .models import (
    Case,
    Den,
    EradicationPatrol,
    Gang,
    IdentityAccess,
    OutboundTrafficker,
    OutboundWork,
    PlantingFinding,
    ProductionIncident,
    Seizure,
    Suspect,
    Tip,
    Venue,
    VenueInspection,
    VenueSanction,
)
from .serializers import (
    AssignSerializer,
    CaseSerializer,
    DateSerializer,
    DenSerializer,
    EnforcementKpiResponseSerializer,
    GangSerializer,
    IdentityAccessSerializer,
    OutboundTraffickerSerializer,
    OutboundWorkSerializer,
    PatrolSerializer,
    PlantingFindingSerializer,
    ProductionIncidentSerializer,
    RevealSerializer,
    RewardSerializer,
    SanctionSerializer,
    SeizureSerializer,
    StatsResponseSerializer,
    SuspectSerializer,
    TipReporterSerializer,
    TipSerializer,
    VenueInspectionSerializer,
    VenueSerializer,
    VerifySerializer,
)


class CreateUpdateViewSet(CreateViewSet, mixins.UpdateModelMixin):
    http_method_names = ["get", "post", "patch", "head", "options"]


class Filtered:
    """The list's parameters are its FilterSet's (``filters.py``)."""

    filter_backends = [FilterSetBackend]


class CaseViewSet(CreateUpdateViewSet):
    """Drug cases, criminal (刑法第三百四十七至三百五十七条) and administrative."""

    queryset = Case.objects.all()
    serializer_class = CaseSerializer

    # The case list page, its Excel export and this list share one FilterSet (filters.py).
    filter_backends = [FilterSetBackend]
    filterset_class = CaseFilter

    def get_queryset(self):
        return super().get_queryset().select_related("org_unit").order_by("-filed_date", "-id")


class SuspectViewSet(Filtered, CreateViewSet):
    queryset = Suspect.objects.all()
    serializer_class = SuspectSerializer
    filterset_class = SuspectFilter

    def get_queryset(self):
        return super().get_queryset().order_by("case_id", "id")

    @extend_schema(request=RevealSerializer, responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """The full identity number, for the police and the office, with the reason (logged)."""
        suspect = self.get_object_for_view()
        data = RevealSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        number = call_service(
            services.reveal_id_number, request.user, suspect, reason=data.validated_data["reason"]
        )
        return Response({"id": suspect.pk, "id_number": number})

    def get_object_for_view(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


class SeizureViewSet(Filtered, CreateViewSet):
    queryset = Seizure.objects.all()
    serializer_class = SeizureSerializer
    filterset_class = SeizureFilter

    def get_queryset(self):
        return super().get_queryset().order_by("case_id", "id")


class GangViewSet(Filtered, CreateViewSet):
    queryset = Gang.objects.all()
    serializer_class = GangSerializer
    filterset_class = GangFilter

    def get_queryset(self):
        return super().get_queryset().prefetch_related("members").order_by("id")


class DenViewSet(Filtered, CreateViewSet):
    queryset = Den.objects.all()
    serializer_class = DenSerializer
    filterset_class = DenFilter

    def get_queryset(self):
        return super().get_queryset().order_by("id")


class OutboundTraffickerViewSet(Filtered, CreateViewSet):
    """外流贩毒: people of the county's 户籍 caught trafficking outside the county."""

    queryset = OutboundTrafficker.objects.all()
    serializer_class = OutboundTraffickerSerializer
    filterset_class = OutboundTraffickerFilter

    def get_queryset(self):
        return super().get_queryset().order_by("-arrest_date", "-id")

    @extend_schema(request=RevealSerializer, responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        trafficker = get_object_or_404(self.get_queryset(), pk=pk)
        data = RevealSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        number = call_service(
            services.reveal_id_number,
            request.user,
            trafficker,
            reason=data.validated_data["reason"],
        )
        return Response({"id": trafficker.pk, "id_number": number})


class OutboundWorkViewSet(Filtered, CreateViewSet):
    queryset = OutboundWork.objects.all()
    serializer_class = OutboundWorkSerializer
    filterset_class = OutboundWorkFilter

    def get_queryset(self):
        return super().get_queryset().order_by("-date", "-id")


class PatrolViewSet(Filtered, CreateViewSet):
    queryset = EradicationPatrol.objects.all()
    serializer_class = PatrolSerializer
    filterset_class = PatrolFilter

    def get_queryset(self):
        return super().get_queryset().order_by("-date", "-id")


class PlantingFindingViewSet(Filtered, CreateViewSet):
    queryset = PlantingFinding.objects.all()
    serializer_class = PlantingFindingSerializer
    filterset_class = PlantingFindingFilter

    def get_queryset(self):
        return super().get_queryset().order_by("-date", "-id")


class ProductionIncidentViewSet(Filtered, CreateViewSet):
    queryset = ProductionIncident.objects.all()
    serializer_class = ProductionIncidentSerializer
    filterset_class = ProductionIncidentFilter

    def get_queryset(self):
        return super().get_queryset().order_by("-date", "-id")


class VenueViewSet(Filtered, CreateUpdateViewSet):
    """Hotels and entertainment venues; ``grade`` is computed from the inspections."""

    queryset = Venue.objects.all()
    serializer_class = VenueSerializer
    filterset_class = VenueFilter

    def get_queryset(self):
        return super().get_queryset().order_by("name", "id")


class InspectionViewSet(Filtered, CreateViewSet):
    queryset = VenueInspection.objects.all()
    serializer_class = VenueInspectionSerializer
    filterset_class = InspectionFilter

    def get_queryset(self):
        return super().get_queryset().order_by("-date", "-id")


class SanctionViewSet(Filtered, CreateViewSet):
    queryset = VenueSanction.objects.all()
    serializer_class = SanctionSerializer
    filterset_class = SanctionFilter

    def get_queryset(self):
        return super().get_queryset().order_by("-date", "-id")

    @extend_schema(request=DateSerializer, responses=SanctionSerializer)
    @action(detail=True, methods=["post"])
    def rectified(self, request, pk=None):
        sanction = self.get_object()
        data = DateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sanction = call_service(
            services.record_rectified, request.user, sanction, date=data.validated_data["date"]
        )
        return Response(SanctionSerializer(sanction, context={"request": request}).data)


class TipViewSet(Filtered, CreateViewSet):
    """Tips (举报). The reporter's identity is the office's alone: ``GET /tips/{id}/`` shows it
    to the office, and each showing is logged with ``?reason=`` (default: the tip's page)."""

    queryset = Tip.objects.all()
    serializer_class = TipSerializer
    filterset_class = TipFilter

    def get_queryset(self):
        return super().get_queryset().order_by("-received_date", "-id")

    def retrieve(self, request, *args, **kwargs):
        tip = self.get_object()
        if tip.has_reporter and enforcement_scope(request.user).may("reveal_reporter", Tip):
            reason = request.query_params.get("reason") or _("Tip page (API)")
            reporter = services.reveal_reporter(request.user, tip, reason=reason)
            return Response(
                TipReporterSerializer(tip, context={"request": request, "reporter": reporter}).data
            )
        return Response(self.get_serializer(tip).data)

    def _respond(self, tip):
        return Response(TipSerializer(tip, context={"request": self.request}).data)

    @extend_schema(request=AssignSerializer, responses=TipSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        tip = self.get_object()
        data = AssignSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        return self._respond(
            call_service(services.assign_tip, request.user, tip, **data.validated_data)
        )

    @extend_schema(request=VerifySerializer, responses=TipSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        tip = self.get_object()
        data = VerifySerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        return self._respond(
            call_service(services.verify_tip, request.user, tip, **data.validated_data)
        )

    @extend_schema(request=RewardSerializer, responses=TipSerializer)
    @action(detail=True, methods=["post"])
    def reward(self, request, pk=None):
        tip = self.get_object()
        data = RewardSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(
            call_service(services.reward_tip, request.user, tip, **data.validated_data)
        )

    @extend_schema(request=DateSerializer, responses=TipSerializer)
    @action(detail=True, methods=["post"])
    def notified(self, request, pk=None):
        tip = self.get_object()
        data = DateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(
            call_service(
                services.record_reporter_notified, request.user, tip, **data.validated_data
            )
        )

    @extend_schema(request=DateSerializer, responses=TipSerializer)
    @action(detail=True, methods=["post"])
    def claimed(self, request, pk=None):
        tip = self.get_object()
        data = DateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(
            call_service(services.record_reward_claimed, request.user, tip, **data.validated_data)
        )


class IdentityAccessViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Who saw a full identity number or a tip reporter, when and why (the office)."""

    queryset = IdentityAccess.objects.all()
    serializer_class = IdentityAccessSerializer

    def get_queryset(self):
        return IdentityAccess.objects.restrict(self.request.user).select_related("user")


def _query(request, query_class):
    if not works_on_enforcement(request.user):
        raise PermissionDenied(
            _("The enforcement figures are for the office, leaders, the police and townships.")
        )
    return valid_query(query_class, request)


def _unit(query) -> OrgUnit:
    unit = query.unit()
    if unit is None:
        raise ValidationError({"org_unit": [_("Choose the unit.")]})
    return unit


def stats_period(request) -> selectors.Period:
    query = _query(request, StatsQuery)
    return selectors.Period(_unit(query), *query.dates())


class _Query:
    """The endpoint's parameters come from its FilterSet (``filters=True`` documents them)."""

    filter_backends = [FilterSetBackend]
    queryset = OrgUnit.objects.none()


class StatsView(_Query, APIView):
    """战果统计 for a unit's subtree and period, each figure beside the same period of the year
    before (``previous``) with the change in per cent; ``by_unit``: per township."""

    filterset_class = StatsQuery

    @extend_schema(filters=True, responses=StatsResponseSerializer)
    def get(self, request):
        period = stats_period(request)
        stats = selectors.results_stats(request.user, period)
        previous = period.previous
        return Response(
            {
                "org_unit": period.unit.pk,
                "date_from": period.date_from,
                "date_to": period.date_to,
                "previous_from": previous[0],
                "previous_to": previous[1],
                "rows": [row.as_dict() for row in stats.rows],
                "by_unit": stats.by_unit,
            }
        )


def indicator_dict(indicator) -> dict:
    return {
        "code": indicator.code,
        "name": indicator.name,
        "numerator": indicator.numerator,
        "denominator": indicator.denominator,
        "value": indicator.value,
        "target": indicator.target,
        "met": indicator.met,
        "is_target": indicator.is_target,
        "own": indicator.own,
        "article": indicator.article,
        "definition": indicator.definition,
    }


class EnforcementKpiView(_Query, APIView):
    """The targets of 方案一（二）（四） for a unit's subtree and a year."""

    filterset_class = KpiQuery

    @extend_schema(filters=True, responses=EnforcementKpiResponseSerializer)
    def get(self, request):
        query = _query(request, KpiQuery)
        unit = _unit(query)
        year = query.chosen_year()
        indicators = selectors.enforcement_kpis(request.user, unit, year)
        return Response(
            {
                "org_unit": unit.pk,
                "year": year,
                "indicators": [indicator_dict(i) for i in indicators],
            }
        )


router_registrations = [
    ("cases", CaseViewSet, "case"),
    ("case-suspects", SuspectViewSet, "case-suspect"),
    ("seizures", SeizureViewSet, "seizure"),
    ("case-gangs", GangViewSet, "case-gang"),
    ("case-dens", DenViewSet, "case-den"),
    ("outbound-traffickers", OutboundTraffickerViewSet, "outbound-trafficker"),
    ("outbound-work", OutboundWorkViewSet, "outbound-work"),
    ("eradication-patrols", PatrolViewSet, "eradication-patrol"),
    ("planting-findings", PlantingFindingViewSet, "planting-finding"),
    ("production-incidents", ProductionIncidentViewSet, "production-incident"),
    ("venues", VenueViewSet, "venue"),
    ("venue-inspections", InspectionViewSet, "venue-inspection"),
    ("venue-sanctions", SanctionViewSet, "venue-sanction"),
    ("tips", TipViewSet, "tip"),
    ("identity-access-log", IdentityAccessViewSet, "identity-access"),
]

urlpatterns_extra = [
    path("enforcement/stats/", StatsView.as_view(), name="enforcement-stats"),
    path("kpis/enforcement/", EnforcementKpiView.as_view(), name="kpis-enforcement"),
]

__all__ = ["router_registrations", "urlpatterns_extra"]
