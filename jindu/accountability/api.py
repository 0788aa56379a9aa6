from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from jindu.api.base import ScopedRelatedField, ScopedViewSetMixin
from jindu.api.filters import choice_param, date_param, int_param
from jindu.core.views import get_scoped_or_404
from jindu.orgs.models import OrgUnit, Position
from jindu.rectification.api import CreateViewSet, _call
from jindu.rectification.models import Designation

from . import services
from .models import (
    AccountabilityAction,
    ActionKind,
    ActionStatus,
    AnnualAssessment,
    AssistanceAssignment,
    FollowUpItem,
    Inspection,
)


class ActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccountabilityAction
        fields = [
            "id",
            "kind",
            "trigger",
            "org_unit",
            "position",
            "designation",
            "status",
            "basis",
            "reason",
            "effective_from",
            "effective_to",
            "decided_on",
            "decision_no",
            "decision_reason",
            "created_at",
        ]


class DecideSerializer(serializers.Serializer):
    reason = serializers.CharField()
    decision_no = serializers.CharField(required=False, allow_blank=True, default="")
    date = serializers.DateField(required=False)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("designation", OpenApiTypes.INT),
            OpenApiParameter("org_unit", OpenApiTypes.INT),
            OpenApiParameter("status", OpenApiTypes.STR, enum=ActionStatus.values),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=ActionKind.values),
        ]
    )
)
class ActionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Accountability measures (art. 29–32): proposed by the rules, decided by people."""

    queryset = AccountabilityAction.objects.select_related("org_unit", "position")
    serializer_class = ActionSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if (designation := int_param(self.request, "designation")) is not None:
            queryset = queryset.filter(designation_id=designation)
        if (org_unit := int_param(self.request, "org_unit")) is not None:
            queryset = queryset.filter(org_unit_id=org_unit)
        if status := choice_param(self.request, "status", ActionStatus.values):
            queryset = queryset.filter(status=status)
        if kind := choice_param(self.request, "kind", ActionKind.values):
            queryset = queryset.filter(kind=kind)
        return queryset

    def _decide(self, request, confirm: bool):
        item = self.get_object()
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = _call(
            services.decide_action,
            request.user,
            item,
            confirm=confirm,
            reason=body.validated_data["reason"],
            decision_no=body.validated_data["decision_no"],
            decided_on=body.validated_data.get("date"),
        )
        return Response(ActionSerializer(decided).data)

    @extend_schema(request=DecideSerializer, responses=ActionSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Confirm a proposal: `{"reason", "decision_no"}` (office administrators)."""
        return self._decide(request, True)

    @extend_schema(request=DecideSerializer, responses=ActionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject a proposal: `{"reason"}` (office administrators)."""
        return self._decide(request, False)


EligibilityResponse = inline_serializer(
    "Eligibility",
    {
        "award": serializers.BooleanField(),
        "promotion": serializers.BooleanField(),
        "reasons": serializers.ListField(
            child=inline_serializer(
                "EligibilityReason",
                {
                    "text": serializers.CharField(),
                    "basis": serializers.ListField(child=serializers.CharField()),
                },
            )
        ),
    },
)


class EligibilityView(APIView):
    """May a person (position) or a unit be awarded / promoted on a date? Every reason cites
    its article (art. 30, 31)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("position", OpenApiTypes.INT),
            OpenApiParameter("org_unit", OpenApiTypes.INT),
            OpenApiParameter("date", OpenApiTypes.DATE),
        ],
        responses=EligibilityResponse,
    )
    def get(self, request):
        on = date_param(request, "date") or timezone.localdate()
        position_id = int_param(request, "position")
        unit_id = int_param(request, "org_unit")
        if (position_id is None) == (unit_id is None):
            raise ValidationError({"position": [_("Give either position or org_unit.")]})
        if position_id is not None:
            position = get_scoped_or_404(Position, request.user, position_id)
            answer = services.eligibility_of_position(position, on)
        else:
            unit = get_scoped_or_404(OrgUnit, request.user, unit_id)
            answer = services.eligibility_of_unit(unit, on)
        return Response(
            {
                "award": answer.award,
                "promotion": answer.promotion,
                "reasons": [{"text": text, "basis": list(basis)} for text, basis in answer.reasons],
            }
        )


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUpItem
        fields = ["id", "text", "due_date", "done_on", "result"]
        read_only_fields = ["done_on", "result"]


class InspectionSerializer(serializers.ModelSerializer):
    designation = ScopedRelatedField(queryset=Designation.objects.all())
    member_units = ScopedRelatedField(queryset=OrgUnit.objects.all(), many=True, required=False)
    follow_ups = FollowUpSerializer(many=True, required=False)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "designation",
            "date",
            "inspectors",
            "member_units",
            "findings",
            "follow_ups",
        ]

    def create(self, data):
        return _call(
            services.record_inspection,
            self.context["request"].user,
            designation=data["designation"],
            date=data["date"],
            inspectors=data["inspectors"],
            findings=data["findings"],
            member_units=data.get("member_units", []),
            follow_ups=[(f["text"], f.get("due_date")) for f in data.get("follow_ups", [])],
        )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("designation", OpenApiTypes.INT),
            OpenApiParameter("year", OpenApiTypes.INT),
        ]
    )
)
class InspectionViewSet(CreateViewSet):
    """The office's inspections of listed areas (art. 21: at least once a year)."""

    queryset = Inspection.objects.prefetch_related("member_units", "follow_ups")
    serializer_class = InspectionSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if (designation := int_param(self.request, "designation")) is not None:
            queryset = queryset.filter(designation_id=designation)
        if (year := int_param(self.request, "year")) is not None:
            queryset = queryset.filter(date__year=year)
        return queryset


class AssignmentSerializer(serializers.ModelSerializer):
    designation = ScopedRelatedField(queryset=Designation.objects.all())
    member_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    org_unit = serializers.IntegerField(source="designation.org_unit_id", read_only=True)

    class Meta:
        model = AssistanceAssignment
        fields = [
            "id",
            "designation",
            "org_unit",
            "member_unit",
            "role",
            "start_date",
            "end_date",
            "notes",
        ]

    def create(self, data):
        return _call(services.assign_assistance, self.context["request"].user, **data)


class AssignmentViewSet(CreateViewSet):
    """Member units assigned to listed townships (分工负责、对口帮扶、包干督导, art. 21)."""

    queryset = AssistanceAssignment.objects.select_related("designation")
    serializer_class = AssignmentSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if (designation := int_param(self.request, "designation")) is not None:
            queryset = queryset.filter(designation_id=designation)
        if (member_unit := int_param(self.request, "member_unit")) is not None:
            queryset = queryset.filter(member_unit_id=member_unit)
        return queryset


class AnnualAssessmentSerializer(serializers.ModelSerializer):
    org_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())

    class Meta:
        model = AnnualAssessment
        fields = ["id", "org_unit", "year", "result", "score", "notes"]

    def create(self, data):
        return _call(services.record_annual_assessment, self.context["request"].user, **data)


class AnnualAssessmentViewSet(CreateViewSet):
    """Annual assessment results (art. 32); a failed one raises an accountability proposal."""

    queryset = AnnualAssessment.objects.select_related("org_unit")
    serializer_class = AnnualAssessmentSerializer
