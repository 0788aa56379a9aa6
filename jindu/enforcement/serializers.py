"""Serializers of the enforcement API (issue 12's contract). Thin: every write calls a
service; identity numbers are written in full and read masked; a tip reporter's identity is
never in a list and is read by the office alone (logged)."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jindu.api.base import ScopedRelatedField, call_service
from jindu.api.fields import CodeField, MaskedField
from jindu.control.models import Person
from jindu.core.scoping import available_actions, is_office
from jindu.orgs.models import OrgUnit

from . import services
from .models import (
    Case,
    CaseKind,
    Den,
    DenKind,
    Disposal,
    EradicationPatrol,
    Gang,
    Gender,
    IdentityAccess,
    InspectionMode,
    OutboundTrafficker,
    OutboundWork,
    PlantingFinding,
    ProductionIncident,
    Seizure,
    Species,
    Suspect,
    SuspectRole,
    Tip,
    TipChannel,
    TipStatus,
    TraffickerSource,
    Venue,
    VenueInspection,
    VenueSanction,
    WorkKind,
)
from .selectors import in_scope


def _user(serializer):
    return serializer.context["request"].user


@extend_schema_field(OpenApiTypes.INT)
class UnitField(serializers.PrimaryKeyRelatedField):
    """An organisation unit within the user's enforcement jurisdiction (the county police
    bureau picks any township of its area; others are reported as not existing)."""

    def get_queryset(self):
        request = self.context.get("request")
        return in_scope(OrgUnit.objects.all(), request.user if request else None, "path")


class CaseSerializer(serializers.ModelSerializer):
    kind = CodeField(choices=CaseKind.choices)
    offence = serializers.CharField(help_text="A code of the rule book's catalogue.")
    org_unit = UnitField(help_text="The township where it happened.")
    handling_unit = UnitField(required=False, allow_null=True)
    flags = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "kind",
            "offence",
            "offence_article",
            "filed_date",
            "solved_date",
            "org_unit",
            "handling_unit",
            "flags",
            "notes",
            "policy_id",
            "created_at",
        ]
        read_only_fields = ["offence_article", "policy_id", "created_at"]
        # The duplicate number is the service's to refuse (409), in Chinese.
        extra_kwargs = {"number": {"validators": []}}

    def create(self, data):
        return call_service(services.record_case, _user(self), **data)

    def update(self, instance, data):
        return call_service(services.update_case, _user(self), instance, **data)


class SuspectSerializer(serializers.ModelSerializer):
    case = ScopedRelatedField(queryset=Case.objects.all())
    gender = CodeField(choices=Gender.choices)
    id_number = MaskedField(
        "id_masked",
        max_length=18,
        required=False,
        allow_blank=True,
        help_text="Written in full (18 characters, GB 11643 check digit); read masked.",
    )
    household_unit = UnitField(required=False, allow_null=True)
    role = CodeField(choices=SuspectRole.choices, required=False)
    disposal = CodeField(choices=Disposal.choices)
    person = ScopedRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Suspect
        fields = [
            "id",
            "case",
            "name",
            "gender",
            "id_number",
            "household_unit",
            "role",
            "disposal",
            "person",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def create(self, data):
        case = data.pop("case")
        return call_service(services.add_suspect, _user(self), case, **data)


class SeizureSerializer(serializers.ModelSerializer):
    case = ScopedRelatedField(queryset=Case.objects.all())
    drug_type = serializers.CharField(help_text="The control area's drug-type code.")
    grams = serializers.DecimalField(max_digits=14, decimal_places=3, required=False)
    pills = serializers.IntegerField(required=False, min_value=0)

    class Meta:
        model = Seizure
        fields = [
            "id",
            "case",
            "drug_type",
            "grams",
            "pills",
            "heroin_factor",
            "heroin_equivalent_grams",
            "policy_id",
        ]
        read_only_fields = ["heroin_factor", "heroin_equivalent_grams", "policy_id"]

    def create(self, data):
        case = data.pop("case")
        return call_service(services.add_seizure, _user(self), case, **data)


class GangSerializer(serializers.ModelSerializer):
    case = ScopedRelatedField(queryset=Case.objects.all())
    members = ScopedRelatedField(queryset=Suspect.objects.all(), many=True, required=False)
    member_count = serializers.IntegerField(required=False, min_value=0)

    class Meta:
        model = Gang
        fields = ["id", "case", "name", "members", "member_count"]

    def create(self, data):
        case = data.pop("case")
        return call_service(services.add_gang, _user(self), case, **data)


class DenSerializer(serializers.ModelSerializer):
    case = ScopedRelatedField(queryset=Case.objects.all())
    kind = CodeField(choices=DenKind.choices)

    class Meta:
        model = Den
        fields = ["id", "case", "kind", "place"]

    def create(self, data):
        case = data.pop("case")
        return call_service(services.add_den, _user(self), case, **data)


class RevealSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class OutboundTraffickerSerializer(serializers.ModelSerializer):
    gender = CodeField(choices=Gender.choices)
    id_number = MaskedField("id_masked", max_length=18, help_text="Written in full; read masked.")
    household_unit = UnitField()
    role = CodeField(choices=SuspectRole.choices, required=False, allow_blank=True)
    disposal = CodeField(choices=Disposal.choices)
    source = CodeField(choices=TraffickerSource.choices)
    grams = serializers.DecimalField(max_digits=14, decimal_places=3, required=False)

    class Meta:
        model = OutboundTrafficker
        fields = [
            "id",
            "name",
            "gender",
            "id_number",
            "household_unit",
            "township",
            "destination",
            "arrest_date",
            "arrest_place",
            "arresting_agency",
            "case_number",
            "drug_type",
            "grams",
            "role",
            "disposal",
            "source",
            "notes",
            "created_at",
        ]
        read_only_fields = ["township", "created_at"]

    def create(self, data):
        return call_service(services.record_outbound, _user(self), **data)


class OutboundWorkSerializer(serializers.ModelSerializer):
    trafficker = ScopedRelatedField(queryset=OutboundTrafficker.objects.all())
    kind = CodeField(choices=WorkKind.choices)

    class Meta:
        model = OutboundWork
        fields = ["id", "trafficker", "date", "kind", "summary", "by_name"]

    def create(self, data):
        trafficker = data.pop("trafficker")
        return call_service(services.add_outbound_work, _user(self), trafficker, **data)


class PatrolSerializer(serializers.ModelSerializer):
    org_unit = UnitField()
    area_total_mu = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )

    class Meta:
        model = EradicationPatrol
        fields = [
            "id",
            "org_unit",
            "date",
            "area",
            "staff",
            "drones",
            "area_covered_mu",
            "area_total_mu",
            "coverage_pct",
            "notes",
        ]
        read_only_fields = ["coverage_pct"]

    def create(self, data):
        return call_service(services.record_patrol, _user(self), **data)


class PlantingFindingSerializer(serializers.ModelSerializer):
    org_unit = UnitField()
    species = CodeField(choices=Species.choices)
    patrol = ScopedRelatedField(
        queryset=EradicationPatrol.objects.all(), required=False, allow_null=True
    )
    case = ScopedRelatedField(queryset=Case.objects.all(), required=False, allow_null=True)

    class Meta:
        model = PlantingFinding
        fields = ["id", "org_unit", "date", "species", "plants", "place", "patrol", "case"]

    def create(self, data):
        return call_service(services.record_planting, _user(self), **data)


class ProductionIncidentSerializer(serializers.ModelSerializer):
    org_unit = UnitField()
    case = ScopedRelatedField(queryset=Case.objects.all(), required=False, allow_null=True)

    class Meta:
        model = ProductionIncident
        fields = ["id", "org_unit", "date", "place", "description", "case"]

    def create(self, data):
        return call_service(services.record_production, _user(self), **data)


class VenueSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="A venue kind of the rule book.")
    org_unit = UnitField()
    station = UnitField()

    class Meta:
        model = Venue
        fields = [
            "id",
            "name",
            "kind",
            "org_unit",
            "station",
            "address",
            "licence_no",
            "opened_date",
            "filed_date",
            "filing_due",
            "grade",
            "grade_score",
            "grade_reason",
            "graded_on",
            "is_active",
            "policy_id",
        ]
        read_only_fields = [
            "filing_due",
            "grade",
            "grade_score",
            "grade_reason",
            "graded_on",
            "policy_id",
        ]

    def create(self, data):
        data.pop("is_active", None)
        return call_service(services.register_venue, _user(self), **data)

    def update(self, instance, data):
        return call_service(services.update_venue, _user(self), instance, **data)


class VenueInspectionSerializer(serializers.ModelSerializer):
    venue = ScopedRelatedField(queryset=Venue.objects.all())
    mode = CodeField(choices=InspectionMode.choices)
    checks = serializers.DictField(child=serializers.BooleanField(), help_text="{item code: bool}")
    inspecting_unit = UnitField(required=False, allow_null=True)

    class Meta:
        model = VenueInspection
        fields = [
            "id",
            "venue",
            "date",
            "mode",
            "inspecting_unit",
            "inspectors",
            "checks",
            "score",
            "findings",
            "users_found",
            "dealers_found",
            "grade_after",
            "basis",
            "policy_id",
        ]
        read_only_fields = ["score", "grade_after", "basis", "policy_id"]

    def create(self, data):
        venue = data.pop("venue")
        return call_service(services.record_inspection, _user(self), venue, **data)


class SanctionSerializer(serializers.ModelSerializer):
    venue = ScopedRelatedField(queryset=Venue.objects.all())
    kind = serializers.CharField(help_text="A sanction code of the rule book.")
    months = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    inspection = ScopedRelatedField(
        queryset=VenueInspection.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = VenueSanction
        fields = [
            "id",
            "venue",
            "date",
            "kind",
            "article",
            "months",
            "closed_until",
            "rectify_by",
            "rectified_on",
            "notes",
            "inspection",
            "policy_id",
        ]
        read_only_fields = ["article", "closed_until", "rectified_on", "policy_id"]

    def create(self, data):
        venue = data.pop("venue")
        return call_service(services.record_sanction, _user(self), venue, **data)


class TipSerializer(serializers.ModelSerializer):
    """``reporter_name`` and ``reporter_phone`` are written here and read only by the office
    on a tip's own page (GET /tips/{id}/?reason=…, logged); lists never carry them."""

    channel = CodeField(choices=TipChannel.choices)
    org_unit = UnitField()
    status = CodeField(choices=TipStatus.choices, read_only=True)
    reporter_name = serializers.CharField(
        required=False, allow_blank=True, max_length=50, write_only=True
    )
    reporter_phone = serializers.CharField(
        required=False, allow_blank=True, max_length=30, write_only=True
    )
    actions = serializers.SerializerMethodField(
        help_text="The named actions the caller may take on this tip now (change, verify, "
        "assign, reward, notify, claim, reveal_reporter)."
    )

    class Meta:
        model = Tip
        fields = [
            "id",
            "received_date",
            "channel",
            "org_unit",
            "content",
            "reporter_name",
            "reporter_phone",
            "has_reporter",
            "status",
            "station",
            "assigned_on",
            "verified_on",
            "verification_note",
            "case",
            "reward_yuan",
            "reward_basis",
            "notify_due",
            "notified_on",
            "claim_due",
            "claimed_on",
            "actions",
        ]
        read_only_fields = [
            "has_reporter",
            "station",
            "assigned_on",
            "verified_on",
            "verification_note",
            "case",
            "reward_yuan",
            "reward_basis",
            "notify_due",
            "notified_on",
            "claim_due",
            "claimed_on",
        ]

    def get_actions(self, tip) -> list[str]:
        request = self.context.get("request")
        # Lists and details are read through the scoping layer: the tip is visible.
        return list(available_actions(request.user, tip, known_visible=True)) if request else []

    def create(self, data):
        return call_service(services.receive_tip, _user(self), **data)


class TipReporterSerializer(TipSerializer):
    """The office's view of one tip, with the reporter (the showing is logged)."""

    reporter_name = serializers.SerializerMethodField()
    reporter_phone = serializers.SerializerMethodField()

    def get_reporter_name(self, tip) -> str | None:
        return self.context["reporter"]["reporter_name"]

    def get_reporter_phone(self, tip) -> str | None:
        return self.context["reporter"]["reporter_phone"]


class AssignSerializer(serializers.Serializer):
    station = UnitField()


class VerifySerializer(serializers.Serializer):
    confirmed = serializers.BooleanField()
    note = serializers.CharField()
    case = ScopedRelatedField(queryset=Case.objects.all(), required=False, allow_null=True)


class RewardSerializer(serializers.Serializer):
    quantities = serializers.DictField(
        child=serializers.FloatField(min_value=0),
        help_text='{tariff code: quantity}, e.g. {"user_found": 2}.',
    )
    special = serializers.BooleanField(required=False, default=False)


class DateSerializer(serializers.Serializer):
    date = serializers.DateField()


class IdentityAccessSerializer(serializers.ModelSerializer):
    user = serializers.StringRelatedField()

    class Meta:
        model = IdentityAccess
        fields = ["id", "user", "subject", "object_id", "org_unit", "reason", "at", "ip"]


class StatsRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField()
    previous = serializers.FloatField()
    change_pct = serializers.FloatField(allow_null=True)


class StatsUnitSerializer(serializers.Serializer):
    org_unit = serializers.IntegerField()
    name = serializers.CharField()
    rows = StatsRowSerializer(many=True)


class StatsResponseSerializer(serializers.Serializer):
    org_unit = serializers.IntegerField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    previous_from = serializers.DateField()
    previous_to = serializers.DateField()
    rows = StatsRowSerializer(many=True)
    by_unit = StatsUnitSerializer(many=True)


class EnforcementIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    numerator = serializers.FloatField()
    denominator = serializers.FloatField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    target = serializers.FloatField()
    met = serializers.BooleanField(allow_null=True)
    is_target = serializers.BooleanField()
    own = serializers.BooleanField(help_text="The county's own definition (no national one).")
    article = serializers.CharField()
    definition = serializers.CharField()


class EnforcementKpiResponseSerializer(serializers.Serializer):
    org_unit = serializers.IntegerField()
    year = serializers.IntegerField()
    indicators = EnforcementIndicatorSerializer(many=True)


def office_only(user) -> None:
    if not is_office(user):
        raise serializers.ValidationError(_("Only the county office may do this."))
