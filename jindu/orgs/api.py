from rest_framework import mixins, serializers, viewsets

from jindu.api.base import ScopedReadOnlyViewSet, ScopedRelatedField, ScopedViewSetMixin
from jindu.api.filters import FilterSetBackend
from jindu.core.errors import Refused

from . import services
from .filters import MemberUnitFilter, PositionFilter, StationFilter, UnitFilter
from .models import OrgUnit, Position, PositionRole


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "level", "kind", "parent", "is_active"]


class StationSerializer(OrgUnitSerializer):
    covers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(OrgUnitSerializer.Meta):
        fields = [*OrgUnitSerializer.Meta.fields, "covers"]


class OrgUnitViewSet(ScopedReadOnlyViewSet):
    """The geographic tree (county, township/park, village/community, grid) in your scope."""

    queryset = OrgUnit.objects.geographic()
    serializer_class = OrgUnitSerializer
    # The unit lists' filters and the API's are one FilterSet (orgs/filters.py).
    filter_backends = [FilterSetBackend]
    filterset_class = UnitFilter


class MemberUnitViewSet(ScopedReadOnlyViewSet):
    """Member units of the committee (成员单位) in your scope."""

    queryset = OrgUnit.objects.member_units()
    serializer_class = OrgUnitSerializer
    filter_backends = [FilterSetBackend]
    filterset_class = MemberUnitFilter


class StationViewSet(ScopedReadOnlyViewSet):
    """Police stations and judicial offices, with the townships each covers."""

    queryset = OrgUnit.objects.stations().prefetch_related("covers")
    serializer_class = StationSerializer
    filter_backends = [FilterSetBackend]
    filterset_class = StationFilter


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

    filter_backends = [FilterSetBackend]
    filterset_class = PositionFilter
