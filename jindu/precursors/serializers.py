"""The precursor REST contract (issue 13): field names as the issue states them; extra
fields may be added, none renamed. Writes go through the services."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from jindu.api.base import ScopedRelatedField
from jindu.enforcement.models import Case
from jindu.orgs.models import OrgUnit

from .models import (
    AnnualReport,
    Chemical,
    ChemicalInspection,
    ChemicalLicence,
    Enterprise,
    Flag,
    InspectionRound,
    LedgerEntry,
)
from .policy import county_policy


class ChemicalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Chemical
        fields = [
            "id",
            "code",
            "name",
            "category",
            "unit",
            "listed_date",
            "drug_class",
            "cas",
            "source_document",
            "verified",
            "delisted_date",
            "band_lower",
            "band_upper",
            "band_item",
            "note",
            "policy_id",
            "edited",
        ]
        read_only_fields = ["policy_id", "edited"]
        extra_kwargs = {"code": {"validators": []}}


class EnterpriseSerializer(serializers.ModelSerializer):
    # Any township: a regulator (市场监管, 应急管理, 卫健) registers enterprises anywhere in the
    # county within its sector; the service decides who may register where.
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    station = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.filter(kind="police_station"), required=False, allow_null=True
    )
    activities = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "org_unit",
            "activities",
            "station",
            "sector",
            "address",
            "contact_name",
            "contact_phone",
            "is_active",
            "registered_on",
        ]
        extra_kwargs = {"credit_code": {"validators": []}, "registered_on": {"required": False}}


class LicenceSerializer(serializers.ModelSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())
    chemicals = serializers.SlugRelatedField(
        slug_field="code", queryset=Chemical.objects.all(), many=True
    )

    class Meta:
        model = ChemicalLicence
        fields = [
            "id",
            "enterprise",
            "kind",
            "number",
            "issuer",
            "chemicals",
            "annual_quantity",
            "valid_from",
            "valid_to",
            "revoked_on",
            "policy_id",
        ]
        read_only_fields = ["revoked_on", "policy_id"]
        validators = []


class LedgerEntrySerializer(serializers.ModelSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())
    chemical = serializers.SlugRelatedField(slug_field="code", queryset=Chemical.objects.all())
    counterparty = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True
    )
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, coerce_to_string=False)
    buyer_id_number = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text="含麻黄碱类复方制剂: 购买人身份证号",
    )
    flags = serializers.SerializerMethodField()

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "enterprise",
            "date",
            "chemical",
            "movement",
            "quantity",
            "counterparty",
            "counterparty_name",
            "counterparty_licence",
            "document_no",
            "payment",
            "stated_use",
            "transport_licence",
            "filed_on",
            "prescribed",
            "buyer_id_number",
            "buyer_id_masked",
            "source",
            "policy_id",
            "flags",
        ]
        read_only_fields = ["buyer_id_masked", "source", "policy_id"]
        validators = []
        extra_kwargs = {"quantity": {"min_value": None}}

    def get_flags(self, entry) -> list[str]:
        return [f.rule for f in entry.flags.all()]


def describe(flag: Flag) -> str:
    """The flag's detail in the reader's language, from its numbers."""
    from django.utils.translation import gettext as _

    parts = []
    if flag.entry_id:
        parts.append(_("entry %(id)d") % {"id": flag.entry_id})
    if flag.amount is not None:
        parts.append(_("quantity %(n)s") % {"n": f"{flag.amount.normalize():f}"})
    if flag.limit is not None:
        parts.append(_("limit %(n)s") % {"n": f"{flag.limit.normalize():f}"})
    if flag.ref_date:
        parts.append(_("deadline or date %(d)s") % {"d": flag.ref_date.isoformat()})
    return "；".join([flag.get_rule_display(), *parts])


class PrecursorFlagSerializer(serializers.ModelSerializer):
    # A flag of the whole enterprise (a missing annual report) names no substance.
    chemical = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    basis = serializers.SerializerMethodField()
    detail = serializers.SerializerMethodField()
    band = serializers.SerializerMethodField(
        help_text="法释〔2016〕8号第七、八条: the criminal band the quantity reaches, if any"
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = Flag
        fields = [
            "id",
            "rule",
            "basis",
            "enterprise",
            "enterprise_name",
            "chemical",
            "period",
            "detail",
            "status",
            "band",
            "entry",
            "counterparty",
            "amount",
            "limit",
            "ref_date",
            "raised_on",
            "due_date",
            "outcome",
            "note",
            "case_reference",
            "case",
            "closed_on",
            "policy_id",
        ]
        read_only_fields = fields

    def get_basis(self, flag) -> list[str]:
        return [b for b in flag.basis.split("、") if b]

    def get_detail(self, flag) -> str:
        return describe(flag)

    def get_band(self, flag) -> dict | None:
        return band_of(flag)


def band_of(flag: Flag) -> dict | None:
    """The quantity of a gap (a stock difference, an unmatched sale …) against the bands of
    法释〔2016〕8号, for substances counted in kilograms."""
    from . import rules
    from .policy import national_policy

    chemical = flag.chemical
    if chemical is None or flag.amount is None or chemical.unit != "kg":
        return None
    result = rules.classify_quantity(
        national_policy(), chemical.band_lower, chemical.band_upper, abs(flag.amount)
    )
    if not result.level:
        return None
    return {"level": result.level, "basis": list(result.basis)}


class PrecursorFlagCloseSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    note = serializers.CharField(allow_blank=True, required=False, default="")
    # "criminal case opened": the enforcement case by id, or by its number.
    case = serializers.IntegerField(required=False, allow_null=True, default=None)
    case_reference = serializers.CharField(allow_blank=True, required=False, default="")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_case(self, value):
        if value is None:
            return None
        case = Case.objects.restrict(self.user).filter(pk=value).first()
        if case is None:
            raise serializers.ValidationError(_("Choose a case in your jurisdiction."))
        return case


class PrecursorRunSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()


class PrecursorRunResultSerializer(serializers.Serializer):
    """What ``POST precursor-flags/run/`` answers: months reconciled and flags raised per rule."""

    reconciled = serializers.IntegerField()
    flags = serializers.DictField(child=serializers.IntegerField())


class ReconciliationSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField()
    chemical = serializers.CharField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    opening = serializers.DecimalField(max_digits=16, decimal_places=3, coerce_to_string=False)
    # "in" is a Python keyword: the field is declared below.
    out = serializers.DecimalField(max_digits=16, decimal_places=3, coerce_to_string=False)
    expected_closing = serializers.DecimalField(
        max_digits=16, decimal_places=3, coerce_to_string=False
    )
    counted = serializers.DecimalField(
        max_digits=16, decimal_places=3, coerce_to_string=False, allow_null=True
    )
    counted_on = serializers.DateField(allow_null=True)
    difference = serializers.DecimalField(
        max_digits=16, decimal_places=3, coerce_to_string=False, allow_null=True
    )
    reconciled = serializers.BooleanField(allow_null=True)
    basis = serializers.ListField(child=serializers.CharField())


ReconciliationSerializer._declared_fields["in"] = serializers.DecimalField(
    max_digits=16, decimal_places=3, coerce_to_string=False
)


class ChemicalInspectionSerializer(serializers.ModelSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())
    departments = serializers.ListField(child=serializers.CharField())
    checklist = serializers.DictField(child=serializers.BooleanField(), required=False)

    class Meta:
        model = ChemicalInspection
        fields = [
            "id",
            "enterprise",
            "round",
            "date",
            "departments",
            "inspectors",
            "checklist",
            "findings",
            "outcome",
            "rectification_deadline",
            "rectified_on",
            "policy_id",
        ]
        read_only_fields = ["rectified_on", "policy_id"]

    def validate_outcome(self, value):
        return value


class PrecursorAnnualReportSerializer(serializers.ModelSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all())

    class Meta:
        model = AnnualReport
        fields = ["id", "enterprise", "year", "submitted_on", "summary"]
        validators = []


class PrecursorIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    value = serializers.FloatField(allow_null=True, help_text="A percentage, one decimal.")
    target = serializers.FloatField(help_text="A percentage; met means value ≥ target.")
    met = serializers.BooleanField(allow_null=True)
    basis = serializers.ListField(child=serializers.CharField())


class PrecursorKpiUnitSerializer(serializers.Serializer):
    org_unit = serializers.IntegerField(source="unit.pk")
    name = serializers.CharField(source="unit.name")
    indicators = PrecursorIndicatorSerializer(many=True)


class PrecursorKpiResponseSerializer(serializers.Serializer):
    org_unit = serializers.IntegerField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    indicators = PrecursorIndicatorSerializer(many=True)
    by_unit = PrecursorKpiUnitSerializer(
        many=True, help_text="The same indicators for each township under the unit."
    )


class InspectionRoundSerializer(serializers.ModelSerializer):
    reached = serializers.SerializerMethodField(help_text="Enterprises inspected in the round.")
    total = serializers.SerializerMethodField(
        help_text="Enterprises the round must reach (registered by its end, in your scope)."
    )

    class Meta:
        model = InspectionRound
        fields = ["id", "name", "date_from", "date_to", "is_census", "reached", "total"]

    def _progress(self, row):
        from . import selectors

        cache = self.context.setdefault("_progress", {})
        if row.pk not in cache:
            cache[row.pk] = selectors.census_progress(self.context["request"].user, row)
        return cache[row.pk]

    def get_reached(self, row) -> int:
        return self._progress(row)[0]

    def get_total(self, row) -> int:
        return self._progress(row)[1]


def outcome_codes() -> list[str]:
    return [o.code for o in county_policy().flag_outcomes]
