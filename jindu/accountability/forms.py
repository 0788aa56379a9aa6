from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jindu.core.scoping import VIEW
from jindu.core.widgets import use_picker
from jindu.orgs.forms import DateInput
from jindu.orgs.models import OrgUnit, Position, PositionRole, UnitKind, UnitLevel
from jindu.rectification.models import Designation, DesignationStatus

from .models import AnnualAssessmentResult


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("confirm", _("Confirm")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label=_("Date"), widget=DateInput())
    decision_no = forms.CharField(
        label=_("Document number"),
        max_length=80,
        required=False,
        help_text=_("Required to confirm."),
    )
    reason = forms.CharField(
        max_length=2000, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3})
    )


class EligibilityForm(forms.Form):
    position = forms.ModelChoiceField(
        label=_("Person (positions register)"), required=False, queryset=Position.objects.none()
    )
    org_unit = forms.ModelChoiceField(
        label=_("Or a township"), required=False, queryset=OrgUnit.objects.none()
    )
    date = forms.DateField(label=_("On"), widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = (
            Position.objects.restrict(user, VIEW)
            .filter(role__in=[PositionRole.FIRST_RESPONSIBLE, PositionRole.DIRECT_RESPONSIBLE])
            .select_related("org_unit")
            .order_by("org_unit__path", "role", "-start_date")
        )
        self.fields["position"].label_from_instance = lambda p: (
            f"{p.holder_name} · {p.org_unit.name} {p.title or p.get_role_display()}"
            f"（{p.start_date}–{p.end_date or ''}）"
        )
        self.fields["org_unit"].queryset = OrgUnit.objects.restrict(user, VIEW).filter(
            level=UnitLevel.TOWNSHIP
        )
        use_picker(
            self.fields["position"],
            "positions",
            role="first_responsible,direct_responsible",
            history="1",
        )
        use_picker(self.fields["org_unit"], "units", level="township", inactive="1")

    def clean(self):
        data = super().clean()
        if bool(data.get("position")) == bool(data.get("org_unit")):
            raise forms.ValidationError(_("Choose either a person or a township."))
        return data


class InspectionForm(forms.Form):
    designation = forms.ModelChoiceField(
        label=_("Listed area"), queryset=Designation.objects.none()
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    inspectors = forms.CharField(label=_("Inspectors"), max_length=300)
    member_units = forms.ModelMultipleChoiceField(
        label=_("Member units taking part"),
        required=False,
        queryset=OrgUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    findings = forms.CharField(
        max_length=2000, label=_("Findings"), widget=forms.Textarea(attrs={"rows": 5})
    )
    follow_ups = forms.CharField(
        max_length=2000,
        label=_("Follow-up items"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line; add a due date after a vertical bar: 补齐台账|2021-10-01"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["designation"].queryset = (
            Designation.objects.restrict(user, VIEW)
            .filter(status=DesignationStatus.ACTIVE)
            .select_related("org_unit")
        )
        self.fields["member_units"].queryset = OrgUnit.objects.restrict(user, VIEW).member_units()
        use_picker(self.fields["member_units"], "units", kind=UnitKind.MEMBER_UNIT, inactive="1")

    def clean_follow_ups(self):
        items = []
        for number, line in enumerate(self.cleaned_data["follow_ups"].splitlines(), start=1):
            if not line.strip():
                continue
            text, _sep, due = line.partition("|")
            due_date = None
            if due.strip():
                try:
                    due_date = forms.DateField().clean(due.strip())
                except forms.ValidationError:
                    raise forms.ValidationError(
                        _("Line %(n)d: the due date must be YYYY-MM-DD.") % {"n": number}
                    ) from None
            items.append((text.strip(), due_date))
        return items


class AssignmentForm(forms.Form):
    member_unit = forms.ModelChoiceField(label=_("Member unit"), queryset=OrgUnit.objects.none())
    role = forms.ChoiceField(label=_("Role"))
    start_date = forms.DateField(label=_("From"), widget=DateInput())
    notes = forms.CharField(label=_("Notes"), required=False, max_length=300)

    def __init__(self, *args, user, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_unit"].queryset = OrgUnit.objects.restrict(user, VIEW).member_units()
        use_picker(self.fields["member_unit"], "units", kind=UnitKind.MEMBER_UNIT, inactive="1")
        self.fields["role"].choices = [(r.code, r.name) for r in policy.assistance_roles]
        self.fields["start_date"].initial = timezone.localdate()


class VisitForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    participants = forms.CharField(label=_("Participants"), required=False, max_length=300)
    content = forms.CharField(
        max_length=2000, label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4})
    )


class DutyForm(forms.Form):
    duty = forms.ChoiceField(label=_("Duty"))
    met = forms.BooleanField(label=_("In place"), required=False)
    note = forms.CharField(label=_("Evidence or remark"), required=False, max_length=300)
    checked_on = forms.DateField(label=_("Checked on"), widget=DateInput())

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duty"].choices = [
            (d.code, f"{d.name}（{d.article}）")
            for d in policy.township_duties
            if d.check == "record"
        ]


class AnnualAssessmentForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    result = forms.ChoiceField(label=_("Result"), choices=AnnualAssessmentResult.choices)
    score = forms.DecimalField(label=_("Score"), required=False, max_digits=6, decimal_places=2)
    notes = forms.CharField(
        max_length=2000, label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = OrgUnit.objects.restrict(user, VIEW).filter(
            level__in=[UnitLevel.TOWNSHIP, UnitLevel.DEPARTMENT], is_active=True
        )
        use_picker(self.fields["org_unit"], "units", level="township,department")
        self.fields["year"].initial = timezone.localdate().year - 1


class ReportForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("To"), widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start of the period is after its end."))
        return data
