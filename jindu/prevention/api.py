"""Prevention REST API (the issue's contract: paths, fields and codes are stable)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from jindu.api.base import CreateViewSet
from jindu.api.filters import FilterSetBackend, date_param, int_param
from jindu.core.roles import Role
from jindu.core.scoping import scope_for
from jindu.core.views import get_scoped_or_404
from jindu.orgs.models import OrgUnit

from . import selectors
from .access import may_see_prevention
from .filters import ActivityFilter, FixtureFilter, LessonFilter, SchoolClassFilter, SchoolFilter
from .models import (
    Activity,
    Fixture,
    Lesson,
    Liaison,
    Population,
    School,
    SchoolClass,
    SchoolRecord,
    Survey,
    SurveyResponse,
)
from .serializers import (
    ActivitySerializer,
    ClassHoursSerializer,
    FixtureSerializer,
    LessonSerializer,
    LiaisonSerializer,
    PopulationSerializer,
    PreventionKpiSerializer,
    SchoolClassSerializer,
    SchoolRecordSerializer,
    SchoolSerializer,
    SurveyResponseSerializer,
    SurveyResultSerializer,
    SurveySerializer,
)


class ActivityViewSet(CreateViewSet):
    """Publicity and education activities. ``?org_unit=``, ``?kind=``, ``?date_from=``,
    ``?date_to=``."""

    queryset = Activity.objects.select_related("org_unit", "organiser")
    serializer_class = ActivitySerializer
    filter_backends = [FilterSetBackend]
    filterset_class = ActivityFilter


class FixtureViewSet(CreateViewSet):
    queryset = Fixture.objects.all()
    serializer_class = FixtureSerializer
    filter_backends = [FilterSetBackend]
    filterset_class = FixtureFilter


class LiaisonViewSet(CreateViewSet):
    queryset = Liaison.objects.all()
    serializer_class = LiaisonSerializer


class PopulationViewSet(CreateViewSet):
    """Population figures per unit and year, with their source (entered by the office)."""

    queryset = Population.objects.all()
    serializer_class = PopulationSerializer


class SchoolViewSet(CreateViewSet):
    queryset = School.objects.all()
    serializer_class = SchoolSerializer
    filter_backends = [FilterSetBackend]
    filterset_class = SchoolFilter


class SchoolClassViewSet(CreateViewSet):
    """``?school=``, ``?school_year=``."""

    queryset = SchoolClass.objects.all()
    serializer_class = SchoolClassSerializer
    filter_backends = [FilterSetBackend]
    filterset_class = SchoolClassFilter


class LessonViewSet(CreateViewSet):
    queryset = Lesson.objects.all()
    serializer_class = LessonSerializer
    filter_backends = [FilterSetBackend]
    filterset_class = LessonFilter


class SchoolRecordViewSet(CreateViewSet):
    queryset = SchoolRecord.objects.all()
    serializer_class = SchoolRecordSerializer


@extend_schema(
    parameters=[
        OpenApiParameter("school", OpenApiTypes.INT),
        OpenApiParameter("school_year", OpenApiTypes.STR, description="e.g. 2019-2020"),
        OpenApiParameter("org_unit", OpenApiTypes.INT),
    ]
)
class ClassHoursView(ListAPIView):
    """Each class with ``required`` hours (0 where the rule does not apply), ``recorded`` and
    ``met`` (方案四（三）三是)."""

    serializer_class = ClassHoursSerializer
    queryset = SchoolClass.objects.none()

    def get_queryset(self):
        request = self.request
        school = None
        if (school_id := int_param(request, "school")) is not None:
            school = get_scoped_or_404(School, request.user, school_id)
        unit = None
        if (unit_id := int_param(request, "org_unit")) is not None:
            unit = get_scoped_or_404(OrgUnit, request.user, unit_id)
        return selectors.class_hours(
            request.user,
            school=school,
            school_year=request.query_params.get("school_year", "").strip(),
            unit=unit,
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            ClassHoursSerializer(selectors.class_hours_rows(page), many=True).data
        )


class SurveyViewSet(CreateViewSet):
    """Satisfaction surveys (第五条); each has a public answer link per township."""

    queryset = Survey.objects.all()
    serializer_class = SurveySerializer

    @extend_schema(
        parameters=[OpenApiParameter("org_unit", OpenApiTypes.INT)],
        responses=SurveyResultSerializer,
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        survey = self.get_object()
        unit = None
        if (unit_id := int_param(request, "org_unit")) is not None:
            unit = get_scoped_or_404(OrgUnit, request.user, unit_id)
        return Response(
            SurveyResultSerializer(selectors.survey_results(request.user, survey, unit)).data
        )


class SurveyResponseViewSet(CreateViewSet):
    """Paper and telephone answers entered by staff (online answers come from the public page
    and are not listed by who sent them: there is no such field)."""

    queryset = SurveyResponse.objects.all()
    serializer_class = SurveyResponseSerializer


def kpi_period(request) -> selectors.Period:
    if not may_see_prevention(request.user):
        raise PermissionDenied()
    unit_id = int_param(request, "org_unit")
    if unit_id is None:
        unit = (
            request.user.unit
            if scope_for(request.user).role == Role.TOWNSHIP
            else OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
        )
        if unit is None:
            raise ValidationError({"org_unit": [_("Choose the unit.")]})
    else:
        unit = get_scoped_or_404(OrgUnit, request.user, unit_id)
    date_to = date_param(request, "date_to") or timezone.localdate()
    date_from = date_param(request, "date_from") or date_to.replace(month=1, day=1)
    if date_from > date_to:
        raise ValidationError({"date_from": [_("The period starts after it ends.")]})
    return selectors.Period(unit, date_from, date_to)


KPI_PARAMS = [
    OpenApiParameter("org_unit", OpenApiTypes.INT),
    OpenApiParameter("date_from", OpenApiTypes.DATE),
    OpenApiParameter("date_to", OpenApiTypes.DATE),
]


class PreventionKpiView(APIView):
    """The three targets of 方案一（四）: publicity coverage, grassroots mobilisation and tip
    participation, each with numerator, denominator, target, met and its (county's own)
    definition; the villages behind a number: GET …/villages/."""

    @extend_schema(parameters=KPI_PARAMS, responses=PreventionKpiSerializer)
    def get(self, request):
        period = kpi_period(request)
        indicators = selectors.prevention_kpis(
            request.user, period.unit, period.date_from, period.date_to
        )
        return Response(
            PreventionKpiSerializer(
                {
                    "org_unit": period.unit.pk,
                    "date_from": period.date_from,
                    "date_to": period.date_to,
                    "indicators": indicators,
                }
            ).data
        )


class PreventionKpiVillagesView(APIView):
    """The villages/communities behind a target: ``?code=publicity_coverage|
    grassroots_mobilisation&which=numerator|denominator|gap``."""

    @extend_schema(
        parameters=[
            *KPI_PARAMS,
            OpenApiParameter("code", OpenApiTypes.STR, enum=list(selectors.VILLAGE_TARGETS)),
            OpenApiParameter("which", OpenApiTypes.STR, enum=list(selectors.DRILL)),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        period = kpi_period(request)
        code = request.query_params.get("code", "")
        which = request.query_params.get("which", "denominator")
        if code not in selectors.VILLAGE_TARGETS:
            raise ValidationError({"code": [_("Choose the target.")]})
        if which not in selectors.DRILL:
            raise ValidationError({"which": [_("Choose numerator, denominator or gap.")]})
        rows = selectors.kpi_villages(
            request.user, period.unit, period.date_from, period.date_to, code, which
        ).order_by("code")
        return Response(
            {
                "code": code,
                "which": which,
                "results": [
                    {
                        "org_unit": v.pk,
                        "name": v.name,
                        "activities": v.activities,
                        "current_fixture": v.current_fixture,
                        "letter": v.letter,
                        "liaison": v.liaison,
                    }
                    for v in rows
                ],
            }
        )


router_registrations = [
    ("prevention-activities", ActivityViewSet, "prevention-activity"),
    ("prevention-fixtures", FixtureViewSet, "prevention-fixture"),
    ("liaisons", LiaisonViewSet, "liaison"),
    ("populations", PopulationViewSet, "population"),
    ("schools", SchoolViewSet, "school"),
    ("school-classes", SchoolClassViewSet, "school-class"),
    ("lessons", LessonViewSet, "lesson"),
    ("school-records", SchoolRecordViewSet, "school-record"),
    ("surveys", SurveyViewSet, "survey"),
    ("survey-responses", SurveyResponseViewSet, "survey-response"),
]


def _extra():
    from django.urls import path

    return [
        path("class-hours/", ClassHoursView.as_view(), name="class-hours"),
        path("kpis/prevention/", PreventionKpiView.as_view(), name="kpis-prevention"),
        path(
            "kpis/prevention/villages/",
            PreventionKpiVillagesView.as_view(),
            name="kpis-prevention-villages",
        ),
    ]


urlpatterns_extra = _extra()
