"""Forms of the registry pages (people under control). They only parse input: every rule is
in the services, whose refusals the views place next to the fields."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from jindu.core.scoping import VIEW
from jindu.core.widgets import use_picker
from jindu.orgs.forms import DateInput
from jindu.orgs.models import OrgUnit

from . import selectors
from .models import (
    WRITE_ROLES,
    AccessReason,
    ContactKind,
    EndKind,
    Gender,
    NotExecutedReason,
    OrderKind,
    PersonStatus,
    ResponsibleRole,
    RiskLevel,
    TestKind,
    TestResult,
)
from .policy import control_policy
from .selectors import RESIDENCE_LEVELS


def _all(label, choices):
    return [("", label), *choices]


def drug_type_choices():
    return [(c.code, c.name) for c in control_policy().code_list("drug_types")]


def _unit_label(unit: OrgUnit) -> str:
    return f"{unit.parent.name} · {unit.name}" if unit.parent_id else unit.name


def residence_units(user):
    """Villages, communities and grids the user may see (the service checks the change)."""
    return (
        OrgUnit.objects.restrict(user, VIEW)
        .filter(level__in=RESIDENCE_LEVELS, is_active=True)
        .select_related("parent")
        .order_by("path")
    )


# A province's thousands of townships make a list nobody can use (and a slow page): the
# unit pickers then offer its counties.
MAX_UNIT_CHOICES = 300


class IdSearchForm(forms.Form):
    """The exact identity-number search, sent by POST: the number never appears in a URL
    (browser history, server logs, the export's audit row); the list is then addressed by
    the number's keyed hash."""

    id_number = forms.CharField(
        label=_("Identity number (exact)"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class PersonForm(forms.Form):
    """Registration; with ``person`` given, the correction of an entry (the residence and the
    first finding change through their own actions)."""

    name = forms.CharField(label=_("Full name"), max_length=50)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, widget=forms.RadioSelect)
    id_number = forms.CharField(
        label=_("Identity number"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    household_address = forms.CharField(
        label=_("Household address"), max_length=200, required=False
    )
    residence_unit = forms.ModelChoiceField(
        label=_("Residence (village, community or grid)"), queryset=OrgUnit.objects.none()
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    drug_types = forms.MultipleChoiceField(
        label=_("Drug types"), required=False, widget=forms.CheckboxSelectMultiple
    )
    first_found_date = forms.DateField(label=_("First found"), widget=DateInput())
    notes = forms.CharField(
        max_length=2000, label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drug_types"].choices = drug_type_choices()
        self.person = person
        if person is None:
            units = self.fields["residence_unit"]
            units.queryset = residence_units(user)
            units.label_from_instance = _unit_label
            use_picker(units, "units", level="village,grid")
        else:
            del self.fields["residence_unit"]
            del self.fields["first_found_date"]
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _(
                "Registered: %(masked)s. Leave empty to keep it."
            ) % {"masked": person.id_masked}
            self.fields["phone"].help_text = _(
                "Registered: %(masked)s. Leave empty to keep it."
            ) % {"masked": person.phone_masked or "—"}

    def changes(self) -> dict:
        """The fields to pass to ``services.update_person`` (empty numbers are kept)."""
        data = dict(self.cleaned_data)
        for secret in ("id_number", "phone"):
            if not data.get(secret):
                data.pop(secret, None)
        return data


class OpenFileForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for opening the file"),
        choices=AccessReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Details"),
        max_length=200,
        required=False,
        help_text=_("Required when the reason is “Other”."),
    )


# ---------------------------------------------------------------- actions on a file


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PersonStatus.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class MoveForm(forms.Form):
    residence_unit = forms.ModelChoiceField(
        label=_("New residence"), queryset=OrgUnit.objects.none()
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The service decides where a move may go (selectors.move_destinations); the form
        # only offers the same units.
        self.fields["residence_unit"].queryset = selectors.move_destinations(user)
        self.fields["residence_unit"].label_from_instance = _unit_label
        use_picker(self.fields["residence_unit"], "move-destinations")


class FindingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    source = forms.CharField(label=_("Source"), max_length=60, required=False)
    circumstances = forms.CharField(
        max_length=2000,
        label=_("Circumstances"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RiskForm(forms.Form):
    level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    factors = forms.CharField(
        max_length=2000,
        label=_("Factors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; required for medium or high risk."),
    )
    assessor_name = forms.CharField(label=_("Assessed by"), max_length=100, required=False)
    notes = forms.CharField(
        max_length=2000, label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_factors(self):
        return [line.strip() for line in self.cleaned_data["factors"].splitlines() if line.strip()]


class AssignForm(forms.Form):
    responsible_name = forms.CharField(label=_("Responsible person"), max_length=50)
    responsible_role = forms.ChoiceField(label=_("Role"), choices=ResponsibleRole.choices)
    responsible_user = forms.ModelChoiceField(
        label=_("User account"),
        required=False,
        queryset=get_user_model().objects.none(),
        help_text=_(
            "If the responsible person uses Jindu: their overdue tests list shows the person."
        ),
    )
    start_date = forms.DateField(label=_("From"), widget=DateInput())
    end_date = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_user"].queryset = (
            get_user_model()
            .objects.restrict(user, VIEW)
            .filter(is_active=True, role__in=WRITE_ROLES)
            .order_by("username")
        )
        use_picker(self.fields["responsible_user"], "users", role=",".join(WRITE_ROLES))


class EndAssignmentForm(forms.Form):
    end_date = forms.DateField(label=_("Until"), widget=DateInput())


class OrderForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OrderKind.choices)
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput())
    decision_no = forms.CharField(label=_("Decision number"), max_length=80, required=False)
    authority = forms.CharField(label=_("Deciding authority"), max_length=100, required=False)
    term_months = forms.IntegerField(
        label=_("Term (months)"),
        required=False,
        min_value=1,
        help_text=_("Empty: the term the law sets."),
    )
    reported_date = forms.DateField(
        label=_("Reported on (community orders)"), required=False, widget=DateInput()
    )
    executed_date = forms.DateField(
        label=_("Executed on (compulsory isolation)"), required=False, widget=DateInput()
    )
    late_reason = forms.CharField(
        label=_("Good reason for reporting late"), max_length=200, required=False
    )
    not_executed_reason = forms.ChoiceField(
        label=_("Reason not executed"),
        required=False,
        choices=_all("—", NotExecutedReason.choices),
    )
    not_executed_note = forms.CharField(label=_("Details"), max_length=200, required=False)
    agreement_signed_date = forms.DateField(
        label=_("Agreement signed on"), required=False, widget=DateInput()
    )
    working_group = forms.CharField(
        max_length=2000,
        label=_("Working group"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReportForm(forms.Form):
    """The report or execution of an order, recorded later: only the facts given change."""

    reported_date = OrderForm.base_fields["reported_date"]
    executed_date = OrderForm.base_fields["executed_date"]
    late_reason = OrderForm.base_fields["late_reason"]
    not_executed_reason = OrderForm.base_fields["not_executed_reason"]
    not_executed_note = OrderForm.base_fields["not_executed_note"]
    agreement_signed_date = OrderForm.base_fields["agreement_signed_date"]
    working_group = OrderForm.base_fields["working_group"]

    def facts(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class EndOrderForm(forms.Form):
    end_kind = forms.ChoiceField(label=_("How it ended"), choices=EndKind.choices)
    end_date = forms.DateField(label=_("Ended on"), widget=DateInput())
    end_note = forms.CharField(label=_("End details"), max_length=200, required=False)


class ResumeOrderForm(forms.Form):
    date = forms.DateField(label=_("Released and resumed on"), widget=DateInput())


class ExtendIsolationForm(forms.Form):
    months = forms.IntegerField(label=_("Extend by (months)"), min_value=1)


class TestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TestKind.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    # No default: an untouched form must not record a negative test.
    result = forms.ChoiceField(
        label=_("Result"), choices=[("", _("— choose the result —")), *TestResult.choices]
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    tested_by = forms.CharField(label=_("Tested by"), max_length=100, required=False)
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)
    confirm_before_finding = forms.BooleanField(
        label=_("The date is before the first finding, and that is right"),
        required=False,
        help_text=_("Only tick this when asked: a test dated before the first finding."),
    )


class LeaveForm(forms.Form):
    from_date = forms.DateField(label=_("From"), widget=DateInput())
    to_date = forms.DateField(label=_("Until"), widget=DateInput())
    destination = forms.CharField(label=_("Destination"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class LeaveDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("Required when refusing."),
    )


class LeaveExtendForm(forms.Form):
    to_date = forms.DateField(label=_("New end"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class LeaveReturnForm(forms.Form):
    returned_date = forms.DateField(label=_("Returned on"), widget=DateInput())


class SickForm(forms.Form):
    condition = forms.CharField(label=_("Condition"), max_length=200)
    identified_date = forms.DateField(label=_("Identified on"), widget=DateInput())
    admitted_date = forms.DateField(label=_("Admitted on"), required=False, widget=DateInput())
    admitted_to = forms.CharField(label=_("Admitted to"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)


class AdmissionForm(forms.Form):
    admitted_date = forms.DateField(label=_("Admitted on"), widget=DateInput())
    admitted_to = forms.CharField(label=_("Admitted to"), max_length=200, required=False)


class CloseFollowUpForm(forms.Form):
    outcome = forms.CharField(
        max_length=2000, label=_("What was done about it"), widget=forms.Textarea(attrs={"rows": 3})
    )
    dismiss = forms.BooleanField(label=_("Dismiss (the proposal is rejected)"), required=False)


class AbstinenceForm(forms.Form):
    date = forms.DateField(label=_("Confirmed on"), widget=DateInput())


# ---------------------------------------------------------------- office lists


class OverdueFilterForm(forms.Form):
    mine = forms.BooleanField(label=_("Only people assigned to me"), required=False)


class ContactForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices)
    by_name = forms.CharField(
        label=_("By"),
        max_length=50,
        required=False,
        help_text=_("Leave empty for the person currently responsible."),
    )
    summary = forms.CharField(
        max_length=2000,
        label=_("What was done or said"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only what the control work needs."),
    )


class MoveReportForm(forms.Form):
    reported_date = forms.DateField(label=_("Reported at the new place on"), widget=DateInput())
