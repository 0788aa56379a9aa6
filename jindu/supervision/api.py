from django.utils import timezone
from drf_spectacular.utils import (
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from jindu.api.base import CreateViewSet, ScopedReadOnlyViewSet, ScopedRelatedField, call_service
from jindu.api.filters import FilterSetBackend
from jindu.core.filters import MAX_ID
from jindu.core.scoping import is_office
from jindu.orgs.models import OrgUnit

from . import reporting, services
from .filters import LetterFilter, ObligationFilter, ReportFilter
from .models import (
    MajorEvent,
    Meeting,
    MeetingDecision,
    Obligation,
    ObligationStatus,
    ReportKind,
    ResponsibilityLetter,
    WorkReport,
)


class GenerateSerializer(serializers.Serializer):
    date = serializers.DateField()


class OffSystemSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), allow_empty=False
    )
    note = serializers.CharField()


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
            "off_system_note",
        ]

    def get_status(self, obj) -> str:
        return ObligationStatus.OVERDUE if obj.is_overdue else obj.status


class ObligationViewSet(ScopedReadOnlyViewSet):
    """Who owes what by when, and on which article it rests. `status` is the current one:
    an open obligation past its due date reads `overdue`."""

    queryset = Obligation.objects.all()
    serializer_class = ObligationSerializer
    # The board's filters and the API's are one FilterSet (supervision/filters.py).
    filter_backends = [FilterSetBackend]
    filterset_class = ObligationFilter  # its selector adds the current status

    @extend_schema(
        request=OffSystemSerializer,
        responses=inline_serializer("OffSystemResponse", {"updated": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="fulfil-off-system")
    def fulfil_off_system(self, request):
        """Mark obligations (`ids`) fulfilled outside the system with a `note` (office only),
        e.g. the duties of a decision entered for a past date."""
        body = OffSystemSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        visible = self.get_queryset().filter(pk__in=body.validated_data["ids"])
        updated = call_service(
            services.fulfil_off_system,
            request.user,
            list(visible),
            note=body.validated_data["note"],
        )
        return Response({"updated": updated})

    @extend_schema(
        request=GenerateSerializer,
        responses=inline_serializer("GenerateResponse", {"created": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"])
    def generate(self, request):
        """Run the generator as of `date` (office only); idempotent, as the daily job."""
        if not is_office(request.user):
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
    actions = serializers.SerializerMethodField(
        help_text="The named actions the caller may take on this report now "
        "(change, submit, review, unlock)."
    )

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
            "actions",
        ]
        read_only_fields = ["status", "submitted_at", "submitted_late", "review_comment", "locked"]
        # The service says which period is taken, in words (one report per unit and period).
        validators = []

    def get_actions(self, report) -> list[str]:
        request = self.context.get("request")
        return list(reporting.report_actions(request.user, report)) if request else []

    def create(self, data):
        return call_service(
            reporting.save_report,
            self.context["request"].user,
            kind=data["kind"],
            org_unit=data["org_unit"],
            period=data["period"],
            data=data["data"],
            new=True,
        )


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReportViewSet(mixins.DestroyModelMixin, CreateViewSet):
    """Monthly reports, annual summaries and action plans (Plan 五(二)). POST saves a draft
    (`period`: `YYYY-MM` for a monthly report, `YYYY` for a summary, a campaign code for an
    action plan; a malformed, impossible, future or duplicate period answers 400); `submit`
    sends it; the office `accept`s (locks) or `return`s it with a comment. DELETE removes a
    draft (its author only)."""

    def destroy(self, request, *args, **kwargs):
        report = _visible_or_404(self)
        call_service(reporting.delete_draft, request.user, report)
        return Response(status=204)

    queryset = WorkReport.objects.select_related("org_unit")
    serializer_class = ReportSerializer
    # The reports page's filters and the API's are one FilterSet (supervision/filters.py).
    filter_backends = [FilterSetBackend]
    filterset_class = ReportFilter

    @extend_schema(request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = _visible_or_404(self)
        return Response(
            ReportSerializer(call_service(reporting.submit_report, request.user, report)).data
        )

    @extend_schema(request=ReviewSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        report = _visible_or_404(self)
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(
            ReportSerializer(
                call_service(
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
                call_service(
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
        return call_service(
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
        return call_service(reporting.record_letter, self.context["request"].user, **data)


class LetterViewSet(CreateViewSet):
    """Signed responsibility letters (Plan 四(二), 五(一))."""

    queryset = ResponsibilityLetter.objects.select_related("upper_unit", "lower_unit")
    serializer_class = LetterSerializer
    filter_backends = [FilterSetBackend]
    filterset_class = LetterFilter


class EventSerializer(serializers.ModelSerializer):
    org_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())

    class Meta:
        model = MajorEvent
        fields = ["id", "org_unit", "occurred_at", "title", "description", "reported_at"]

    def create(self, data):
        return call_service(reporting.report_major_event, self.context["request"].user, **data)


class EventViewSet(CreateViewSet):
    """Major events reported at once (重大情况); office administrators are notified."""

    queryset = MajorEvent.objects.select_related("org_unit")
    serializer_class = EventSerializer
