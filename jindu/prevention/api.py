"""Prevention REST API (the issue's contract: paths, fields and codes are stable)."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from jindu.api.base import CreateViewSet
from jindu.api.filters import FilterSetBackend, valid_query
from jindu.core.views import get_scoped_or_404
from jindu.orgs.models import OrgUnit

from . import selectors
from .access import may_see_prevention
from .filters import (
    ActivityFilter,
    ClassHoursFilter,
    FixtureFilter,
    KpiQuery,
    KpiVillagesQuery,
    LessonFilter,
    SchoolClassFilter,
    SchoolFilter,
    SurveyResultsQuery,
)
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


class ClassHoursView(ListAPIView):
    """Each class with ``required`` hours (0 where the rule does not apply), ``recorded`` and
    ``met`` (方案四（三）三是)."""

    serializer_class = ClassHoursSerializer
    queryset = SchoolClass.objects.none()
    filter_backends = [FilterSetBackend]
    filterset_class = ClassHoursFilter

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(
            ClassHoursSerializer(selectors.class_hours_rows(page), many=True).data
        )


class SurveyViewSet(CreateViewSet):
    """Satisfaction surveys (第五条); each has a public answer link per township."""

    queryset = Survey.objects.all()
    serializer_class = SurveySerializer
    filterset_class = None  # the results' query (set on the action)

    @extend_schema(filters=True, responses=SurveyResultSerializer)
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[FilterSetBackend],
        filterset_class=SurveyResultsQuery,
    )
    def results(self, request, pk=None):
        survey = self.get_object()
        unit = None
        unit_id = valid_query(SurveyResultsQuery, request).values().get("org_unit")
        if unit_id is not None:
            unit = get_scoped_or_404(OrgUnit, request.user, unit_id)
        return Response(
            SurveyResultSerializer(selectors.survey_results(request.user, survey, unit)).data
        )


class SurveyResponseViewSet(CreateViewSet):
    """Paper and telephone answers entered by staff (online answers come from the public page
    and are not listed by who sent them: there is no such field)."""

    queryset = SurveyResponse.objects.all()
    serializer_class = SurveyResponseSerializer


def kpi_period(request, query_class=KpiQuery) -> tuple[selectors.Period, KpiQuery]:
    if not may_see_prevention(request.user):
        raise PermissionDenied()
    query = valid_query(query_class, request)
    unit = query.unit()
    if unit is None:
        raise ValidationError({"org_unit": [_("Choose the unit.")]})
    return selectors.Period(unit, *query.dates()), query


class _Query:
    """The endpoint's parameters come from its FilterSet (``filters=True`` documents them)."""

    filter_backends = [FilterSetBackend]
    queryset = OrgUnit.objects.none()


class PreventionKpiView(_Query, APIView):
    """The three targets of 方案一（四）: publicity coverage, grassroots mobilisation and tip
    participation, each with numerator, denominator, target, met and its (county's own)
    definition; the villages behind a number: GET …/villages/."""

    filterset_class = KpiQuery

    @extend_schema(filters=True, responses=PreventionKpiSerializer)
    def get(self, request):
        period, _query = kpi_period(request)
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


class PreventionKpiVillagesView(_Query, APIView):
    """The villages/communities behind a target: ``?code=publicity_coverage|
    grassroots_mobilisation&which=numerator|denominator|gap``."""

    filterset_class = KpiVillagesQuery

    @extend_schema(filters=True, responses=OpenApiTypes.OBJECT)
    def get(self, request):
        period, query = kpi_period(request, KpiVillagesQuery)
        code, which = query.target()
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
