"""The precursor REST API (issue 13's contract). Thin: serializers parse, services act,
selectors read through the scoping layer.

``router_registrations`` and ``urlpatterns_extra`` are added to the API's router and URLs in
jindu/api/urls.py.
"""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from jindu.api.base import CreateViewSet, ScopedReadOnlyViewSet, ScopedViewSetMixin, call_service
from jindu.api.filters import FilterSetBackend
from jindu.core.scoping import VIEW, is_office

from . import run, selectors, services
from .filters import (
    ChemicalFilter,
    EnterpriseFilter,
    FlagFilter,
    InspectionFilter,
    KpiEnterpriseFilter,
    KpiFilter,
    LedgerFilter,
    LicenceFilter,
    ReconciliationFilter,
)
from .models import (
    AnnualReport,
    Chemical,
    ChemicalInspection,
    ChemicalLicence,
    Enterprise,
    Flag,
    InspectionRound,
    LedgerEntry,
    Source,
)
from .serializers import (
    ChemicalInspectionSerializer,
    ChemicalSerializer,
    EnterpriseSerializer,
    InspectionRoundSerializer,
    LedgerEntrySerializer,
    LicenceSerializer,
    PrecursorAnnualReportSerializer,
    PrecursorFlagCloseSerializer,
    PrecursorFlagSerializer,
    PrecursorKpiResponseSerializer,
    PrecursorRunResultSerializer,
    PrecursorRunSerializer,
    ReconciliationSerializer,
)


class ChemicalViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The catalogue: read by everyone who works in the system, written by the office."""

    serializer_class = ChemicalSerializer
    queryset = Chemical.objects.all()
    http_method_names = ["get", "post", "patch", "head", "options"]

    filter_backends = [FilterSetBackend]
    filterset_class = ChemicalFilter

    def get_queryset(self):
        return Chemical.objects.restrict(self.request.user, VIEW)

    def _office(self):
        if not is_office(self.request.user):
            raise PermissionDenied(_("Only the county office may change the catalogue."))

    def perform_create(self, serializer):
        self._office()
        serializer.instance = call_service(
            services.save_chemical, self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        self._office()
        serializer.instance = call_service(
            services.save_chemical,
            self.request.user,
            serializer.instance,
            **serializer.validated_data,
        )


class EnterpriseViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = EnterpriseSerializer
    queryset = Enterprise.objects.select_related("org_unit", "station")
    http_method_names = ["get", "post", "patch", "head", "options"]

    # The enterprise list page and this list share one FilterSet (filters.py).
    filter_backends = [FilterSetBackend]
    filterset_class = EnterpriseFilter

    def perform_create(self, serializer):
        serializer.instance = call_service(
            services.register_enterprise, self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = call_service(
            services.update_enterprise,
            self.request.user,
            serializer.instance,
            **serializer.validated_data,
        )


class LicenceViewSet(CreateViewSet):
    serializer_class = LicenceSerializer
    queryset = ChemicalLicence.objects.select_related("enterprise").prefetch_related("chemicals")

    filter_backends = [FilterSetBackend]
    filterset_class = LicenceFilter

    def perform_create(self, serializer):
        serializer.instance = call_service(
            services.record_licence, self.request.user, **serializer.validated_data
        )


class LedgerEntryViewSet(CreateViewSet):
    serializer_class = LedgerEntrySerializer
    queryset = LedgerEntry.objects.select_related("chemical").prefetch_related("flags")

    filter_backends = [FilterSetBackend]
    filterset_class = LedgerFilter

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        enterprise = data.pop("enterprise")
        counterparty = data.get("counterparty")
        if counterparty is not None and not Enterprise.objects.filter(pk=counterparty.pk).exists():
            raise ValidationError({"counterparty": [_("Unknown enterprise.")]})
        serializer.instance = call_service(
            services.record_entry, self.request.user, enterprise, source=Source.API, **data
        )


class FlagViewSet(ScopedReadOnlyViewSet):
    """Flags: ``?enterprise=&status=&rule=``; ``POST …/{id}/close/`` with an outcome and a
    note; ``POST …/run/`` with ``date_from``, ``date_to`` runs the period rules (office)."""

    serializer_class = PrecursorFlagSerializer
    queryset = Flag.objects.select_related("enterprise", "chemical")

    # The flag list page and this list share one FilterSet (filters.py).
    filter_backends = [FilterSetBackend]
    filterset_class = FlagFilter

    @extend_schema(request=PrecursorFlagCloseSerializer, responses=PrecursorFlagSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        flag = self.get_object()
        if not services.may_manage(request.user, flag.enterprise):
            raise PermissionDenied()
        data = PrecursorFlagCloseSerializer(data=request.data, user=request.user)
        data.is_valid(raise_exception=True)
        flag = call_service(services.close_flag, request.user, flag, **data.validated_data)
        return Response(PrecursorFlagSerializer(flag).data)

    @extend_schema(request=PrecursorRunSerializer, responses=PrecursorRunResultSerializer)
    @action(detail=False, methods=["post"])
    def run(self, request):
        if not is_office(request.user):
            raise PermissionDenied(_("Only the county office runs the flags."))
        data = PrecursorRunSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        date_from, date_to = data.validated_data["date_from"], data.validated_data["date_to"]
        if date_from > date_to:
            raise ValidationError({"date_from": [_("The period starts after it ends.")]})
        result = call_service(run.run_period, request.user, date_from, date_to)
        return Response(
            {"reconciled": result.reconciled, "flags": result.flags}, status=status.HTTP_200_OK
        )


class InspectionViewSet(CreateViewSet):
    serializer_class = ChemicalInspectionSerializer
    queryset = ChemicalInspection.objects.select_related("enterprise")

    filter_backends = [FilterSetBackend]
    filterset_class = InspectionFilter

    def perform_create(self, serializer):
        serializer.instance = call_service(
            services.record_inspection, self.request.user, **serializer.validated_data
        )


class InspectionRoundViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Inspection rounds (the census 全面摸底): each must reach every enterprise registered
    by its end; `reached` / `total` count the enterprises in your scope. The office opens a
    round; `GET …/{id}/missing/` lists the enterprises not reached yet."""

    serializer_class = InspectionRoundSerializer
    queryset = InspectionRound.objects.all()

    def get_queryset(self):
        return InspectionRound.objects.restrict(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = call_service(
            services.create_round, self.request.user, **serializer.validated_data
        )

    @extend_schema(responses=EnterpriseSerializer(many=True))
    @action(detail=True, methods=["get"])
    def missing(self, request, pk=None):
        round_ = self.get_object()
        rows = selectors.round_missing(request.user, round_)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(
            EnterpriseSerializer(page, many=True, context={"request": request}).data
        )


class AnnualReportViewSet(CreateViewSet):
    serializer_class = PrecursorAnnualReportSerializer
    queryset = AnnualReport.objects.select_related("enterprise")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = call_service(
            services.record_annual_report, self.request.user, data.pop("enterprise"), **data
        )


class ReconciliationView(APIView):
    """opening + in − out = expected closing, against the last count in the period."""

    queryset = Enterprise.objects.all()
    filter_backends = [FilterSetBackend]
    filterset_class = ReconciliationFilter

    @extend_schema(filters=True, responses=ReconciliationSerializer)
    def get(self, request):
        query = ReconciliationFilter(request.query_params, self.queryset, request=request)
        enterprise, chemical, date_from, date_to, balance = call_service(query.balance)
        return Response(balance_json(enterprise, chemical, date_from, date_to, balance))


def balance_json(enterprise, chemical, date_from, date_to, balance) -> dict:
    return ReconciliationSerializer(
        {
            "enterprise": enterprise.pk,
            "chemical": chemical.code,
            "date_from": date_from,
            "date_to": date_to,
            "opening": balance.opening,
            "in": balance.qty_in,
            "out": balance.qty_out,
            "expected_closing": balance.expected_closing,
            "counted": balance.counted,
            "counted_on": balance.counted_on,
            "difference": balance.difference,
            "reconciled": balance.reconciled,
            "basis": list(balance.basis),
        }
    ).data


def kpi_period(request) -> selectors.Period:
    query = KpiFilter(request.query_params, Enterprise.objects.all(), request=request)
    return call_service(query.period)


class PrecursorKpiView(APIView):
    """The four indicators of 方案一（五） for a unit and a period, in the control targets'
    shape; the enterprises behind each: GET …/enterprises/?code=&which=."""

    queryset = Enterprise.objects.all()
    filter_backends = [FilterSetBackend]
    filterset_class = KpiFilter

    @extend_schema(filters=True, responses=PrecursorKpiResponseSerializer)
    def get(self, request):
        period = kpi_period(request)
        indicators = selectors.precursor_kpis(
            request.user, period.unit, period.date_from, period.date_to
        )
        by_unit = selectors.precursor_kpis_by_township(
            request.user, period.unit, period.date_from, period.date_to
        )
        return Response(
            PrecursorKpiResponseSerializer(
                {
                    "org_unit": period.unit.pk,
                    "date_from": period.date_from,
                    "date_to": period.date_to,
                    "indicators": indicators,
                    "by_unit": by_unit,
                }
            ).data
        )


class PrecursorKpiEnterprisesView(ListAPIView):
    serializer_class = EnterpriseSerializer
    queryset = Enterprise.objects.all()

    filter_backends = [FilterSetBackend]
    filterset_class = KpiEnterpriseFilter


router_registrations = [
    ("chemicals", ChemicalViewSet, "chemical"),
    ("enterprises", EnterpriseViewSet, "enterprise"),
    ("chemical-licences", LicenceViewSet, "chemical-licence"),
    ("ledger-entries", LedgerEntryViewSet, "ledger-entry"),
    ("precursor-flags", FlagViewSet, "precursor-flag"),
    ("chemical-inspections", InspectionViewSet, "chemical-inspection"),
    ("inspection-rounds", InspectionRoundViewSet, "inspection-round"),
    ("precursor-annual-reports", AnnualReportViewSet, "precursor-annual-report"),
]

urlpatterns_extra = [
    path("reconciliation/", ReconciliationView.as_view(), name="reconciliation"),
    path("kpis/precursors/", PrecursorKpiView.as_view(), name="kpis-precursors"),
    path(
        "kpis/precursors/enterprises/",
        PrecursorKpiEnterprisesView.as_view(),
        name="kpis-precursors-enterprises",
    ),
]
