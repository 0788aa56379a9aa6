from rest_framework import serializers

from jindu.api.base import ScopedRelatedField
from jindu.orgs.models import OrgUnit

from .models import Briefing, WarningRecord


class TargetSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    goal = serializers.CharField()
    target = serializers.FloatField()
    comparison = serializers.CharField()
    definition = serializers.CharField()
    numerator = serializers.CharField()
    denominator = serializers.CharField()
    unit = serializers.CharField()
    period = serializers.CharField()
    area = serializers.CharField()
    article = serializers.CharField()


class FigureSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    goal = serializers.CharField()
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    target = serializers.FloatField()
    comparison = serializers.CharField()
    met = serializers.BooleanField(allow_null=True)
    basis = serializers.ListField(child=serializers.CharField())
    as_of = serializers.DateTimeField()


class KpisSerializer(serializers.Serializer):
    org_unit = serializers.IntegerField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    as_of = serializers.DateTimeField()
    indicators = FigureSerializer(many=True)


class SeriesPointSerializer(serializers.Serializer):
    period = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    previous_year = serializers.FloatField(allow_null=True)


class ContributionSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    weight = serializers.FloatField()
    points = serializers.FloatField()


class WarningSerializer(serializers.ModelSerializer):
    contributions = ContributionSerializer(many=True)
    level_name = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = WarningRecord
        fields = [
            "id",
            "org_unit",
            "period",
            "level",
            "level_name",
            "score",
            "vetoed",
            "contributions",
            "basis",
            "policy_id",
            "computed_at",
            "actions",
        ]

    def get_level_name(self, obj) -> str:
        from .policy import indicator_policy

        level = indicator_policy().warning.level(obj.level)
        return level.name if level else ""

    def get_actions(self, obj) -> list[dict]:
        return [
            {"id": a.id, "kind": a.kind, "status": a.status, "basis": a.basis}
            for a in obj.actions.all()
        ]


class WarningComputeSerializer(serializers.Serializer):
    period = serializers.CharField()


class BriefingSerializer(serializers.ModelSerializer):
    org_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    document = serializers.SerializerMethodField()

    class Meta:
        model = Briefing
        fields = [
            "id",
            "kind",
            "period",
            "org_unit",
            "number",
            "issued_on",
            "issuer",
            "sha256",
            "policy_id",
            "figures",
            "document",
        ]
        read_only_fields = ["number", "issued_on", "issuer", "sha256", "policy_id", "figures"]
        # A second issue of the same briefing is the service's 409 (frozen), not a 400.
        validators = []

    def get_document(self, obj) -> str:
        from django.urls import reverse

        return reverse("api:briefing-document", args=[obj.pk])


class ItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    unit = serializers.CharField()


class ItemsSerializer(serializers.Serializer):
    code = serializers.CharField()
    which = serializers.CharField()
    kind = serializers.CharField()
    items = ItemSerializer(many=True)
