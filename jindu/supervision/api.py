from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from jindu.api.base import ScopedReadOnlyViewSet, ScopedRelatedField
from jindu.api.filters import choice_param, date_param, int_param
from jindu.orgs.models import OrgUnit
from jindu.rectification.api import CreateViewSet, _call

from . import reporting, services
from .models import (
    MajorEvent,
    Meeting,
    MeetingDecision,
    Obligation,
    ObligationKind,
    ObligationStatus,
    ReportKind,
    ResponsibilityLetter,
    WorkReport,
)


class GenerateSerializer(serializers.Serializer):
    date = serializers.DateField()


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
    """Who owes what by when, and on which article it rests. `status` is the current one:
    an open obligation past its due date reads `overdue`."""

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

    @extend_schema(
        request=GenerateSerializer,
        responses=inline_serializer("GenerateResponse", {"created": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"])
    def generate(self, request):
        """Run the generator as of `date` (office only); idempotent, as the daily job."""
        if not request.user.is_office_admin:
            raise PermissionDenied()
        body = GenerateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        day = body.validated_data["date"]
        created = services.generate_obligations(request.user, day)
        services.mark_overdue(timezone.localdate())
        return Response({"created": created, "date": day})


class ReportSerializer(serializers.ModelSerializer):
    org_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    kind = serializers.ChoiceField(choices=ReportKind.choices, default=ReportKind.MONTHLY)
    data = serializers.DictField()

    class Meta:
        model = WorkReport
        fields = [
            "id",
            "kind",
            "org_unit",
            "period",
            "data",
            "status",
            "submitted_at",
            "submitted_late",
            "review_comment",
            "locked",
        ]
        read_only_fields = ["status", "submitted_at", "submitted_late", "review_comment", "locked"]

    def create(self, data):
        return _call(
            reporting.save_report,
            self.context["request"].user,
            kind=data["kind"],
            org_unit=data["org_unit"],
            period=data["period"],
            data=data["data"],
        )


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReportViewSet(CreateViewSet):
    """Monthly reports, annual summaries and action plans (Plan 五(二)). POST saves a draft;
    `submit` sends it; the office `accept`s (locks) or `return`s it with a comment."""

    queryset = WorkReport.objects.select_related("org_unit")
    serializer_class = ReportSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if (org_unit := int_param(self.request, "org_unit")) is not None:
            queryset = queryset.filter(org_unit_id=org_unit)
        if kind := choice_param(self.request, "kind", ReportKind.values):
            queryset = queryset.filter(kind=kind)
        if period := self.request.query_params.get("period"):
            queryset = queryset.filter(period=period)
        return queryset

    @extend_schema(request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = _visible_or_404(self)
        return Response(ReportSerializer(_call(reporting.submit_report, request.user, report)).data)

    @extend_schema(request=ReviewSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        report = _visible_or_404(self)
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(
            ReportSerializer(
                _call(
                    reporting.review_report,
                    request.user,
                    report,
                    accept=True,
                    comment=body.validated_data["comment"],
                )
            ).data
        )

    @extend_schema(request=ReviewSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        report = _visible_or_404(self)
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(
            ReportSerializer(
                _call(
                    reporting.review_report,
                    request.user,
                    report,
                    accept=False,
                    comment=body.validated_data["comment"],
                )
            ).data
        )


def _visible_or_404(view):
    from django.shortcuts import get_object_or_404

    return get_object_or_404(view.get_queryset(), pk=view.kwargs["pk"])


class MeetingDecisionSerializer(serializers.ModelSerializer):
    owner = ScopedRelatedField(queryset=OrgUnit.objects.all(), required=False, allow_null=True)

    class Meta:
        model = MeetingDecision
        fields = ["id", "text", "owner", "due_date", "obligation"]
        read_only_fields = ["obligation"]


class MeetingSerializer(serializers.ModelSerializer):
    attendees = ScopedRelatedField(queryset=OrgUnit.objects.all(), many=True, required=False)
    decisions = MeetingDecisionSerializer(many=True, required=False)

    class Meta:
        model = Meeting
        fields = ["id", "date", "title", "attendees", "minutes", "decisions"]

    def create(self, data):
        return _call(
            reporting.record_meeting,
            self.context["request"].user,
            date=data["date"],
            title=data.get("title", ""),
            minutes=data["minutes"],
            attendees=data.get("attendees", []),
            decisions=[
                (d["text"], d.get("owner"), d.get("due_date")) for d in data.get("decisions", [])
            ],
        )


class MeetingViewSet(CreateViewSet):
    """Quarterly committee meetings (Plan 四(四)); decisions with an owner and a due date
    become obligations."""

    queryset = Meeting.objects.prefetch_related("attendees", "decisions")
    serializer_class = MeetingSerializer


class LetterSerializer(serializers.ModelSerializer):
    upper_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    lower_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())

    class Meta:
        model = ResponsibilityLetter
        fields = ["id", "year", "upper_unit", "lower_unit", "signed_on"]

    def create(self, data):
        return _call(reporting.record_letter, self.context["request"].user, **data)


class LetterViewSet(CreateViewSet):
    """Signed responsibility letters (Plan 四(二), 五(一))."""

    queryset = ResponsibilityLetter.objects.select_related("upper_unit", "lower_unit")
    serializer_class = LetterSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if (year := int_param(self.request, "year")) is not None:
            queryset = queryset.filter(year=year)
        return queryset


class EventSerializer(serializers.ModelSerializer):
    org_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())

    class Meta:
        model = MajorEvent
        fields = ["id", "org_unit", "occurred_at", "title", "description", "reported_at"]

    def create(self, data):
        return _call(reporting.report_major_event, self.context["request"].user, **data)


class EventViewSet(CreateViewSet):
    """Major events reported at once (重大情况); office administrators are notified."""

    queryset = MajorEvent.objects.select_related("org_unit")
    serializer_class = EventSerializer
