from django.utils import timezone
from drf_spectacular.utils import (
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from jindu.api.base import CreateViewSet, ScopedRelatedField, ScopedViewSetMixin, call_service
from jindu.api.filters import FilterSetBackend, valid_query
from jindu.core.views import get_scoped_or_404
from jindu.orgs.models import OrgUnit, Position
from jindu.rectification.models import Designation

from . import services
from .filters import ActionFilter, AssignmentFilter, EligibilityQuery, InspectionFilter
from .models import (
    AccountabilityAction,
    AnnualAssessment,
    AssistanceAssignment,
    CityListing,
    FollowUpItem,
    Inspection,
)


class ActionSerializer(serializers.ModelSerializer):
    actions = serializers.SerializerMethodField(
        help_text="The named actions the caller may take on this measure now "
        "(view, decide, notice)."
    )

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
            "actions",
        ]

    def get_actions(self, measure) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        return list(services.measure_actions(request.user, measure, known_visible=True))


class DecideSerializer(serializers.Serializer):
    reason = serializers.CharField()
    decision_no = serializers.CharField(required=False, allow_blank=True, default="")
    date = serializers.DateField(required=False)


class ActionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Accountability measures (art. 29–32): proposed by the rules, decided by people."""

    queryset = AccountabilityAction.objects.select_related("org_unit", "position")
    serializer_class = ActionSerializer

    # The measures page's filters and the API's are one FilterSet (accountability/filters.py).
    filter_backends = [FilterSetBackend]
    filterset_class = ActionFilter

    def _decide(self, request, confirm: bool):
        item = self.get_object()
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = call_service(
            services.decide_action,
            request.user,
            item,
            confirm=confirm,
            reason=body.validated_data["reason"],
            decision_no=body.validated_data["decision_no"],
            decided_on=body.validated_data.get("date"),
        )
        return Response(ActionSerializer(decided, context={"request": request}).data)

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

    filter_backends = [FilterSetBackend]
    filterset_class = EligibilityQuery
    queryset = OrgUnit.objects.none()  # the schema's FilterSet model; never read

    @extend_schema(filters=True, responses=EligibilityResponse)
    def get(self, request):
        query = valid_query(EligibilityQuery, request).values()
        on = query.get("date") or timezone.localdate()
        position_id, unit_id = query.get("position"), query.get("org_unit")
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
        return call_service(
            services.record_inspection,
            self.context["request"].user,
            designation=data["designation"],
            date=data["date"],
            inspectors=data["inspectors"],
            findings=data["findings"],
            member_units=data.get("member_units", []),
            follow_ups=[(f["text"], f.get("due_date")) for f in data.get("follow_ups", [])],
        )


class InspectionViewSet(CreateViewSet):
    """The office's inspections of listed areas (art. 21: at least once a year)."""

    queryset = Inspection.objects.prefetch_related("member_units", "follow_ups")
    serializer_class = InspectionSerializer

    filter_backends = [FilterSetBackend]
    filterset_class = InspectionFilter


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
        return call_service(services.assign_assistance, self.context["request"].user, **data)


class AssignmentViewSet(CreateViewSet):
    """Member units assigned to listed townships (分工负责、对口帮扶、包干督导, art. 21)."""

    queryset = AssistanceAssignment.objects.select_related("designation")
    serializer_class = AssignmentSerializer

    filter_backends = [FilterSetBackend]
    filterset_class = AssignmentFilter


class AnnualAssessmentSerializer(serializers.ModelSerializer):
    org_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())

    class Meta:
        model = AnnualAssessment
        fields = ["id", "org_unit", "year", "result", "score", "notes"]

    def create(self, data):
        return call_service(services.record_annual_assessment, self.context["request"].user, **data)


class AnnualAssessmentViewSet(CreateViewSet):
    """Annual assessment results (art. 32); a failed one raises an accountability proposal."""

    queryset = AnnualAssessment.objects.select_related("org_unit")
    serializer_class = AnnualAssessmentSerializer


class CityListingSerializer(serializers.ModelSerializer):
    org_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    level_name = serializers.CharField(read_only=True)

    class Meta:
        model = CityListing
        fields = [
            "id",
            "org_unit",
            "level",
            "level_name",
            "document_no",
            "date",
            "end_date",
            "notes",
            "policy_id",
        ]
        read_only_fields = ["end_date", "policy_id"]

    def create(self, data):
        return call_service(
            services.record_city_listing,
            self.context["request"].user,
            org_unit=data["org_unit"],
            level=data["level"],
            document_no=data["document_no"],
            date=data["date"],
            notes=data.get("notes", ""),
        )


class EndSerializer(serializers.Serializer):
    end_date = serializers.DateField()


class CityListingViewSet(CreateViewSet):
    """The city committee's listings of townships (市禁毒委 重点整治、重点督办、重点关注),
    recorded by the office from the city's documents. A 市重点整治 brings the measures of art. 30;
    重点督办 and 重点整治 bring the township duties of art. 24–27."""

    queryset = CityListing.objects.select_related("org_unit")
    serializer_class = CityListingSerializer

    @extend_schema(request=EndSerializer, responses=CityListingSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """The city ended its listing on `end_date` (office administrators)."""
        item = self.get_object()
        body = EndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ended = call_service(
            services.end_city_listing,
            request.user,
            item,
            end_date=body.validated_data["end_date"],
        )
        return Response(CityListingSerializer(ended).data)
