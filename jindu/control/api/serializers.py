"""Serializers of the control API. Thin: every write calls a service."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from jindu.accounts.roles import Role
from jindu.api.base import ScopedRelatedField, call_service
from jindu.api.fields import CodeField, MaskedField
from jindu.core.scoping import scope_for
from jindu.orgs.models import OrgUnit

from ..models import (
    AccessReason,
    ContactKind,
    ContactLog,
    ControlAssignment,
    ControlOrder,
    EndKind,
    FileAccess,
    Finding,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Gender,
    LeaveRequest,
    LeaveStatus,
    NotExecutedReason,
    OrderKind,
    Person,
    PersonStatus,
    RelapseKind,
    RelapseOutcome,
    RelapseReport,
    RelapseStatus,
    ResidenceChange,
    ResponsibleRole,
    RiskAssessment,
    RiskLevel,
    SickDisabled,
    StatusChange,
    TestKind,
    TestResult,
    UrineTest,
)
from ..services import contacts, leave, orders, registry, relapse


def _user(serializer):
    return serializer.context["request"].user


class PersonSerializer(serializers.ModelSerializer):
    id_number = MaskedField(
        "id_masked",
        max_length=18,
        help_text="Written in full (18 characters); always read masked, e.g. 430421********123X.",
    )
    phone = MaskedField("phone_masked", max_length=30, required=False, allow_blank=True)
    gender = serializers.ChoiceField(choices=Gender.choices)
    residence_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    drug_types = serializers.ListField(child=serializers.CharField(), required=False)
    status = CodeField(choices=PersonStatus.choices, required=False)
    status_since = serializers.DateField(required=False)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "gender",
            "id_number",
            "residence_unit",
            "household_address",
            "phone",
            "drug_types",
            "first_found_date",
            "status",
            "status_since",
            "risk_level",
            "risk_date",
            "left_control_on",
            "notes",
            "created_at",
        ]
        read_only_fields = ["risk_level", "risk_date", "left_control_on", "created_at"]
        # What the file holds beyond the list's columns is read through POST …/open/ (with
        # the reason, logged), as on the pages; it can still be written here.
        extra_kwargs = {
            "household_address": {"write_only": True},
            "notes": {"write_only": True},
        }

    def create(self, data):
        return call_service(
            registry.register_person,
            _user(self),
            name=data["name"],
            gender=data["gender"],
            id_number=data["id_number"],
            residence_unit=data["residence_unit"],
            first_found_date=data["first_found_date"],
            household_address=data.get("household_address", ""),
            phone=data.get("phone", ""),
            drug_types=data.get("drug_types", []),
            status=data.get("status", PersonStatus.IN_SOCIETY),
            status_since=data.get("status_since"),
            notes=data.get("notes", ""),
        )

    def update(self, instance, data):
        moved = data.pop("residence_unit", None)
        if moved is not None and moved.pk != instance.residence_unit_id:
            raise serializers.ValidationError(
                {"residence_unit": [_("A move is recorded with POST …/move/.")]}
            )
        for fixed, how in (("status", "status-changes"), ("status_since", "status-changes")):
            value = data.pop(fixed, None)
            if value is not None and value != getattr(instance, fixed):
                raise serializers.ValidationError(
                    {fixed: [_("Record it with /api/v1/%(how)s/.") % {"how": how}]}
                )
        found = data.pop("first_found_date", None)
        if found is not None and found != instance.first_found_date:
            raise serializers.ValidationError(
                {"first_found_date": [_("The first finding cannot be changed.")]}
            )
        if data.get("id_number") == instance.id_masked:
            data.pop("id_number")  # a PUT echoing the masked number leaves it alone
        return call_service(registry.update_person, _user(self), instance, **data)


class FileOpenSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=AccessReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MoveSerializer(serializers.Serializer):
    residence_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    date = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RiskAssessmentSerializer(serializers.ModelSerializer):
    person = ScopedRelatedField(queryset=Person.objects.all())
    level = CodeField(choices=RiskLevel.choices)
    factors = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        model = RiskAssessment
        fields = ["id", "person", "date", "level", "factors", "notes", "assessor_name"]

    def create(self, data):
        return call_service(registry.assess_risk, _user(self), data.pop("person"), **data)


class ControlOrderSerializer(serializers.ModelSerializer):
    person = ScopedRelatedField(queryset=Person.objects.all())
    kind = serializers.ChoiceField(choices=OrderKind.choices)
    not_executed_reason = serializers.ChoiceField(
        choices=NotExecutedReason.choices, required=False, allow_blank=True
    )
    term_months = serializers.IntegerField(required=False, min_value=1)
    end_kind = serializers.ChoiceField(choices=EndKind.choices, required=False, allow_blank=True)

    class Meta:
        model = ControlOrder
        fields = [
            "id",
            "person",
            "kind",
            "decision_date",
            "decision_no",
            "authority",
            "term_months",
            "report_due",
            "reported_date",
            "late_reason",
            "executed_date",
            "not_executed_reason",
            "not_executed_note",
            "agreement_signed_date",
            "working_group",
            "extension_months",
            "expected_end",
            "end_date",
            "end_kind",
            "end_note",
            "continues",
            "basis",
        ]
        read_only_fields = ["report_due", "extension_months", "expected_end", "continues", "basis"]

    def validate(self, data):
        if data.get("end_date") and not data.get("end_kind"):
            raise serializers.ValidationError({"end_kind": [_("Say how the order ended.")]})
        return data

    def create(self, data):
        # One service: the order and, if it has already ended, its end (a refused end
        # records nothing).
        return call_service(
            orders.record_order_and_end, _user(self), data.pop("person"), **_order_args(data)
        )

    def update(self, instance, data):
        return call_service(orders.change_order, _user(self), instance, **_order_args(data))


def _order_args(data: dict) -> dict:
    args = dict(data)
    if "end_note" in args:
        args["end_note"] = args["end_note"] or ""
    for blank in ("authority", "decision_no", "end_kind"):
        if args.get(blank) is None:
            args.pop(blank, None)
    return args


class ControlAssignmentSerializer(serializers.ModelSerializer):
    person = ScopedRelatedField(queryset=Person.objects.all())
    responsible_role = serializers.ChoiceField(choices=ResponsibleRole.choices)

    class Meta:
        model = ControlAssignment
        fields = [
            "id",
            "person",
            "start_date",
            "end_date",
            "responsible_name",
            "responsible_role",
            "notes",
        ]

    def create(self, data):
        return call_service(registry.assign, _user(self), data.pop("person"), **data)

    def update(self, instance, data):
        for fixed in ("person", "start_date", "responsible_name", "responsible_role"):
            if fixed in data and data[fixed] != getattr(instance, fixed):
                raise serializers.ValidationError(
                    {fixed: [_("Only the end date of an assignment can be changed.")]}
                )
        if data.get("end_date") and data["end_date"] != instance.end_date:
            instance = call_service(
                registry.end_assignment, _user(self), instance, end_date=data["end_date"]
            )
        return instance


class StatusChangeSerializer(serializers.ModelSerializer):
    person = ScopedRelatedField(queryset=Person.objects.all())
    status = CodeField(choices=PersonStatus.choices)

    class Meta:
        model = StatusChange
        fields = ["id", "person", "date", "status", "reason"]

    def create(self, data):
        return call_service(registry.change_status, _user(self), data.pop("person"), **data)


class ContactLogSerializer(serializers.ModelSerializer):
    person = ScopedRelatedField(queryset=Person.objects.all())
    assignment = ScopedRelatedField(
        queryset=ControlAssignment.objects.all(), required=False, allow_null=True
    )
    kind = CodeField(choices=ContactKind.choices)

    class Meta:
        model = ContactLog
        fields = ["id", "person", "assignment", "date", "kind", "by_name", "summary"]
        extra_kwargs = {"by_name": {"required": False}}

    def create(self, data):
        return call_service(contacts.record_contact, _user(self), data.pop("person"), **data)


class ResidenceChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResidenceChange
        fields = [
            "id",
            "person",
            "date",
            "from_unit",
            "to_unit",
            "reason",
            "report_due",
            "reported_date",
            "basis",
        ]
        read_only_fields = fields


class MoveReportSerializer(serializers.Serializer):
    reported_date = serializers.DateField()


class SickDisabledSerializer(serializers.ModelSerializer):
    person = ScopedRelatedField(queryset=Person.objects.all())

    class Meta:
        model = SickDisabled
        fields = [
            "id",
            "person",
            "condition",
            "identified_date",
            "admitted_date",
            "admitted_to",
            "notes",
        ]

    def create(self, data):
        return call_service(registry.flag_sick_disabled, _user(self), data.pop("person"), **data)

    def update(self, instance, data):
        for fixed in ("person", "condition", "identified_date"):
            if fixed in data and data[fixed] != getattr(instance, fixed):
                raise serializers.ValidationError(
                    {fixed: [_("Only the admission can be recorded here.")]}
                )
        if data.get("admitted_date") and data["admitted_date"] != instance.admitted_date:
            instance = call_service(
                registry.record_admission,
                _user(self),
                instance,
                admitted_date=data["admitted_date"],
                admitted_to=data.get("admitted_to", ""),
            )
        return instance


class UrineTestSerializer(serializers.ModelSerializer):
    person = ScopedRelatedField(queryset=Person.objects.all())
    kind = CodeField(choices=TestKind.choices, required=False)
    result = CodeField(choices=TestResult.choices)

    class Meta:
        model = UrineTest
        fields = ["id", "person", "date", "kind", "result", "place", "tested_by", "notes", "order"]
        read_only_fields = ["order"]

    def create(self, data):
        data.setdefault("kind", TestKind.URINE)
        return call_service(orders.record_test, _user(self), data.pop("person"), **data)


STATION_FIELDS = (
    "person",
    "accepted_at",
    "check_date",
    "check_kind",
    "check_result",
    "check_note",
    "outcome",
    "outcome_note",
    "closed_at",
)


class RelapseReportSerializer(serializers.ModelSerializer):
    grid = ScopedRelatedField(queryset=OrgUnit.objects.all(), required=False)
    kind = CodeField(choices=RelapseKind.choices, required=False)
    status = CodeField(choices=RelapseStatus.choices, read_only=True)
    check_kind = CodeField(choices=TestKind.choices, read_only=True)
    # Blank until the station records them: documented as codes (a bare enum would not
    # admit the blank the API answers, so the schema would lie).
    check_result = CodeField(choices=TestResult.choices, read_only=True)
    outcome = CodeField(choices=RelapseOutcome.choices, read_only=True)

    class Meta:
        model = RelapseReport
        fields = [
            "id",
            "grid",
            "kind",
            "subject",
            "place",
            "observed_on",
            "observed_time",
            "observation",
            "status",
            "created_at",
            *STATION_FIELDS,
        ]
        read_only_fields = ["status", "created_at", *STATION_FIELDS]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and scope_for(request.user).role == Role.GRID_WORKER:
            # The reporter follows the status of the report, and learns nothing about the person.
            for name in STATION_FIELDS:
                data.pop(name, None)
        return data

    def create(self, data):
        return call_service(relapse.submit_relapse_report, _user(self), **data)


class RelapseAcceptSerializer(serializers.Serializer):
    person = ScopedRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)


class RelapseCheckSerializer(RelapseAcceptSerializer):
    check_date = serializers.DateField()
    test_kind = CodeField(choices=TestKind.choices, default=TestKind.URINE)
    result = CodeField(choices=[c for c in TestResult.choices if c[0] != TestResult.MISSED])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RelapseCloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=RelapseOutcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


# ---------------------------------------------------------------- an opened file


def _history(model, exclude):
    meta = type("Meta", (), {"model": model, "exclude": ("person", *exclude)})
    return type(
        f"{model.__name__}HistorySerializer", (serializers.ModelSerializer,), {"Meta": meta}
    )


# The histories an opened file shows: related name → serializer of its rows.
HISTORIES = {
    "findings": _history(Finding, ("recorded_by",)),
    "status_changes": _history(StatusChange, ("recorded_by",)),
    "moves": _history(ResidenceChange, ("recorded_by",)),
    "risk_assessments": _history(RiskAssessment, ("assessed_by",)),
    "orders": _history(ControlOrder, ("recorded_by",)),
    "assignments": _history(ControlAssignment, ("created_by",)),
    "tests": _history(UrineTest, ("recorded_by",)),
    "leaves": _history(LeaveRequest, ("recorded_by", "decided_by")),
    "sick_disabled": _history(SickDisabled, ("recorded_by",)),
    "follow_ups": _history(FollowUp, ("closed_by", "trigger_key")),
}


class PersonFileSerializer(serializers.Serializer):
    """A person's full file as opened for a reason (numbers full only for some roles)."""

    person = PersonSerializer()
    id_number = serializers.CharField()
    phone = serializers.CharField()
    full_id_number = serializers.BooleanField()
    birth_date = serializers.DateField(source="person.birth_date")
    household_address = serializers.CharField(source="person.household_address")
    notes = serializers.CharField(source="person.notes")
    history = serializers.SerializerMethodField()

    def get_history(self, file) -> dict[str, list[dict]]:
        return {
            related: serializer(getattr(file.person, related).all(), many=True).data
            for related, serializer in HISTORIES.items()
        }


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    value = serializers.FloatField(allow_null=True, help_text="A percentage, one decimal.")
    target = serializers.FloatField(help_text="A percentage; met means value ≥ target.")
    met = serializers.BooleanField(allow_null=True)
    basis = serializers.ListField(child=serializers.CharField())
    pending = serializers.IntegerField(
        help_text="Outside the denominator on the as-of date: community orders not reported "
        "yet whose 15 days to report (戒毒条例第十四条、第三十八条) have not run out."
    )


class KpiResponseSerializer(serializers.Serializer):
    org_unit = serializers.IntegerField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    indicators = IndicatorSerializer(many=True)


# ---------------------------------------------------------------- leave, follow-ups, file access


class LeaveRequestSerializer(serializers.ModelSerializer):
    person = ScopedRelatedField(queryset=Person.objects.all())
    status = CodeField(choices=LeaveStatus.choices, read_only=True)

    class Meta:
        model = LeaveRequest
        fields = [
            "id",
            "person",
            "order",
            "from_date",
            "to_date",
            "original_to_date",
            "destination",
            "reason",
            "status",
            "decided_on",
            "decision_note",
            "returned_date",
            "created_at",
        ]
        read_only_fields = [
            "order",
            "original_to_date",
            "status",
            "decided_on",
            "decision_note",
            "returned_date",
            "created_at",
        ]

    def create(self, data):
        return call_service(leave.request_leave, _user(self), data.pop("person"), **data)


class LeaveDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class LeaveExtendSerializer(LeaveDecisionSerializer):
    to_date = serializers.DateField()


class LeaveReturnSerializer(serializers.Serializer):
    returned_date = serializers.DateField()


class ControlFollowUpSerializer(serializers.ModelSerializer):
    kind = CodeField(choices=FollowUpKind.choices, read_only=True)
    status = CodeField(choices=FollowUpStatus.choices, read_only=True)
    basis = serializers.ListField(child=serializers.CharField(), read_only=True)
    proposal = serializers.DictField(read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "person",
            "kind",
            "reason",
            "basis",
            "proposal",
            "test",
            "order",
            "due_date",
            "status",
            "outcome",
            "closed_on",
            "created_at",
        ]
        read_only_fields = fields


class ControlFollowUpCloseSerializer(serializers.Serializer):
    outcome = serializers.CharField(help_text="What was done (e.g. reported to the police on …).")
    dismiss = serializers.BooleanField(
        required=False, default=False, help_text="Reject a proposal instead of carrying it out."
    )


class FileAccessSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)
    person_name = serializers.CharField(source="person.name", read_only=True)
    reason = CodeField(choices=AccessReason.choices, read_only=True)

    class Meta:
        model = FileAccess
        fields = [
            "id",
            "at",
            "user",
            "person",
            "person_name",
            "reason",
            "note",
            "ip",
            "full_numbers",
        ]
        read_only_fields = fields


class PersonLookupSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=18, trim_whitespace=True)
