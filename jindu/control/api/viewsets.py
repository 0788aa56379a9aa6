"""The control REST API (issue 6's contract). Thin: serializers call the services; every
queryset reads through the scoping layer; numbers are written in full and read masked.

``router_registrations`` and ``urlpatterns_extra`` are added to the API's router and URLs in
jindu/api/urls.py.
"""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from jindu.api.base import CreateViewSet, ScopedReadOnlyViewSet, call_service
from jindu.api.filters import FilterSetBackend, valid_query
from jindu.core.scoping import is_office
from jindu.core.views import get_scoped_or_404
from jindu.orgs.models import OrgUnit

from .. import selectors
from ..filters import (
    ContactLogFilter,
    ControlAssignmentFilter,
    ControlOrderFilter,
    FileAccessFilter,
    FollowUpFilter,
    KpiPeopleQuery,
    KpiQuery,
    LeaveRequestFilter,
    PersonFilter,
    RelapseReportFilter,
    ResidenceChangeFilter,
    RiskAssessmentFilter,
    SickDisabledFilter,
    StatusChangeFilter,
    UrineTestFilter,
)
from ..models import (
    ContactLog,
    ControlAssignment,
    ControlOrder,
    FileAccess,
    FollowUp,
    LeaveRequest,
    Person,
    RelapseReport,
    ResidenceChange,
    RiskAssessment,
    SickDisabled,
    StatusChange,
    UrineTest,
    works_on_control,
)
from ..services import followups, leave, moves, registry, relapse
from .serializers import (
    ContactLogSerializer,
    ControlAssignmentSerializer,
    ControlFollowUpCloseSerializer,
    ControlFollowUpSerializer,
    ControlOrderSerializer,
    FileAccessSerializer,
    FileOpenSerializer,
    KpiResponseSerializer,
    LeaveDecisionSerializer,
    LeaveExtendSerializer,
    LeaveRequestSerializer,
    LeaveReturnSerializer,
    MoveReportSerializer,
    MoveSerializer,
    PersonFileSerializer,
    PersonLookupSerializer,
    PersonSerializer,
    RelapseAcceptSerializer,
    RelapseCheckSerializer,
    RelapseCloseSerializer,
    RelapseReportSerializer,
    ResidenceChangeSerializer,
    RiskAssessmentSerializer,
    SickDisabledSerializer,
    StatusChangeSerializer,
    UrineTestSerializer,
)


class CreateUpdateViewSet(CreateViewSet, mixins.UpdateModelMixin):
    pass


def file_not_open(person_id) -> PermissionDenied:
    return PermissionDenied(
        _("Open the person's file first, giving the reason: POST /api/v1/persons/%(id)s/open/.")
        % {"id": person_id}
    )


class PersonFileRequired:
    """A person's sub-records are part of the file (戒毒条例第七条): reading them needs an
    opening with a reason (``FileAccess``) within its grant time. A list shows only the
    persons whose file the caller has open; ``?person=`` of a closed file answers 403. The
    integration accounts the office designates (``User.integration_purpose``) read without
    an opening, and each of their reads is logged with the stated purpose. Each list's
    ``filterset_class`` parses its query (``?person=`` and the list's own codes)."""

    filter_backends = [FilterSetBackend]

    def _integration(self) -> bool:
        return bool(getattr(self.request.user, "integration_purpose", ""))

    def _log_integration_read(self) -> None:
        from jindu.audit.models import AuditAction
        from jindu.audit.services import record

        record(
            self.request.user,
            AuditAction.READ,
            model_label=self.queryset.model._meta.label,
            object_id=str(self.kwargs.get("pk", "")),
            object_repr=self.request.user.integration_purpose[:200],
            changes={
                "purpose": self.request.user.integration_purpose,
                "query": {k: v[:100] for k, v in self.request.query_params.items()},
            },
        )

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.method not in ("GET", "HEAD") or self.action != "list":
            return queryset
        if self._integration():
            return queryset
        # The list's own FilterSet parses ?person= (400 naming it when it is not an id).
        person = valid_query(self.filterset_class, self.request).values().get("person")
        if person is not None and not registry.has_open_file(self.request.user, person):
            if Person.objects.restrict(self.request.user).filter(pk=person).exists():
                raise file_not_open(person)
        return queryset.filter(person_id__in=registry.open_person_ids(self.request.user))

    def get_object(self):
        obj = super().get_object()
        if self.request.method in ("GET", "HEAD") and not self._integration():
            if not registry.has_open_file(self.request.user, obj.person_id):
                raise file_not_open(obj.person_id)
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and self._integration()
        ):
            self._log_integration_read()
        return response


@extend_schema_view(
    create=extend_schema(
        description="Register a person. A duplicate identity number answers 409 with "
        "`existing`: the id of the record if you may see it, else null."
    ),
)
class PersonViewSet(CreateUpdateViewSet):
    """Persons under control. Identity and phone numbers are written in full and read masked;
    the full file (with numbers in full for the roles that need them) is opened with a reason
    through POST …/open/, and every opening is logged."""

    queryset = Person.objects.all()
    serializer_class = PersonSerializer
    # The page's filters and the API's are one FilterSet (control/filters.py).
    filter_backends = [FilterSetBackend]
    filterset_class = PersonFilter

    def get_queryset(self):
        if "id_number" in self.request.query_params:
            # A number in a URL ends up in every access log on the way (gunicorn, nginx).
            raise ValidationError(
                {
                    "id_number": [
                        _(
                            "Identity numbers are not accepted in a URL: look a number up with "
                            'POST /api/v1/persons/lookup/ {"id_number": …}.'
                        )
                    ]
                }
            )
        return super().get_queryset()

    @extend_schema(request=PersonLookupSerializer, responses=PersonSerializer(many=True))
    # The answer is a plain list of 0 or 1 (no pages), and the schema says so.
    @action(detail=False, methods=["post"], pagination_class=None)
    def lookup(self, request):
        """Exact lookup of an identity number, in the body so that no log holds it:
        `{"id_number"}` → the matching person within your area (a list of 0 or 1)."""
        body = PersonLookupSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        found = registry.find_by_id_number(request.user, body.validated_data["id_number"])
        people = [found] if found is not None else []
        return Response(self.get_serializer(people, many=True).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            person = serializer.save()
        except registry.DuplicatePerson as exc:
            return Response(
                {"detail": str(exc.message), "errors": exc.errors, "existing": exc.existing_id},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(self.get_serializer(person).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FileOpenSerializer, responses=PersonFileSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        """Open the full file, giving the reason (查询事由): `{"reason", "note"}`. Logged."""
        person = get_scoped_or_404(Person, request.user, pk)
        body = FileOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        opened = call_service(
            registry.open_file,
            request.user,
            person,
            reason=body.validated_data["reason"],
            note=body.validated_data["note"],
        )
        return Response(PersonFileSerializer(opened, context={"request": request}).data)

    @extend_schema(request=MoveSerializer, responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Record a move to another village or grid (条例第二十二条); the file follows."""
        person = self.get_object()
        body = MoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        call_service(registry.move_residence, request.user, person, **body.validated_data)
        person.refresh_from_db()
        return Response(PersonSerializer(person, context={"request": request}).data)


class RiskAssessmentViewSet(PersonFileRequired, CreateViewSet):
    """Risk assessments; a person's current level is the latest one's."""

    queryset = RiskAssessment.objects.all()
    serializer_class = RiskAssessmentSerializer
    filterset_class = RiskAssessmentFilter


@extend_schema_view(
    partial_update=extend_schema(
        description="Record the report or execution (`reported_date`, `executed_date`, "
        "`not_executed_reason`, `agreement_signed_date`, `working_group`), or the end "
        "(`end_date` with `end_kind`). What the law refuses answers 409 with its `basis`."
    ),
)
class ControlOrderViewSet(PersonFileRequired, CreateUpdateViewSet):
    """Community detox, community rehab and compulsory isolation orders."""

    queryset = ControlOrder.objects.all()
    serializer_class = ControlOrderSerializer
    filterset_class = ControlOrderFilter


class ControlAssignmentViewSet(PersonFileRequired, CreateUpdateViewSet):
    """Who is responsible for each person, from when to when (PATCH `end_date` to end)."""

    queryset = ControlAssignment.objects.all()
    serializer_class = ControlAssignmentSerializer
    filterset_class = ControlAssignmentFilter


class StatusChangeViewSet(PersonFileRequired, CreateViewSet):
    """The history of each person's status; a new row changes the current status."""

    queryset = StatusChange.objects.all()
    serializer_class = StatusChangeSerializer
    filterset_class = StatusChangeFilter


class SickDisabledViewSet(PersonFileRequired, CreateUpdateViewSet):
    """Sick and disabled persons (涉毒病残); PATCH `admitted_date` records the admission."""

    queryset = SickDisabled.objects.all()
    serializer_class = SickDisabledSerializer
    filterset_class = SickDisabledFilter


class UrineTestViewSet(PersonFileRequired, CreateViewSet):
    """Urine and hair tests. A positive, refused or missed test raises a follow-up."""

    queryset = UrineTest.objects.all()
    serializer_class = UrineTestSerializer
    filterset_class = UrineTestFilter


class RelapseReportViewSet(CreateViewSet):
    """Grid relapse reports: a grid worker submits (and sees only their own reports' status);
    the police station covering the township accepts, checks and closes them."""

    queryset = RelapseReport.objects.all()
    serializer_class = RelapseReportSerializer
    filter_backends = [FilterSetBackend]
    filterset_class = RelapseReportFilter

    def _respond(self, report):
        return Response(self.get_serializer(report).data)

    @extend_schema(request=RelapseAcceptSerializer, responses=RelapseReportSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the report (police station), optionally naming the person: `{"person"}`."""
        report = self.get_object()
        body = RelapseAcceptSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        return self._respond(
            call_service(
                relapse.accept_relapse_report,
                request.user,
                report,
                person=body.validated_data.get("person"),
            )
        )

    @extend_schema(request=RelapseCheckSerializer, responses=RelapseReportSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        """Record the check: `{"check_date", "result", "note", "person"}`."""
        report = self.get_object()
        body = RelapseCheckSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        return self._respond(
            call_service(relapse.check_relapse_report, request.user, report, **body.validated_data)
        )

    @extend_schema(request=RelapseCloseSerializer, responses=RelapseReportSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close with the outcome: `{"outcome": "confirmed" | "not_confirmed", "note"}`."""
        report = self.get_object()
        body = RelapseCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            call_service(relapse.close_relapse_report, request.user, report, **body.validated_data)
        )


# ---------------------------------------------------------------- leave and follow-ups


@extend_schema_view(
    create=extend_schema(
        description="Request leave from the county (条例第十九条). Three days or more need "
        "approval in advance (status `requested`); a shorter absence is recorded as approved."
    ),
)
class LeaveRequestViewSet(PersonFileRequired, CreateViewSet):
    """Leave from the county: request → approve or refuse → extend → return (销假); leave not
    returned from after its end becomes overdue and counts toward a serious breach
    (条例第二十条)."""

    queryset = LeaveRequest.objects.all()
    serializer_class = LeaveRequestSerializer
    filterset_class = LeaveRequestFilter

    def _respond(self, leave_request):
        return Response(self.get_serializer(leave_request).data)

    @extend_schema(request=LeaveDecisionSerializer, responses=LeaveRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a requested leave: `{"note"}`."""
        leave_request = self.get_object()
        body = LeaveDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            call_service(
                leave.decide_leave, request.user, leave_request, approve=True, **body.validated_data
            )
        )

    @extend_schema(request=LeaveDecisionSerializer, responses=LeaveRequestSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        """Refuse a requested leave, giving the reason: `{"note"}` (required)."""
        leave_request = self.get_object()
        body = LeaveDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            call_service(
                leave.decide_leave,
                request.user,
                leave_request,
                approve=False,
                **body.validated_data,
            )
        )

    @extend_schema(request=LeaveExtendSerializer, responses=LeaveRequestSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """Extend approved (or overdue) leave to a later end: `{"to_date", "note"}`."""
        leave_request = self.get_object()
        body = LeaveExtendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            call_service(leave.extend_leave, request.user, leave_request, **body.validated_data)
        )

    @extend_schema(request=LeaveReturnSerializer, responses=LeaveRequestSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Record the return (销假): `{"returned_date"}`. A late return counts as time away
        without approval."""
        leave_request = self.get_object()
        body = LeaveReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            call_service(leave.record_return, request.user, leave_request, **body.validated_data)
        )


class ContactLogViewSet(PersonFileRequired, CreateViewSet):
    """Visits and conversations of the responsible workers (帮教走访、谈话)."""

    queryset = ContactLog.objects.all()
    serializer_class = ContactLogSerializer
    filterset_class = ContactLogFilter


class ResidenceChangeViewSet(PersonFileRequired, ScopedReadOnlyViewSet):
    """Moves (变更执行地, 条例第二十二条). Recorded with `POST /persons/{id}/move/`; under a
    community order the person reports to the new place by `report_due`."""

    queryset = ResidenceChange.objects.all()
    serializer_class = ResidenceChangeSerializer
    filterset_class = ResidenceChangeFilter

    @extend_schema(request=MoveReportSerializer, responses=ResidenceChangeSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """Record the report at the new place: `{"reported_date"}`."""
        move = self.get_object()
        body = MoveReportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(
            self.get_serializer(
                call_service(moves.record_move_report, request.user, move, **body.validated_data)
            ).data
        )


class FollowUpViewSet(PersonFileRequired, ScopedReadOnlyViewSet):
    """What a rule asks the responsible worker to do (after a positive, refused or missed
    test, a serious breach, a late report, an expiry, three clean years), and proposals of
    escalation (禁毒法第三十八条) for a person to decide. Raised by the rules; closed here."""

    queryset = FollowUp.objects.all()
    serializer_class = ControlFollowUpSerializer
    filterset_class = FollowUpFilter

    @extend_schema(request=ControlFollowUpCloseSerializer, responses=ControlFollowUpSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Record what was done: `{"outcome", "dismiss"}` (`dismiss` rejects a proposal)."""
        follow_up = self.get_object()
        body = ControlFollowUpCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(
            self.get_serializer(
                call_service(
                    followups.close_follow_up, request.user, follow_up, **body.validated_data
                )
            ).data
        )


class FileAccessViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The log of every opening of a person's full file (who, when, which person, why).
    The county office administrator's alone; everyone else is answered 403."""

    queryset = FileAccess.objects.all()
    serializer_class = FileAccessSerializer
    filter_backends = [FilterSetBackend]
    filterset_class = FileAccessFilter

    def get_queryset(self):
        user = self.request.user
        if not is_office(user):
            raise PermissionDenied()
        return FileAccess.objects.restrict(user)


# ---------------------------------------------------------------- the five targets


def kpi_query(request, query_class=KpiQuery):
    """The unit (visible to the user, else 404) and period asked for, with defaults. The
    targets are the control roles' (grid workers and member units: 403, as on the page)."""
    if not works_on_control(request.user):
        raise PermissionDenied(
            _("The control targets are for the office, leaders, townships and police stations.")
        )
    query = valid_query(query_class, request)
    return query.period(), query


class ControlKpiView(APIView):
    """The five control targets of 方案一（三） for a unit's subtree and a period: numerator,
    denominator, value (%), target (%) and met. Definitions and targets are the policy
    file's; people behind each number: GET …/people/. Defaults: `org_unit` your own unit (a
    township's; the county for the office, leaders and police stations), `date_from`
    1 January of `date_to`'s year, `date_to` today."""

    # The parameters are the FilterSet's (``filters=True`` documents them).
    filter_backends = [FilterSetBackend]
    filterset_class = KpiQuery
    queryset = OrgUnit.objects.none()

    @extend_schema(filters=True, responses=KpiResponseSerializer)
    def get(self, request):
        period, _query = kpi_query(request)
        indicators = selectors.control_kpis(
            request.user, period.unit, period.date_from, period.date_to
        )
        return Response(
            KpiResponseSerializer(
                {
                    "org_unit": period.unit.pk,
                    "date_from": period.date_from,
                    "date_to": period.date_to,
                    "indicators": indicators,
                }
            ).data
        )


class ControlKpiPeopleView(ListAPIView):
    """The persons behind one target's numerator, denominator or gap (masked, scoped):
    `code` the target (required), `which` the part (default: the denominator); the unit and
    period as GET /api/v1/kpis/control/ takes them."""

    serializer_class = PersonSerializer
    queryset = Person.objects.all()
    filter_backends = [FilterSetBackend]
    filterset_class = KpiPeopleQuery

    def get_queryset(self):
        period, query = kpi_query(self.request, KpiPeopleQuery)
        code, which = query.target()
        return selectors.kpi_people(
            self.request.user, period.unit, period.date_from, period.date_to, code, which
        ).order_by("name", "id")


router_registrations = [
    ("persons", PersonViewSet, "person"),
    ("risk-assessments", RiskAssessmentViewSet, "risk-assessment"),
    ("control-orders", ControlOrderViewSet, "control-order"),
    ("control-assignments", ControlAssignmentViewSet, "control-assignment"),
    ("status-changes", StatusChangeViewSet, "status-change"),
    ("sick-disabled", SickDisabledViewSet, "sick-disabled"),
    ("urine-tests", UrineTestViewSet, "urine-test"),
    ("relapse-reports", RelapseReportViewSet, "relapse-report"),
    ("leave-requests", LeaveRequestViewSet, "leave-request"),
    ("follow-ups", FollowUpViewSet, "follow-up"),
    ("contacts", ContactLogViewSet, "contact"),
    ("residence-changes", ResidenceChangeViewSet, "residence-change"),
    ("file-access-log", FileAccessViewSet, "file-access"),
]

urlpatterns_extra = [
    path("kpis/control/", ControlKpiView.as_view(), name="kpis-control"),
    path("kpis/control/people/", ControlKpiPeopleView.as_view(), name="kpis-control-people"),
]
