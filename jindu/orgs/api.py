from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from jindu.api.base import ScopedReadOnlyViewSet, ScopedRelatedField, ScopedViewSetMixin
from jindu.api.filters import bool_param, choice_param, date_param, int_param
from jindu.core.errors import Refused

from . import services
from .models import GEOGRAPHIC_LEVELS, OrgUnit, Position, PositionRole, UnitKind


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "level", "kind", "parent", "is_active"]


class StationSerializer(OrgUnitSerializer):
    covers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(OrgUnitSerializer.Meta):
        fields = [*OrgUnitSerializer.Meta.fields, "covers"]


def _search(queryset, request):
    q = request.query_params.get("q", "").strip()
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(code__startswith=q))
    return queryset


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("level", OpenApiTypes.STR, enum=[str(v) for v in GEOGRAPHIC_LEVELS]),
            OpenApiParameter("kind", OpenApiTypes.STR),
            OpenApiParameter("parent", OpenApiTypes.INT),
            OpenApiParameter("q", OpenApiTypes.STR, description="name or code prefix"),
        ]
    )
)
class OrgUnitViewSet(ScopedReadOnlyViewSet):
    """The geographic tree (county, township/park, village/community, grid) in your scope."""

    queryset = OrgUnit.objects.geographic()
    serializer_class = OrgUnitSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        level = choice_param(self.request, "level", [str(v) for v in GEOGRAPHIC_LEVELS])
        if level:
            queryset = queryset.filter(level=level)
        kind = choice_param(self.request, "kind", UnitKind.values)
        if kind:
            queryset = queryset.filter(kind=kind)
        parent = int_param(self.request, "parent")
        if parent is not None:
            queryset = queryset.filter(parent_id=parent)
        return _search(queryset, self.request)


class MemberUnitViewSet(ScopedReadOnlyViewSet):
    """Member units of the committee (成员单位) in your scope."""

    queryset = OrgUnit.objects.member_units()
    serializer_class = OrgUnitSerializer

    def get_queryset(self):
        return _search(super().get_queryset(), self.request)


class StationViewSet(ScopedReadOnlyViewSet):
    """Police stations and judicial offices, with the townships each covers."""

    queryset = OrgUnit.objects.stations().prefetch_related("covers")
    serializer_class = StationSerializer

    def get_queryset(self):
        return _search(super().get_queryset(), self.request)


class PositionSerializer(serializers.ModelSerializer):
    org_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    role = serializers.ChoiceField(choices=PositionRole.choices)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Position
        fields = [
            "id",
            "org_unit",
            "role",
            "title",
            "holder_name",
            "start_date",
            "end_date",
            "notes",
            "is_current",
        ]

    def create(self, validated_data):
        try:
            return services.appoint(self.context["request"].user, **validated_data)
        except Refused as exc:
            raise _as_validation(exc) from exc

    def update(self, instance, validated_data):
        validated_data.pop("org_unit", None)
        validated_data.pop("role", None)
        try:
            return services.update_position(
                self.context["request"].user, instance, **validated_data
            )
        except Refused as exc:
            raise _as_validation(exc) from exc


def _as_validation(exc: Refused):
    from jindu.api.base import refused_to_validation

    if exc.status != 400:
        return exc
    return refused_to_validation(exc)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("org_unit", OpenApiTypes.INT),
            OpenApiParameter("role", OpenApiTypes.STR, enum=PositionRole.values),
            OpenApiParameter(
                "current", OpenApiTypes.BOOL, description="only tenures current on `date`"
            ),
            OpenApiParameter("date", OpenApiTypes.DATE, description="defaults to today"),
        ]
    )
)
class PositionViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Leadership positions (第一责任人, 直接责任人 …) with tenure; history is kept.

    Creating a position for a role that has an open tenure ends that tenure the day before.
    """

    queryset = Position.objects.select_related("org_unit")
    serializer_class = PositionSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        org_unit = int_param(self.request, "org_unit")
        if org_unit is not None:
            queryset = queryset.filter(org_unit_id=org_unit)
        role = choice_param(self.request, "role", PositionRole.values)
        if role:
            queryset = queryset.filter(role=role)
        if bool_param(self.request, "current"):
            queryset = queryset.current(date_param(self.request, "date"))
        return queryset
