"""Forms of the enforcement pages. They only parse input; the services validate and decide
(refusals come back next to the field through ``apply_refusal``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jindu.control.policy import control_policy
from jindu.orgs.forms import DateInput
from jindu.orgs.models import OrgUnit, UnitKind, UnitLevel

from .models import (
    CaseKind,
    DenKind,
    Disposal,
    Gender,
    InspectionMode,
    Species,
    SuspectRole,
    TipChannel,
    TraffickerSource,
    WorkKind,
)
from .policy import enforcement_policy
from .selectors import in_scope


def townships_for(user):
    return (
        in_scope(OrgUnit.objects.all(), user, "path")
        .filter(level=UnitLevel.TOWNSHIP, is_active=True)
        .order_by("path")
    )


def stations_for(user):
    return (
        in_scope(OrgUnit.objects.all(), user, "path")
        .filter(kind=UnitKind.POLICE_STATION, is_active=True)
        .order_by("path")
    )


def households_for(user):
    return (
        in_scope(OrgUnit.objects.all(), user, "path")
        .filter(level__in=[UnitLevel.TOWNSHIP, UnitLevel.VILLAGE], is_active=True)
        .order_by("path")
    )


def drug_choices():
    return [(c.code, c.name) for c in control_policy().code_list("drug_types")]


class UserForm(forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user


class CaseForm(UserForm):
    number = forms.CharField(label=_("Case number"), max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices)
    offence = forms.ChoiceField(label=_("Offence"))
    filed_date = forms.DateField(label=_("Filed on (立案)"), widget=DateInput())
    solved_date = forms.DateField(label=_("Solved on (破案)"), widget=DateInput(), required=False)
    org_unit = forms.ModelChoiceField(label=_("Township"), queryset=OrgUnit.objects.none())
    flags = forms.MultipleChoiceField(
        label=_("Flags"), required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        policy = enforcement_policy()
        criminal = [(o.code, f"{o.name}（{o.article}）") for o in policy.criminal_offences]
        administrative = [
            (o.code, f"{o.name}（{o.article}）") for o in policy.offences("administrative")
        ]
        self.fields["offence"].choices = [
            (_("Criminal (刑法)"), criminal),
            (_("Administrative"), administrative),
        ]
        self.fields["flags"].choices = [(f.code, f.name) for f in policy.case_flags]
        self.fields["org_unit"].queryset = townships_for(self.user)


class SuspectForm(UserForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    id_number = forms.CharField(label=_("Identity number"), max_length=18, required=False)
    household_unit = forms.ModelChoiceField(
        label=_("Household registration"), queryset=OrgUnit.objects.none(), required=False
    )
    role = forms.ChoiceField(label=_("Role"), choices=SuspectRole.choices)
    disposal = forms.ChoiceField(label=_("Disposal"), choices=Disposal.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household_unit"].queryset = households_for(self.user)


class SeizureForm(UserForm):
    drug_type = forms.ChoiceField(label=_("Drug type"))
    grams = forms.DecimalField(label=_("Grams"), required=False, decimal_places=3)
    pills = forms.IntegerField(label=_("Pills"), required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drug_type"].choices = drug_choices()


class DenForm(UserForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=DenKind.choices)
    place = forms.CharField(label=_("Place"), max_length=200)


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Reason for viewing"), max_length=200)


class OutboundForm(UserForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    id_number = forms.CharField(label=_("Identity number"), max_length=18)
    household_unit = forms.ModelChoiceField(
        label=_("Household registration"), queryset=OrgUnit.objects.none()
    )
    destination = forms.CharField(label=_("Destination"), max_length=100, required=False)
    arrest_date = forms.DateField(label=_("Arrested on"), widget=DateInput())
    arrest_place = forms.CharField(label=_("Arrested at"), max_length=200)
    arresting_agency = forms.CharField(label=_("Arresting agency"), max_length=200)
    case_number = forms.CharField(label=_("Case number"), max_length=60, required=False)
    drug_type = forms.ChoiceField(label=_("Drug type"), required=False)
    grams = forms.DecimalField(label=_("Grams"), required=False, decimal_places=3)
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", "—"), *SuspectRole.choices], required=False
    )
    disposal = forms.ChoiceField(label=_("Disposal"), choices=Disposal.choices)
    source = forms.ChoiceField(label=_("Information source"), choices=TraffickerSource.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household_unit"].queryset = households_for(self.user)
        self.fields["drug_type"].choices = [("", "—"), *drug_choices()]


class WorkForm(UserForm):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=WorkKind.choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}))
    by_name = forms.CharField(label=_("By"), max_length=50)


class PatrolForm(UserForm):
    org_unit = forms.ModelChoiceField(label=_("Township"), queryset=OrgUnit.objects.none())
    date = forms.DateField(label=_("Date"), widget=DateInput())
    area = forms.CharField(label=_("Area patrolled"), max_length=200)
    staff = forms.IntegerField(label=_("Staff"), min_value=0, initial=1)
    drones = forms.IntegerField(label=_("Drones"), min_value=0, initial=0)
    area_covered_mu = forms.DecimalField(label=_("Area covered (mu)"), decimal_places=2)
    area_total_mu = forms.DecimalField(
        label=_("Area to cover (mu)"), decimal_places=2, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = townships_for(self.user)


class FindingForm(UserForm):
    org_unit = forms.ModelChoiceField(label=_("Township"), queryset=OrgUnit.objects.none())
    date = forms.DateField(label=_("Date"), widget=DateInput())
    species = forms.ChoiceField(label=_("Species"), choices=Species.choices)
    plants = forms.IntegerField(label=_("Plants eradicated"), min_value=0)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = townships_for(self.user)


class VenueForm(UserForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"))
    org_unit = forms.ModelChoiceField(label=_("Township"), queryset=OrgUnit.objects.none())
    station = forms.ModelChoiceField(label=_("Police station"), queryset=OrgUnit.objects.none())
    licence_no = forms.CharField(label=_("Licence number"), max_length=60, required=False)
    opened_date = forms.DateField(
        label=_("Business licence date"), widget=DateInput(), required=False
    )
    filed_date = forms.DateField(
        label=_("Filed with the police on"), widget=DateInput(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.code, k.name) for k in enforcement_policy().venue_kinds]
        self.fields["org_unit"].queryset = townships_for(self.user)
        self.fields["station"].queryset = stations_for(self.user)


class InspectionForm(UserForm):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    mode = forms.ChoiceField(label=_("Mode"), choices=InspectionMode.choices)
    inspectors = forms.CharField(label=_("Inspectors"), max_length=200)
    findings = forms.CharField(
        label=_("Findings"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    users_found = forms.IntegerField(label=_("Drug users found"), min_value=0, initial=0)
    dealers_found = forms.IntegerField(label=_("Dealers found"), min_value=0, initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in enforcement_policy().checklist:
            self.fields[f"check_{item.code}"] = forms.BooleanField(
                label=f"{item.name}（{item.article}）", required=False
            )

    def checks(self) -> dict:
        return {
            item.code: bool(self.cleaned_data.get(f"check_{item.code}"))
            for item in enforcement_policy().checklist
        }


class SanctionForm(UserForm):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Sanction"))
    months = forms.IntegerField(label=_("Closure (months)"), min_value=0, required=False)
    rectify_by = forms.DateField(label=_("Rectify by"), widget=DateInput(), required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (s.code, f"{s.name}（{s.article}）") for s in enforcement_policy().sanctions
        ]


class TipForm(UserForm):
    received_date = forms.DateField(label=_("Received on"), widget=DateInput())
    channel = forms.ChoiceField(label=_("Channel"), choices=TipChannel.choices)
    org_unit = forms.ModelChoiceField(label=_("Township"), queryset=OrgUnit.objects.none())
    content = forms.CharField(
        label=_("What was reported"), widget=forms.Textarea(attrs={"rows": 4})
    )
    reporter_name = forms.CharField(label=_("Reporter's name"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("Reporter's phone"), max_length=30, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = townships_for(self.user)


class PublicTipForm(forms.Form):
    org_unit = forms.ModelChoiceField(
        label=_("Township where it happens"),
        queryset=OrgUnit.objects.filter(level=UnitLevel.TOWNSHIP, is_active=True).order_by("path"),
    )
    content = forms.CharField(
        label=_("What do you want to report?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Where, when, who, what you saw. You do not have to give your name."),
    )
    reporter_name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    reporter_phone = forms.CharField(
        label=_("Your phone (optional, needed for a reward)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )


class AssignForm(UserForm):
    station = forms.ModelChoiceField(label=_("Police station"), queryset=OrgUnit.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations_for(self.user)


class VerifyForm(UserForm):
    confirmed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("yes", _("Confirmed")), ("no", _("Not confirmed"))],
        coerce=lambda v: v == "yes",
    )
    note = forms.CharField(
        label=_("What the check found"), widget=forms.Textarea(attrs={"rows": 3})
    )
    case_number = forms.CharField(label=_("Case it led to (number)"), required=False)


class RewardForm(UserForm):
    special = forms.BooleanField(label=_("Special contribution"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in enforcement_policy().tariff:
            self.fields[f"q_{item.code}"] = forms.FloatField(
                label=item.name, required=False, min_value=0
            )

    def quantities(self) -> dict:
        return {
            item.code: self.cleaned_data.get(f"q_{item.code}") or 0
            for item in enforcement_policy().tariff
        }


class DateForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
