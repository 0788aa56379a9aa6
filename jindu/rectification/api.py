from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from jindu.api.base import CreateViewSet, ScopedRelatedField, ScopedViewSetMixin, call_service
from jindu.api.filters import FilterSetBackend
from jindu.orgs.models import OrgUnit

from . import services
from .filters import (
    ApplicationFilter,
    AssessmentFilter,
    DecisionFilter,
    DesignationFilter,
    EvaluationFilter,
)
from .models import (
    Application,
    ApplicationKind,
    ApplicationSource,
    Assessment,
    Decision,
    DecisionKind,
    Designation,
    DesignationSource,
    Evaluation,
)


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


class DesignationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Listings (挂牌整治). They change only through decisions (POST /api/v1/decisions/)."""

    queryset = Designation.objects.select_related("org_unit")
    serializer_class = DesignationSerializer
    # The board's filters and the API's are one FilterSet (rectification/filters.py).
    filter_backends = [FilterSetBackend]
    filterset_class = DesignationFilter


class AssessmentSerializer(serializers.ModelSerializer):
    designation = ScopedRelatedField(queryset=Designation.objects.all())
    conditions = serializers.DictField(child=serializers.BooleanField())
    evidence = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="Evidence per condition code (text); a condition marked met needs some.",
    )
    points_met = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField(min_value=0)),
        required=False,
        help_text="Per condition code, the indexes of its sub-points (art. 14) found met.",
    )
    missing = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "designation",
            "date",
            "conditions",
            "evidence",
            "points_met",
            "all_met",
            "missing",
            "notes",
        ]
        read_only_fields = ["all_met"]

    def get_missing(self, obj) -> list[str]:
        return [code for code, met in obj.conditions.items() if not met]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        findings = list(instance.findings.all())
        data["evidence"] = {f.condition: f.findings for f in findings}
        data["points_met"] = {f.condition: f.points_met for f in findings}
        return data

    def create(self, validated_data):
        points = validated_data.get("points_met", {})
        return call_service(
            services.record_assessment,
            self.context["request"].user,
            designation=validated_data["designation"],
            date=validated_data["date"],
            conditions=validated_data["conditions"],
            notes=validated_data.get("notes", ""),
            evidence=validated_data.get("evidence", {}),
            findings={code: {"points_met": indexes} for code, indexes in points.items()},
        )


class AssessmentViewSet(CreateViewSet):
    """Assessments of the six conditions of art. 14 (all must be met to lower or lift)."""

    queryset = Assessment.objects.select_related("designation").prefetch_related("findings")
    serializer_class = AssessmentSerializer
    filter_backends = [FilterSetBackend]
    filterset_class = AssessmentFilter


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
    notes = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The stated reason; an `extend` needs the special circumstances (art. 13).",
    )
    number_exception = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Office only: why the number's year differs from the decision's year.",
    )
    document = serializers.SerializerMethodField()

    def get_document(self, obj) -> str | None:
        """The URL of the decision's document as issued."""
        from rest_framework.reverse import reverse

        from jindu.documents.services import issued_for

        pk = getattr(obj, "document_id", None)
        if pk is None and not hasattr(obj, "document_id"):
            document = issued_for("decision", obj)
            pk = document.pk if document else None
        if pk is None:
            return None
        return reverse("api:document-file", kwargs={"pk": pk}, request=self.context.get("request"))

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
            "number_exception",
            "basis",
            "result",
            "document",
            "decided_by",
            "created_at",
        ]
        read_only_fields = ["basis", "decided_by", "created_at"]

    def create(self, data):
        return call_service(
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
            number_exception=data.get("number_exception", ""),
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

    # Each decision carries the id of its issued document (the selector annotates it).
    filter_backends = [FilterSetBackend]
    filterset_class = DecisionFilter

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
        return call_service(
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
    # The applications page's filters and the API's are one FilterSet.
    filter_backends = [FilterSetBackend]
    filterset_class = ApplicationFilter


class EvaluationSerializer(serializers.ModelSerializer):
    org_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    member_units = ScopedRelatedField(queryset=OrgUnit.objects.all(), many=True, required=False)
    methods = serializers.ListField(child=serializers.CharField())
    recorded = serializers.DictField(child=serializers.FloatField(min_value=0))
    conditions = serializers.DictField(
        child=serializers.BooleanField(), required=False, write_only=True
    )
    evidence = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, write_only=True
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
            "evidence",
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
        return call_service(
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
            condition_findings={
                code: {"text": text} for code, text in data.get("evidence", {}).items()
            },
            baseline=data.get("baseline"),
        )


class EvaluationViewSet(CreateViewSet):
    """Yearly evaluations (art. 5, 19), scored from the policy's scoresheet."""

    queryset = Evaluation.objects.select_related("org_unit").prefetch_related("member_units")
    serializer_class = EvaluationSerializer
    filter_backends = [FilterSetBackend]
    filterset_class = EvaluationFilter
