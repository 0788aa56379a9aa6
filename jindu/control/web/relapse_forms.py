"""Forms of the grid relapse report pages: the grid worker's report (phone-first) and the
police station's steps (accept, record the check, close with the outcome)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jindu.accounts.roles import Role
from jindu.core.scoping import VIEW, scope_for
from jindu.core.widgets import use_picker
from jindu.orgs.forms import DateInput
from jindu.orgs.models import OrgUnit, UnitLevel

from ..models import Person, RelapseKind, RelapseOutcome, RelapseStatus, TestKind, TestResult
from ..services.relapse import CHECK_RESULTS


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
        max_length=2000, label=_("What was seen"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        grids = OrgUnit.objects.restrict(user, VIEW).filter(level=UnitLevel.GRID, is_active=True)
        if scope_for(user).role == Role.GRID_WORKER:
            grids = grids.filter(pk=user.unit_id)
        self.fields["grid"].queryset = grids.order_by("path")
        if scope_for(user).role != Role.GRID_WORKER:
            use_picker(self.fields["grid"], "units", level="grid")
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


class _LinkPersonForm(forms.Form):
    """The registered person the report is about: picked by name, village or part of the
    masked number among the station's own people; the full number stays an alternative."""

    person = forms.ModelChoiceField(
        label=_("Registered person (optional)"),
        required=False,
        queryset=Person.objects.none(),
        help_text=_("Type the name, its pinyin initials, the village or part of the number."),
    )
    id_number = forms.CharField(
        label=_("Or the identity number"),
        max_length=18,
        required=False,
        help_text=_("Exact 18-character number; the report is linked to that person's record."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        field.queryset = (
            Person.objects.restrict(user, VIEW) if user is not None else Person.objects.none()
        )
        field.label_from_instance = lambda p: f"{p.name} · {p.id_masked}"
        use_picker(field, "persons")


class AcceptForm(_LinkPersonForm):
    pass


class CheckForm(_LinkPersonForm):
    check_date = forms.DateField(label=_("Checked on"), widget=DateInput())
    test_kind = forms.ChoiceField(label=_("Test"), choices=TestKind.choices)
    result = forms.ChoiceField(
        label=_("Test result"),
        choices=[(value, label) for value, label in TestResult.choices if value in CHECK_RESULTS],
    )
    note = forms.CharField(
        max_length=2000,
        label=_("Check details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = ["check_date", "test_kind", "result", "note", "person", "id_number"]


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=RelapseOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        max_length=2000,
        label=_("Outcome details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
