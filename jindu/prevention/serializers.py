"""The prevention REST layer's serializers: writes go through the services."""

from rest_framework import serializers

from jindu.api.base import ScopedRelatedField, call_service
from jindu.enforcement.models import Venue
from jindu.orgs.models import OrgUnit

from . import services
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


class CountyWideUnitField(serializers.PrimaryKeyRelatedField):
    """A geographic unit: anywhere in the county for member-unit staff (they work county-wide,
    the service checks what they may do), else only units the user may see (others: "does not
    exist")."""

    def get_queryset(self):
        from jindu.core.roles import Role
        from jindu.core.scoping import VIEW, scope_for

        request = self.context.get("request")
        user = request.user if request else None
        queryset = OrgUnit.objects.geographic()
        if scope_for(user).role == Role.MEMBER_UNIT:
            return queryset
        return queryset.restrict(user, VIEW)


def _actor(serializer):
    return serializer.context["request"].user


class ActivitySerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="A code of the rule book's activity_kinds.")
    org_unit = CountyWideUnitField()
    setting = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="For six_into: community, school, village, workplace, family or venue.",
    )
    group = serializers.CharField(required=False, allow_blank=True)
    # A member unit records activities anywhere in the county: the organiser is checked by
    # the service, not narrowed to the caller's jurisdiction.
    organiser = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.member_units(), required=False, allow_null=True
    )
    headcount = serializers.IntegerField()
    # A session at a venue of the enforcement area's register; the service checks that the
    # activity is one held at a venue and that the venue is in its township.
    venue = serializers.PrimaryKeyRelatedField(
        queryset=Venue.objects.filter(is_active=True), required=False, allow_null=True
    )

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "setting",
            "group",
            "venue",
            "date",
            "org_unit",
            "organiser",
            "audience",
            "headcount",
            "materials",
            "pledges",
            "description",
            "policy_id",
            "created_at",
        ]
        read_only_fields = ["policy_id", "created_at"]

    def create(self, data):
        return call_service(services.record_activity, _actor(self), **data)


class FixtureSerializer(serializers.ModelSerializer):
    org_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    kind = serializers.CharField()

    class Meta:
        model = Fixture
        fields = ["id", "kind", "org_unit", "location", "photographed_on", "policy_id"]
        read_only_fields = ["policy_id"]

    def create(self, data):
        # The API records the fixture; its photo is required on the page (multipart).
        request = self.context["request"]
        photos = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
        return call_service(services.record_fixture, _actor(self), photos=photos, **data)


class LiaisonSerializer(serializers.ModelSerializer):
    org_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())

    class Meta:
        model = Liaison
        fields = ["id", "org_unit", "name", "title", "start_date", "end_date"]
        read_only_fields = ["end_date"]

    def create(self, data):
        return call_service(services.appoint_liaison, _actor(self), **data)


class PopulationSerializer(serializers.ModelSerializer):
    org_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    kind = serializers.CharField(help_text="registered (户籍) or resident (常住)")
    count = serializers.IntegerField(source="residents")

    class Meta:
        model = Population
        fields = ["id", "org_unit", "year", "kind", "count", "source"]
        # A second figure for the same unit, year and kind replaces the first (the service).
        validators = []

    def create(self, data):
        data = dict(data)
        data["count"] = data.pop("residents")
        return call_service(services.set_population, _actor(self), **data)


class SchoolSerializer(serializers.ModelSerializer):
    org_unit = CountyWideUnitField()
    stage = serializers.CharField(help_text="primary, junior, senior or vocational")

    class Meta:
        model = School
        fields = ["id", "name", "org_unit", "stage", "supervisor"]
        read_only_fields = ["supervisor"]

    def create(self, data):
        return call_service(services.register_school, _actor(self), **data)


class SchoolClassSerializer(serializers.ModelSerializer):
    school = ScopedRelatedField(queryset=School.objects.all())
    grade = serializers.IntegerField(help_text="1–12, from primary grade 1 to senior grade 3")

    class Meta:
        model = SchoolClass
        fields = ["id", "school", "school_year", "grade", "name", "students"]

    def create(self, data):
        return call_service(services.add_class, _actor(self), **data)


class LessonSerializer(serializers.ModelSerializer):
    school_class = ScopedRelatedField(queryset=SchoolClass.objects.all())
    hours = serializers.DecimalField(max_digits=4, decimal_places=1)

    class Meta:
        model = Lesson
        fields = ["id", "school_class", "date", "hours", "topic", "teacher_name", "policy_id"]
        read_only_fields = ["policy_id"]

    def create(self, data):
        return call_service(services.record_lesson, _actor(self), **data)


class SchoolRecordSerializer(serializers.ModelSerializer):
    school = ScopedRelatedField(queryset=School.objects.all())
    kind = serializers.CharField()

    class Meta:
        model = SchoolRecord
        fields = ["id", "school", "kind", "date", "title", "status", "participants"]

    def create(self, data):
        return call_service(services.record_school_activity, _actor(self), **data)


class ClassHoursSerializer(serializers.Serializer):
    school_class = serializers.IntegerField()
    school = serializers.IntegerField()
    school_name = serializers.CharField()
    name = serializers.CharField()
    school_year = serializers.CharField()
    grade = serializers.IntegerField()
    required = serializers.IntegerField()
    recorded = serializers.FloatField()
    met = serializers.BooleanField(allow_null=True)


class QuestionSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    kind = serializers.CharField()
    scale = serializers.ListField(child=serializers.CharField())


class SurveySerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)
    links = serializers.SerializerMethodField()

    class Meta:
        model = Survey
        fields = [
            "id",
            "title",
            "period_start",
            "period_end",
            "questions",
            "min_sample",
            "policy_id",
            "links",
        ]
        read_only_fields = ["questions", "min_sample", "policy_id"]

    def get_links(self, survey) -> list[dict]:
        """The public answer page of each township (no login)."""
        from .web.links import township_links

        request = self.context.get("request")
        return [
            {"org_unit": unit.pk, "name": unit.name, "url": request.build_absolute_uri(url)}
            for unit, url in township_links(request.user if request else None, survey)
        ]

    def create(self, data):
        return call_service(services.create_survey, _actor(self), **data)


class SurveyResponseSerializer(serializers.ModelSerializer):
    survey = ScopedRelatedField(queryset=Survey.objects.all())
    org_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    channel = serializers.CharField(help_text="paper or phone (staff entry)")
    answers = serializers.DictField(child=serializers.IntegerField())

    class Meta:
        model = SurveyResponse
        fields = ["id", "survey", "org_unit", "answered_on", "channel", "answers"]

    def create(self, data):
        return call_service(
            services.submit_response,
            _actor(self),
            survey=data["survey"],
            org_unit=data["org_unit"],
            answers=data["answers"],
            channel=data["channel"],
            on=data.get("answered_on"),
        )


class UnitResultSerializer(serializers.Serializer):
    org_unit = serializers.IntegerField()
    name = serializers.CharField()
    responses = serializers.IntegerField()
    satisfaction_rate = serializers.FloatField(allow_null=True)
    awareness_rate = serializers.FloatField(allow_null=True)
    min_sample = serializers.IntegerField()
    sample_reached = serializers.BooleanField()


class SurveyResultSerializer(serializers.Serializer):
    survey = serializers.IntegerField()
    responses = serializers.IntegerField()
    satisfaction_rate = serializers.FloatField(allow_null=True)
    awareness_rate = serializers.FloatField(allow_null=True)
    min_sample = serializers.IntegerField()
    basis = serializers.ListField(child=serializers.CharField())
    by_unit = UnitResultSerializer(many=True)


class PreventionIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    value = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True)
    met = serializers.BooleanField(allow_null=True)
    basis = serializers.ListField(child=serializers.CharField())
    definition = serializers.CharField()
    county_definition = serializers.BooleanField()
    no_data = serializers.BooleanField()
    extra = serializers.DictField(allow_null=True)


class PreventionKpiSerializer(serializers.Serializer):
    org_unit = serializers.IntegerField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    indicators = PreventionIndicatorSerializer(many=True)
