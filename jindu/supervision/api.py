from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from jindu.api.base import ScopedReadOnlyViewSet
from jindu.api.filters import choice_param, date_param, int_param

from .models import Obligation, ObligationKind, ObligationStatus


class ObligationSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()

    class Meta:
        model = Obligation
        fields = [
            "id",
            "kind",
            "org_unit",
            "subject_unit",
            "period",
            "due_date",
            "due_date_known",
            "status",
            "basis",
            "fulfilled_at",
            "waived_reason",
        ]

    def get_status(self, obj) -> str:
        return ObligationStatus.OVERDUE if obj.is_overdue else obj.status


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("org_unit", OpenApiTypes.INT),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=ObligationKind.values),
            OpenApiParameter("status", OpenApiTypes.STR, enum=ObligationStatus.values),
            OpenApiParameter("due_before", OpenApiTypes.DATE),
            OpenApiParameter("due_after", OpenApiTypes.DATE),
        ]
    )
)
class ObligationViewSet(ScopedReadOnlyViewSet):
    """Who owes what by when, and on which article it rests."""

    queryset = Obligation.objects.all()
    serializer_class = ObligationSerializer

    def get_queryset(self):
        queryset = super().get_queryset().with_current_status()
        if (org_unit := int_param(self.request, "org_unit")) is not None:
            queryset = queryset.filter(org_unit_id=org_unit)
        if kind := choice_param(self.request, "kind", ObligationKind.values):
            queryset = queryset.filter(kind=kind)
        if status_ := choice_param(self.request, "status", ObligationStatus.values):
            queryset = queryset.filter(effective_status=status_)
        if due_before := date_param(self.request, "due_before"):
            queryset = queryset.filter(due_date__lt=due_before)
        if due_after := date_param(self.request, "due_after"):
            queryset = queryset.filter(due_date__gt=due_after)
        return queryset
