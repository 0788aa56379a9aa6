"""Forms of the precursor pages: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jindu.core.filters import MAX_ID
from jindu.core.roles import Role
from jindu.core.scoping import VIEW, is_office
from jindu.core.widgets import use_picker
from jindu.enforcement.models import Case
from jindu.orgs.forms import DateInput
from jindu.orgs.models import OrgUnit, UnitKind, UnitLevel

from .models import (
    Activity,
    Category,
    Chemical,
    Department,
    Enterprise,
    InspectionRound,
    LicenceKind,
    Movement,
    Payment,
    Sector,
    Unit,
)
from .policy import county_policy


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18)
    org_unit = forms.ModelChoiceField(
        label=_("Township or village"), queryset=OrgUnit.objects.none()
    )
    station = forms.ModelChoiceField(
        label=_("Police station"), queryset=OrgUnit.objects.none(), required=False
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    activities = forms.MultipleChoiceField(
        label=_("Activities"), choices=Activity.choices, widget=forms.CheckboxSelectMultiple
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    registered_on = forms.DateField(label=_("Registered on"), widget=DateInput(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.filter(level__in=(UnitLevel.TOWNSHIP, UnitLevel.VILLAGE))
        stations = OrgUnit.objects.filter(kind=UnitKind.POLICE_STATION)
        # A township or a station registers within its own jurisdiction, and is offered no
        # other township's or station's name; regulators register county-wide.
        if not is_office(user) and user.effective_role in (Role.TOWNSHIP, Role.POLICE_STATION):
            units = units.restrict(user, VIEW)
            stations = stations.restrict(user, VIEW)
        self.fields["org_unit"].queryset = units.order_by("path")
        self.fields["station"].queryset = stations


class LicenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LicenceKind.choices)
    number = forms.CharField(label=_("Number"), max_length=60)
    issuer = forms.CharField(label=_("Issued by"), max_length=100, required=False)
    chemicals = forms.ModelMultipleChoiceField(
        label=_("Substances"), queryset=Chemical.objects.all(), widget=forms.SelectMultiple
    )
    annual_quantity = forms.DecimalField(
        label=_("Permitted quantity a year (each substance)"), required=False, min_value=None
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), widget=DateInput())


class EntryForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    chemical = forms.ModelChoiceField(label=_("Substance"), queryset=Chemical.objects.all())
    movement = forms.ChoiceField(label=_("Movement"), choices=Movement.choices)
    quantity = forms.CharField(label=_("Quantity (in the catalogue's unit)"))
    counterparty = forms.ModelChoiceField(
        label=_("Counterparty (registered enterprise)"),
        queryset=Enterprise.objects.all(),
        required=False,
    )
    counterparty_name = forms.CharField(
        label=_("Counterparty (outside the register)"), max_length=120, required=False
    )
    counterparty_licence = forms.CharField(
        label=_("Counterparty's licence or filing"), max_length=60, required=False
    )
    document_no = forms.CharField(label=_("Document number"), max_length=60)
    payment = forms.ChoiceField(
        label=_("Payment"), choices=[("", "—"), *Payment.choices], required=False
    )
    stated_use = forms.CharField(label=_("Buyer's stated use"), max_length=200, required=False)
    transport_licence = forms.CharField(
        label=_("Transport licence or filing"), max_length=60, required=False
    )
    filed_on = forms.DateField(
        label=_("Filed with the police on"), widget=DateInput(), required=False
    )
    buyer_id_number = forms.CharField(
        label=_("Buyer's identity number (compound ephedrine preparations)"),
        max_length=18,
        required=False,
    )
    prescribed = forms.BooleanField(label=_("On prescription"), required=False)

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterparty"].queryset = Enterprise.objects.exclude(pk=enterprise.pk)


class InspectionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    departments = forms.MultipleChoiceField(
        label=_("Departments"), choices=Department.choices, widget=forms.CheckboxSelectMultiple
    )
    inspectors = forms.CharField(label=_("Inspectors"), max_length=200)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea, required=False)
    outcome = forms.ChoiceField(label=_("Outcome"))
    rectification_deadline = forms.DateField(
        label=_("Rectify by"), widget=DateInput(), required=False
    )
    round = forms.ModelChoiceField(
        label=_("Round"), queryset=InspectionRound.objects.all(), required=False
    )

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        county = county_policy()
        self.fields["outcome"].choices = [(o.code, o.name) for o in county.outcomes]
        self.items = [c for c in county.checklist if enterprise.sector in c.sectors]
        for item in self.items:
            self.fields[f"check_{item.code}"] = forms.ChoiceField(
                label=item.name,
                choices=[("", _("not checked")), ("yes", _("met")), ("no", _("not met"))],
                required=False,
            )

    def checklist(self) -> dict:
        result = {}
        for item in self.items:
            value = self.cleaned_data.get(f"check_{item.code}")
            if value:
                result[item.code] = value == "yes"
        return result


class AnnualReportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DateInput())
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)


class RectifiedForm(forms.Form):
    on = forms.DateField(label=_("Rectified on"), widget=DateInput())


class FlagCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"))
    note = forms.CharField(label=_("What was found and done"), widget=forms.Textarea)
    case = forms.ModelChoiceField(
        label=_("Criminal case"),
        queryset=Case.objects.none(),
        required=False,
        help_text=_("For “criminal case opened”: the case in the enforcement area."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(o.code, o.name) for o in county_policy().flag_outcomes]
        self.fields["case"].queryset = Case.objects.restrict(user).order_by("-filed_date", "-id")
        use_picker(self.fields["case"], "cases")


class RoundLinkForm(forms.Form):
    """``?round=ID`` on a link from a round's list of the enterprises it has not reached."""

    round = forms.IntegerField(min_value=1, max_value=MAX_ID)


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("To"), widget=DateInput())
    is_census = forms.BooleanField(
        label=_("Census (全面摸底): must reach every registered enterprise"),
        required=False,
        initial=True,
    )


class RunForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("To"), widget=DateInput())


class PeriodForm(forms.Form):
    chemical = forms.ModelChoiceField(label=_("Substance"), queryset=Chemical.objects.none())
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("To"), widget=DateInput())


class ChemicalForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=120)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    drug_class = forms.BooleanField(label=_("Drug class (药品类)"), required=False)
    cas = forms.CharField(label=_("CAS number"), max_length=20, required=False)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    listed_date = forms.DateField(label=_("Listed on"), widget=DateInput())
    delisted_date = forms.DateField(label=_("Delisted on"), widget=DateInput(), required=False)
    source_document = forms.CharField(label=_("Listed by (document)"), max_length=200)
    verified = forms.BooleanField(label=_("Source checked"), required=False)
    band_lower = forms.DecimalField(label=_("Serious band from (kg)"), required=False)
    band_upper = forms.DecimalField(label=_("Serious band to (kg)"), required=False)
    band_item = forms.CharField(label=_("Band basis"), max_length=120, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ImportForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none())
    file = forms.FileField(label=_("Ledger file (.xlsx)"))
    background = forms.BooleanField(
        label=_("Import in the background and show the progress"),
        required=False,
        help_text=_("Large files are always imported in the background."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from jindu.core.scoping import CHANGE

        self.fields["enterprise"].queryset = Enterprise.objects.restrict(user, CHANGE)
