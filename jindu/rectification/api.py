from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from jindu.api.base import ScopedRelatedField, ScopedViewSetMixin, refused_to_validation
from jindu.api.filters import choice_param, int_param
from jindu.core.errors import Refused
from jindu.orgs.models import OrgUnit
from jindu.policy.registry import current_policy

from . import services
from .models import (
    Application,
    ApplicationKind,
    ApplicationSource,
    Assessment,
    Decision,
    DecisionKind,
    Designation,
    DesignationSource,
    DesignationStatus,
    Evaluation,
)


def _call(fn, *args, **kwargs):
    """Run a service; validation refusals become 400 field errors, others keep their status."""
    try:
        return fn(*args, **kwargs)
    except Refused as exc:
        if exc.status == 400:
            raise refused_to_validation(exc) from exc
        raise


class CreateViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    pass


class DesignationSerializer(serializers.ModelSerializer):
    start_date = serializers.DateField(source="listed_date", read_only=True)
    level_name = serializers.CharField(read_only=True)
    days_left = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Designation
        fields = [
            "id",
            "org_unit",
            "level",
            "level_name",
            "categories",
            "start_date",
            "period_start",
            "due_date",
            "days_left",
            "status",
            "extensions_used",
            "continuations",
            "source",
            "lifted_date",
            "policy_id",
        ]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("org_unit", OpenApiTypes.INT),
            OpenApiParameter("status", OpenApiTypes.STR, enum=DesignationStatus.values),
            OpenApiParameter("level", OpenApiTypes.STR),
        ]
    )
)
class DesignationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Listings (挂牌整治). They change only through decisions (POST /api/v1/decisions/)."""

    queryset = Designation.objects.select_related("org_unit")
    serializer_class = DesignationSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if (org_unit := int_param(self.request, "org_unit")) is not None:
            queryset = queryset.filter(org_unit_id=org_unit)
        if status_ := choice_param(self.request, "status", DesignationStatus.values):
            queryset = queryset.filter(status=status_)
        if level := choice_param(
            self.request, "level", [lv.code for lv in current_policy().levels]
        ):
            queryset = queryset.filter(level=level)
        return queryset


class AssessmentSerializer(serializers.ModelSerializer):
    designation = ScopedRelatedField(queryset=Designation.objects.all())
    conditions = serializers.DictField(child=serializers.BooleanField())
    missing = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = ["id", "designation", "date", "conditions", "all_met", "missing", "notes"]
        read_only_fields = ["all_met"]

    def get_missing(self, obj) -> list[str]:
        return [code for code, met in obj.conditions.items() if not met]

    def create(self, validated_data):
        return _call(
            services.record_assessment,
            self.context["request"].user,
            designation=validated_data["designation"],
            date=validated_data["date"],
            conditions=validated_data["conditions"],
            notes=validated_data.get("notes", ""),
        )


class AssessmentViewSet(CreateViewSet):
    """Assessments of the six conditions of art. 14 (all must be met to lower or lift)."""

    queryset = Assessment.objects.select_related("designation")
    serializer_class = AssessmentSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if (designation := int_param(self.request, "designation")) is not None:
            queryset = queryset.filter(designation_id=designation)
        return queryset


class DecisionSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    designation = ScopedRelatedField(
        queryset=Designation.objects.all(), required=False, allow_null=True
    )
    org_unit = ScopedRelatedField(queryset=OrgUnit.objects.all(), required=False, write_only=True)
    level = serializers.CharField(required=False, allow_blank=True, write_only=True)
    categories = serializers.ListField(
        child=serializers.CharField(), required=False, write_only=True
    )
    source = serializers.ChoiceField(
        choices=DesignationSource.choices, required=False, write_only=True
    )
    assessment = ScopedRelatedField(
        queryset=Assessment.objects.all(), required=False, allow_null=True
    )
    application = ScopedRelatedField(
        queryset=Application.objects.all(), required=False, allow_null=True
    )
    result = DesignationSerializer(source="designation", read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "kind",
            "date",
            "decision_no",
            "designation",
            "org_unit",
            "level",
            "categories",
            "source",
            "assessment",
            "application",
            "notes",
            "basis",
            "result",
            "decided_by",
            "created_at",
        ]
        read_only_fields = ["basis", "decided_by", "created_at"]

    def create(self, data):
        return _call(
            services.record_decision,
            self.context["request"].user,
            kind=data["kind"],
            date=data["date"],
            decision_no=data["decision_no"],
            designation=data.get("designation"),
            org_unit=data.get("org_unit"),
            level=data.get("level", ""),
            categories=data.get("categories", []),
            source=data.get("source", ""),
            assessment=data.get("assessment"),
            application=data.get("application"),
            notes=data.get("notes", ""),
        )


@extend_schema_view(
    create=extend_schema(
        description="Record a decision. `list` needs `org_unit`, `level`, `categories`, `source`; "
        "the others need `designation`; `lower` and `lift` also `assessment`. A decision "
        'the policy does not allow answers 409 `{"detail", "basis"}` and changes '
        "nothing.",
    )
)
class DecisionViewSet(CreateViewSet):
    """The committee's decisions: the append-only history of every listing."""

    queryset = Decision.objects.select_related("designation")
    serializer_class = DecisionSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if (designation := int_param(self.request, "designation")) is not None:
            queryset = queryset.filter(designation_id=designation)
        return queryset

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = serializer.save()
        return Response(self.get_serializer(decision).data, status=status.HTTP_201_CREATED)


class ApplicationSerializer(serializers.ModelSerializer):
    org_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    kind = serializers.ChoiceField(choices=ApplicationKind.choices)
    source = serializers.ChoiceField(choices=ApplicationSource.choices, required=False)
    categories = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        model = Application
        fields = [
            "id",
            "org_unit",
            "applicant_unit",
            "year",
            "kind",
            "source",
            "designation",
            "level",
            "categories",
            "reasons",
            "status",
            "submitted_at",
        ]
        read_only_fields = ["applicant_unit", "designation", "status", "submitted_at"]

    def create(self, data):
        return _call(
            services.submit_application,
            self.context["request"].user,
            org_unit=data["org_unit"],
            kind=data["kind"],
            year=data["year"],
            reasons=data["reasons"],
            level=data.get("level", ""),
            categories=data.get("categories", []),
            source=data.get("source", ApplicationSource.APPLICATION),
        )


class ApplicationViewSet(CreateViewSet):
    """Applications (art. 15, 18), office proposals (art. 16), village proposals (art. 17)."""

    queryset = Application.objects.select_related("org_unit")
    serializer_class = ApplicationSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if (org_unit := int_param(self.request, "org_unit")) is not None:
            queryset = queryset.filter(org_unit_id=org_unit)
        if (year := int_param(self.request, "year")) is not None:
            queryset = queryset.filter(year=year)
        return queryset


class EvaluationSerializer(serializers.ModelSerializer):
    org_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    member_units = ScopedRelatedField(queryset=OrgUnit.objects.all(), many=True, required=False)
    methods = serializers.ListField(child=serializers.CharField())
    recorded = serializers.DictField(child=serializers.FloatField(min_value=0))
    conditions = serializers.DictField(
        child=serializers.BooleanField(), required=False, write_only=True
    )

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "org_unit",
            "year",
            "date",
            "designation",
            "methods",
            "member_units",
            "recorded",
            "objective_score",
            "subjective_score",
            "total_score",
            "grade",
            "vetoed_by",
            "satisfaction_respondents",
            "findings",
            "recommendation",
            "conditions",
            "assessment",
            "baseline",
        ]
        read_only_fields = [
            "designation",
            "objective_score",
            "subjective_score",
            "total_score",
            "grade",
            "vetoed_by",
            "assessment",
        ]

    def create(self, data):
        return _call(
            services.record_evaluation,
            self.context["request"].user,
            org_unit=data["org_unit"],
            year=data["year"],
            date=data["date"],
            methods=data["methods"],
            member_units=data.get("member_units", []),
            recorded=data["recorded"],
            recommendation=data["recommendation"],
            findings=data.get("findings", ""),
            satisfaction_respondents=data.get("satisfaction_respondents", 0),
            conditions=data.get("conditions"),
            baseline=data.get("baseline"),
        )


class EvaluationViewSet(CreateViewSet):
    """Yearly evaluations (art. 5, 19), scored from the policy's scoresheet."""

    queryset = Evaluation.objects.select_related("org_unit").prefetch_related("member_units")
    serializer_class = EvaluationSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if (org_unit := int_param(self.request, "org_unit")) is not None:
            queryset = queryset.filter(org_unit_id=org_unit)
        if (year := int_param(self.request, "year")) is not None:
            queryset = queryset.filter(year=year)
        return queryset
