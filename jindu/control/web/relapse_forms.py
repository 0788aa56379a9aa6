"""Forms of the grid relapse report pages: the grid worker's report (phone-first) and the
police station's steps (accept, record the check, close with the outcome)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jindu.accounts.roles import Role
from jindu.core.scoping import VIEW, scope_for
from jindu.orgs.forms import DateInput
from jindu.orgs.models import OrgUnit, UnitLevel

from ..models import RelapseKind, RelapseOutcome, RelapseStatus, TestKind, TestResult
from ..relapse import CHECK_RESULTS


class RelapseReportForm(forms.Form):
    """What a grid worker saw: the kind, who, where, when, and what. The grid is their own."""

    kind = forms.ChoiceField(
        label=_("What are you reporting?"),
        choices=RelapseKind.choices,
        initial=RelapseKind.RELAPSE,
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(
        label=_("Who (name or description)"),
        max_length=200,
        help_text=_("A name if you know it, otherwise what the person looks like."),
    )
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=OrgUnit.objects.none())
    place = forms.CharField(label=_("Where"), max_length=200)
    observed_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    observation = forms.CharField(
        label=_("What was seen"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        grids = OrgUnit.objects.restrict(user, VIEW).filter(level=UnitLevel.GRID, is_active=True)
        if scope_for(user).role == Role.GRID_WORKER:
            grids = grids.filter(pk=user.unit_id)
        self.fields["grid"].queryset = grids.order_by("path")
        if user.unit_id and grids.filter(pk=user.unit_id).exists():
            self.fields["grid"].initial = user.unit_id
            self.fields["grid"].empty_label = None
        self.fields["observed_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean_observed_at(self):
        value = self.cleaned_data["observed_at"]
        if value > timezone.now():
            raise forms.ValidationError(_("This date is in the future."))
        return value

    def service_arguments(self) -> dict:
        """The report as the service takes it."""
        data = self.cleaned_data
        when = timezone.localtime(data["observed_at"])
        return {
            "grid": data["grid"],
            "kind": data["kind"],
            "subject": data["subject"],
            "place": data["place"],
            "observed_on": when.date(),
            "observed_time": when.time().replace(second=0, microsecond=0),
            "observation": data["observation"].strip(),
        }


class RelapseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *RelapseStatus.choices]
    )


class AcceptForm(forms.Form):
    id_number = forms.CharField(
        label=_("Identity number of a registered person (optional)"),
        max_length=18,
        required=False,
        help_text=_("Exact 18-character number; the report is linked to that person's record."),
    )


class CheckForm(forms.Form):
    check_date = forms.DateField(label=_("Checked on"), widget=DateInput())
    test_kind = forms.ChoiceField(label=_("Test"), choices=TestKind.choices)
    result = forms.ChoiceField(
        label=_("Test result"),
        choices=[(value, label) for value, label in TestResult.choices if value in CHECK_RESULTS],
    )
    note = forms.CharField(
        label=_("Check details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    id_number = forms.CharField(
        label=_("Identity number of a registered person (optional)"),
        max_length=18,
        required=False,
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=RelapseOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Outcome details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
